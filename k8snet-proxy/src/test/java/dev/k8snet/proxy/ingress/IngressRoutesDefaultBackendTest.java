package dev.k8snet.proxy.ingress;

import static dev.k8snet.proxy.ingress.Manifests.OUR_CLASS;
import static dev.k8snet.proxy.ingress.Manifests.backendName;
import static dev.k8snet.proxy.ingress.Manifests.backends;
import static dev.k8snet.proxy.ingress.Manifests.state;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * features/default_backend.feature: defaultBackend takes every unmatched request. (Ingress v1
 * routing, facts from kubernetes-sigs/ingress-controller-conformance).
 */
class IngressRoutesDefaultBackendTest {
  final IngressRoutes routes =
      IngressRoutes.compile(
          state(
              OUR_CLASS,
              backends("echo", "other"),
              """
              apiVersion: networking.k8s.io/v1
              kind: Ingress
              metadata: {namespace: default, name: default-backend}
              spec:
                ingressClassName: k8snet
                defaultBackend: {service: {name: echo, port: {number: 8080}}}
                rules:
                - host: named.example
                  http:
                    paths:
                    - {path: /aaa, pathType: Prefix, backend: {service: {name: other, port: {number: 8080}}}}
              """),
          IngressSettings.DEFAULT);

  @ParameterizedTest(name = "{0}{1} -> {2}")
  @CsvSource({
    "unknown.example, /, echo",
    "unknown.example, /aaa, echo",
    "named.example, /aaa, other",
    "named.example, /ccc, echo",
  })
  void unmatchedRequestsGoToTheDefaultBackend(String host, String path, String backend) {
    RouteResult r = routes.explain(IngressRequest.of("http", host, path));
    assertEquals(200, r.status());
    assertEquals(backend, backendName(r));
  }

  @Test
  void theDefaultBackendHasNoPathButNamesItsField() {
    RouteResult r = routes.explain(IngressRequest.of("http", "x", "/"));
    assertEquals(Optional.of("default backend"), r.hostGroup());
    assertEquals(Optional.empty(), r.path());
    assertEquals(Optional.of("spec.defaultBackend"), r.rule());
  }

  @Test
  void withoutADefaultBackendAnUnmatchedRequestIs404() {
    IngressRoutes t = IngressRoutes.compile(state(OUR_CLASS), IngressSettings.DEFAULT);
    RouteResult r = t.explain(IngressRequest.of("http", "x", "/"));
    assertEquals(404, r.status());
    assertEquals(Optional.empty(), r.backend());
    assertEquals(List.of(), r.endpoints());
  }
}
