package dev.k8snet.proxy.ingress;

import static dev.k8snet.proxy.ingress.Manifests.OUR_CLASS;
import static dev.k8snet.proxy.ingress.Manifests.backendName;
import static dev.k8snet.proxy.ingress.Manifests.backends;
import static dev.k8snet.proxy.ingress.Manifests.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * features/path_rules.feature. (Ingress v1 routing, facts from
 * kubernetes-sigs/ingress-controller-conformance).
 */
class IngressRoutesPathRulesTest {
  static final String INGRESS =
      """
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: {namespace: default, name: path-rules}
      spec:
        ingressClassName: k8snet
        rules:
        - host: exact-path-rules
          http:
            paths:
            - {path: /foo, pathType: Exact, backend: {service: {name: foo-exact, port: {number: 8080}}}}
        - host: prefix-path-rules
          http:
            paths:
            - {path: /foo, pathType: Prefix, backend: {service: {name: foo-prefix, port: {number: 8080}}}}
            - {path: /aaa/bbb, pathType: Prefix, backend: {service: {name: aaa-slash-bbb-prefix, port: {number: 8080}}}}
            - {path: /aaa, pathType: Prefix, backend: {service: {name: aaa-prefix, port: {number: 8080}}}}
        - host: mixed-path-rules
          http:
            paths:
            - {path: /foo, pathType: Prefix, backend: {service: {name: foo-prefix, port: {number: 8080}}}}
            - {path: /foo, pathType: Exact, backend: {service: {name: foo-exact, port: {number: 8080}}}}
        - host: trailing-slash-path-rules
          http:
            paths:
            - {path: /aaa/bbb/, pathType: Prefix, backend: {service: {name: aaa-slash-bbb-slash-prefix, port: {number: 8080}}}}
            - {path: /foo/, pathType: Exact, backend: {service: {name: foo-slash-exact, port: {number: 8080}}}}
      """;

  final IngressRoutes routes =
      IngressRoutes.compile(
          state(
              OUR_CLASS,
              backends(
                  "foo-exact",
                  "foo-prefix",
                  "aaa-slash-bbb-prefix",
                  "aaa-prefix",
                  "aaa-slash-bbb-slash-prefix",
                  "foo-slash-exact"),
              INGRESS),
          IngressSettings.DEFAULT);

  @ParameterizedTest(name = "{0}{1} -> {2} {3}")
  @CsvSource({
    "exact-path-rules, /foo, 200, foo-exact",
    "exact-path-rules, /foo/, 404, -",
    "exact-path-rules, /FOO, 404, -",
    "exact-path-rules, /bar, 404, -",
    "prefix-path-rules, /foo, 200, foo-prefix",
    "prefix-path-rules, /foo/, 200, foo-prefix",
    "prefix-path-rules, /FOO, 404, -",
    "prefix-path-rules, /aaa/bbb, 200, aaa-slash-bbb-prefix",
    "prefix-path-rules, /aaa/bbb/ccc, 200, aaa-slash-bbb-prefix",
    "prefix-path-rules, /aaa/ccc, 200, aaa-prefix",
    "prefix-path-rules, /aaaccc, 404, -",
    "mixed-path-rules, /foo, 200, foo-exact",
    "mixed-path-rules, /foo/x, 200, foo-prefix",
    "trailing-slash-path-rules, /aaa/bbb, 200, aaa-slash-bbb-slash-prefix",
    "trailing-slash-path-rules, /aaa/bbb/, 200, aaa-slash-bbb-slash-prefix",
    "trailing-slash-path-rules, /foo, 404, -",
    "trailing-slash-path-rules, /foo/, 200, foo-slash-exact",
    "prefix-path-rules, /foo?x=/aaa, 200, foo-prefix",
    "PREFIX-path-rules:8080, /foo, 200, foo-prefix",
  })
  void routes(String host, String path, int status, String backend) {
    RouteResult r = routes.explain(IngressRequest.of("http", host, path));
    assertEquals(status, r.status(), r.reason());
    assertEquals(backend, backendName(r));
    if (status == 200) {
      assertTrue(
          r.reason()
              .matches(
                  "spec\\.rules\\[\\d+]\\.http\\.paths\\[\\d+] of \\S+ \\((Exact|Prefix) /.*\\)"),
          r.reason());
    }
  }

  @Test
  void aLongerPrefixWithATrailingSlashBeatsTheShorterOneEvenForTheBarePath() {
    IngressRoutes t =
        IngressRoutes.compile(
            state(
                OUR_CLASS,
                backends("short", "slash"),
                """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {namespace: default, name: slash}
                spec:
                  ingressClassName: k8snet
                  rules:
                  - http:
                      paths:
                      - {path: /foo, pathType: Prefix, backend: {service: {name: short, port: {number: 8080}}}}
                      - {path: /foo/, pathType: Prefix, backend: {service: {name: slash, port: {number: 8080}}}}
                """),
            IngressSettings.DEFAULT);
    assertEquals("slash", backendName(t.explain(IngressRequest.of("http", "any", "/foo"))));
    assertEquals("slash", backendName(t.explain(IngressRequest.of("http", "any", "/foo/x"))));
    assertEquals("Prefix /foo/", t.explain(IngressRequest.of("http", "x", "/foo")).path().get());
  }
}
