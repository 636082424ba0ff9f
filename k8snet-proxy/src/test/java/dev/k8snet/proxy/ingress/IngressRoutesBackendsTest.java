package dev.k8snet.proxy.ingress;

import static dev.k8snet.proxy.ingress.Manifests.OUR_CLASS;
import static dev.k8snet.proxy.ingress.Manifests.service;
import static dev.k8snet.proxy.ingress.Manifests.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Backends: port by number or name; 500 for unresolvable, 503 for no ready endpoint. (Ingress v1
 * routing, facts from kubernetes-sigs/ingress-controller-conformance).
 */
class IngressRoutesBackendsTest {
  static String ingressTo(String service, String port) {
    return """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {namespace: default, name: to-%s}
        spec:
          ingressClassName: k8snet
          defaultBackend: {service: {name: %s, port: {%s}}}
        """
        .formatted(service, service, port);
  }

  RouteResult route(String... docs) {
    return IngressRoutes.compile(state(docs), IngressSettings.DEFAULT)
        .explain(IngressRequest.of("http", "h", "/"));
  }

  @Test
  void aServicePortIsFoundByNumberOrNameAndItsTargetPortIsUsed() {
    String svc = service("default", "web", 8080, "web-http", 9376, true, "10.1.0.5", "10.1.0.6");
    RouteResult byNumber = route(OUR_CLASS, svc, ingressTo("web", "number: 8080"));
    RouteResult byName = route(OUR_CLASS, svc, ingressTo("web", "name: web-http"));
    assertEquals(200, byNumber.status());
    assertEquals(
        List.of("10.1.0.5:9376", "10.1.0.6:9376"),
        byNumber.endpoints().stream().map(e -> e.hostPort()).toList());
    assertEquals(byNumber.endpoints(), byName.endpoints());
    assertEquals("web-http", byName.backend().get().port().toString());
    assertEquals("spec.defaultBackend of default/to-web", byNumber.reason());
  }

  @Test
  void aMissingServiceOrPortIs500() {
    RouteResult noService = route(OUR_CLASS, ingressTo("nosuch", "number: 80"));
    assertEquals(500, noService.status());
    assertEquals("Service default/nosuch not found", noService.reason());
    RouteResult noPort =
        route(
            OUR_CLASS,
            service("default", "web", 8080, 80, "10.1.0.5"),
            ingressTo("web", "number: 81"));
    assertEquals(500, noPort.status());
    assertEquals("Service default/web has no TCP port 81", noPort.reason());
  }

  @Test
  void noReadyEndpointIs503NeverA404() {
    RouteResult none =
        route(
            OUR_CLASS,
            service("default", "web", 8080, "http", 80, false, "10.1.0.5"),
            ingressTo("web", "number: 8080"));
    assertEquals(503, none.status());
    assertTrue(none.endpoints().isEmpty());
    RouteResult empty =
        route(OUR_CLASS, service("default", "web", 8080, 80), ingressTo("web", "number: 8080"));
    assertEquals(503, empty.status());
  }
}
