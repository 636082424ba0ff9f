package dev.k8snet.proxy.ingress;

import static dev.k8snet.proxy.ingress.Manifests.OUR_CLASS;
import static dev.k8snet.proxy.ingress.Manifests.backends;
import static dev.k8snet.proxy.ingress.Manifests.state;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * TLS: SNI picks the certificate, Host picks the route; missing Secrets are reported. (Ingress v1
 * routing, facts from kubernetes-sigs/ingress-controller-conformance).
 */
class IngressRoutesTlsTest {
  static final String TLS_SECRET =
      """
      apiVersion: v1
      kind: Secret
      metadata: {namespace: default, name: foo-tls}
      type: kubernetes.io/tls
      stringData: {tls.crt: "CERT", tls.key: "KEY"}
      """;

  static String ingress(String secret, String notes) {
    return """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          namespace: default
          name: tls
          annotations: {%s}
        spec:
          ingressClassName: k8snet
          tls:
          - hosts: [foo.bar.com, "*.wild.com"]
            secretName: %s
          rules:
          - host: foo.bar.com
            http:
              paths:
              - {path: /, pathType: Prefix, backend: {service: {name: echo, port: {number: 8080}}}}
          - host: other.com
            http:
              paths:
              - {path: /, pathType: Prefix, backend: {service: {name: echo, port: {number: 8080}}}}
        """
        .formatted(notes, secret);
  }

  @Test
  void sniPicksTheCertificateHostPicksTheRoute() {
    IngressRoutes t =
        IngressRoutes.compile(
            state(OUR_CLASS, backends("echo"), TLS_SECRET, ingress("foo-tls", "")),
            IngressSettings.DEFAULT);
    assertEquals("foo-tls", t.certificateFor("foo.bar.com").get().metadata().name());
    assertEquals("foo-tls", t.certificateFor("a.wild.com").get().metadata().name());
    assertEquals(Optional.empty(), t.certificateFor("b.a.wild.com"));
    RouteResult r =
        t.explain(
            new IngressRequest(
                "https",
                "other.com",
                Optional.of("foo.bar.com"),
                "/",
                "GET",
                Map.of(),
                Optional.empty()));
    assertEquals(Optional.of("exact other.com"), r.hostGroup());
  }

  @Test
  void aMissingSecretIsReportedAndTheRoutesKeepServing() {
    IngressRoutes t =
        IngressRoutes.compile(
            state(OUR_CLASS, backends("echo"), ingress("nosuch", "")), IngressSettings.DEFAULT);
    assertEquals(
        List.of(
            "Ingress default/tls spec.tls[0].secretName: Secret default/nosuch not found; its"
                + " hosts get the default certificate"),
        t.problems());
    assertEquals(200, t.explain(IngressRequest.of("https", "foo.bar.com", "/")).status());
  }

  @Test
  void sslRedirectSendsPlainHttpForATlsHostToHttpsWith308() {
    IngressRoutes t =
        IngressRoutes.compile(
            state(
                OUR_CLASS,
                backends("echo"),
                TLS_SECRET,
                ingress("foo-tls", "ingress.k8snet.io/ssl-redirect: \"true\"")),
            IngressSettings.DEFAULT);
    RouteResult r = t.explain(IngressRequest.of("http", "foo.bar.com:80", "/a?b=c"));
    assertEquals(308, r.status());
    assertEquals(Optional.of("https://foo.bar.com/a?b=c"), r.location());
    assertEquals(200, t.explain(IngressRequest.of("https", "foo.bar.com", "/a")).status());
    assertEquals(200, t.explain(IngressRequest.of("http", "other.com", "/a")).status());
  }
}
