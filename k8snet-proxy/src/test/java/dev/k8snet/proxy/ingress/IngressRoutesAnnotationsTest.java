package dev.k8snet.proxy.ingress;

import static dev.k8snet.proxy.ingress.Manifests.OUR_CLASS;
import static dev.k8snet.proxy.ingress.Manifests.backendName;
import static dev.k8snet.proxy.ingress.Manifests.backends;
import static dev.k8snet.proxy.ingress.Manifests.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.IpAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The typed annotations that change routing. (Ingress v1 routing, facts from
 * kubernetes-sigs/ingress-controller-conformance).
 */
class IngressRoutesAnnotationsTest {
  static String ingress(String name, String path, String svc, String notes) {
    return """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          namespace: default
          name: %s
          annotations: {%s}
        spec:
          ingressClassName: k8snet
          rules:
          - host: app.example
            http:
              paths:
              - {path: %s, pathType: Prefix, backend: {service: {name: %s, port: {number: 8080}}}}
        """
        .formatted(name, notes, path, svc);
  }

  @ParameterizedTest(name = "{0} with target {1}: {2} -> {3}")
  @CsvSource({
    "/api, /, /api/users, /users",
    "/api, /, /api, /",
    "/api, /v2/, /api/users/7, /v2/users/7",
    "/api/, /v2, /api/users, /v2/users",
    "/, /base, /x, /base/x",
  })
  void rewriteTargetReplacesTheMatchedPrefix(
      String path, String target, String request, String upstream) {
    IngressRoutes t =
        IngressRoutes.compile(
            state(
                OUR_CLASS,
                backends("api"),
                ingress("rw", path, "api", "ingress.k8snet.io/rewrite-target: " + target)),
            IngressSettings.DEFAULT);
    assertEquals(
        Optional.of(upstream),
        t.explain(IngressRequest.of("http", "app.example", request)).rewrittenPath());
  }

  @Test
  void aCanaryByHeaderTakesRequestsThatAskForIt() {
    IngressRoutes t =
        IngressRoutes.compile(
            state(
                OUR_CLASS,
                backends("stable", "next"),
                ingress("main", "/", "stable", ""),
                ingress(
                    "canary",
                    "/",
                    "next",
                    "nginx.ingress.kubernetes.io/canary: \"true\","
                        + " nginx.ingress.kubernetes.io/canary-by-header: X-Canary")),
            IngressSettings.DEFAULT);
    assertEquals(List.of(), t.problems());
    IngressRequest plain = IngressRequest.of("http", "app.example", "/");
    assertEquals("stable", backendName(t.explain(plain)));
    IngressRequest always =
        new IngressRequest(
            "http",
            "app.example",
            Optional.empty(),
            "/",
            "GET",
            Map.of("X-Canary", "always"),
            Optional.empty());
    RouteResult r = t.explain(always);
    assertEquals("next", backendName(r));
    assertTrue(r.canary());
    assertEquals(Optional.of("default/canary"), r.ingress());
  }

  @Test
  void sourceRangesAnswer403ToOtherClients() {
    IngressRoutes t =
        IngressRoutes.compile(
            state(
                OUR_CLASS,
                backends("api"),
                ingress(
                    "internal",
                    "/",
                    "api",
                    "ingress.k8snet.io/whitelist-source-range: \"10.0.0.0/8, 192.168.1.7\"")),
            IngressSettings.DEFAULT);
    for (String[] c :
        new String[][] {{"10.2.3.4", "200"}, {"192.168.1.7", "200"}, {"8.8.8.8", "403"}}) {
      IngressRequest req =
          new IngressRequest(
              "http",
              "app.example",
              Optional.empty(),
              "/",
              "GET",
              Map.of(),
              Optional.of(IpAddress.parse(c[0])));
      assertEquals(Integer.parseInt(c[1]), t.explain(req).status(), c[0]);
    }
  }
}
