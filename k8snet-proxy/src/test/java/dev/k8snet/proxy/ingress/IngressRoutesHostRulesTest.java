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
 * features/host_rules.feature and the wildcard rules of the API. (Ingress v1 routing, facts from
 * kubernetes-sigs/ingress-controller-conformance).
 */
class IngressRoutesHostRulesTest {
  final IngressRoutes routes =
      IngressRoutes.compile(
          state(
              OUR_CLASS,
              backends("precise", "wild", "anyhost"),
              """
              apiVersion: networking.k8s.io/v1
              kind: Ingress
              metadata: {namespace: default, name: hosts}
              spec:
                ingressClassName: k8snet
                rules:
                - host: foo.bar.com
                  http:
                    paths:
                    - {path: /, pathType: Prefix, backend: {service: {name: precise, port: {number: 8080}}}}
                - host: "*.foo.com"
                  http:
                    paths:
                    - {path: /, pathType: Prefix, backend: {service: {name: wild, port: {number: 8080}}}}
                - host: "*.bar.com"
                  http:
                    paths:
                    - {path: /, pathType: Prefix, backend: {service: {name: wild, port: {number: 8080}}}}
              """),
          IngressSettings.DEFAULT);

  @ParameterizedTest(name = "{0} -> {1} {2}")
  @CsvSource({
    "foo.bar.com, 200, precise",
    "FOO.bar.com:80, 200, precise",
    "foo.bar.com., 200, precise",
    "bar.foo.com, 200, wild",
    "baz.bar.foo.com, 404, -",
    "foo.com, 404, -",
    "other.bar.com, 200, wild",
    "foo.baz.com, 404, -",
  })
  void hosts(String host, int status, String backend) {
    RouteResult r = routes.explain(IngressRequest.of("http", host, "/"));
    assertEquals(status, r.status(), r.reason());
    assertEquals(backend, backendName(r));
  }

  @Test
  void theExactHostGroupIsNamedInTheExplanation() {
    RouteResult r = routes.explain(IngressRequest.of("http", "foo.bar.com", "/x"));
    assertEquals(Optional.of("exact foo.bar.com"), r.hostGroup());
    assertEquals(Optional.of("default/hosts"), r.ingress());
    assertEquals(Optional.of("spec.rules[0].http.paths[0]"), r.rule());
    assertEquals(List.of("10.0.0.1:80"), r.endpoints().stream().map(e -> e.hostPort()).toList());
    RouteResult w = routes.explain(IngressRequest.of("http", "x.foo.com", "/"));
    assertEquals(Optional.of("wildcard *.foo.com"), w.hostGroup());
  }
}
