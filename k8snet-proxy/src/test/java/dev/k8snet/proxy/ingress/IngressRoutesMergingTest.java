package dev.k8snet.proxy.ingress;

import static dev.k8snet.proxy.ingress.Manifests.OUR_CLASS;
import static dev.k8snet.proxy.ingress.Manifests.backendName;
import static dev.k8snet.proxy.ingress.Manifests.backends;
import static dev.k8snet.proxy.ingress.Manifests.state;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Several Ingresses for one host merge; a bad one is skipped alone. (Ingress v1 routing, facts from
 * kubernetes-sigs/ingress-controller-conformance).
 */
class IngressRoutesMergingTest {
  static String ingress(String name, String created, String path, String svc, String notes) {
    return """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          namespace: default
          name: %s
          creationTimestamp: "%s"
          annotations: {%s}
        spec:
          ingressClassName: k8snet
          rules:
          - host: shop.example
            http:
              paths:
              - {path: %s, pathType: Prefix, backend: {service: {name: %s, port: {number: 8080}}}}
        """
        .formatted(name, created, notes, path, svc);
  }

  @Test
  void pathsOfOneHostMergeAcrossIngressesAndTheOldestWinsAConflict() {
    IngressRoutes t =
        IngressRoutes.compile(
            state(
                OUR_CLASS,
                backends("cart", "api", "api2"),
                ingress("cart", "2024-01-01T00:00:00Z", "/cart", "cart", ""),
                ingress("api-new", "2025-01-01T00:00:00Z", "/api", "api2", ""),
                ingress("api-old", "2024-06-01T00:00:00Z", "/api", "api", "")),
            IngressSettings.DEFAULT);
    assertEquals(
        "cart", backendName(t.explain(IngressRequest.of("http", "shop.example", "/cart"))));
    assertEquals("api", backendName(t.explain(IngressRequest.of("http", "shop.example", "/api"))));
    assertEquals(
        List.of(
            "Ingress default/api-new: spec.rules[0].http.paths[0] (shop.example Prefix /api) is"
                + " shadowed by spec.rules[0].http.paths[0] of the older Ingress default/api-old"),
        t.problems());
  }

  @Test
  void anIngressWithABadAnnotationIsSkippedAloneAndReported() {
    IngressRoutes t =
        IngressRoutes.compile(
            state(
                OUR_CLASS,
                backends("cart", "api"),
                ingress("cart", "2024-01-01T00:00:00Z", "/cart", "cart", ""),
                ingress(
                    "api",
                    "2024-01-01T00:00:00Z",
                    "/api",
                    "api",
                    "nginx.ingress.kubernetes.io/proxy-body-size: 10x")),
            IngressSettings.DEFAULT);
    assertEquals(List.of("default/cart"), t.servedIngresses());
    assertEquals(
        List.of(
            "Ingress default/api: annotation nginx.ingress.kubernetes.io/proxy-body-size:"
                + " \"10x\" (expected: a size such as 1048576, 8k, 1m or 0 for unlimited); the"
                + " Ingress is skipped"),
        t.problems());
    assertEquals(200, t.explain(IngressRequest.of("http", "shop.example", "/cart")).status());
    assertEquals(404, t.explain(IngressRequest.of("http", "shop.example", "/api")).status());
  }
}
