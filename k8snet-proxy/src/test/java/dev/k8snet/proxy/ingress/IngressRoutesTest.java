package dev.k8snet.proxy.ingress;

import static dev.k8snet.proxy.ingress.Manifests.OUR_CLASS;
import static dev.k8snet.proxy.ingress.Manifests.service;
import static dev.k8snet.proxy.ingress.Manifests.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.IpAddress;
import dev.k8snet.core.cluster.ClusterState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Routing rules of Ingress v1, as table tests. Scenarios translated from the facts of
 * kubernetes-sigs/ingress-controller-conformance (path_rules, host_rules, default_backend,
 * ingress_class) plus the edge cases the spec leaves to be decided.
 */
class IngressRoutesTest {

  static String backends(String... names) {
    StringBuilder b = new StringBuilder();
    int i = 1;
    for (String n : names) {
      b.append(service("default", n, 8080, 80, "10.0.0." + i++)).append("\n---\n");
    }
    return b.toString();
  }

  static String backendName(RouteResult r) {
    return r.backend().map(ServiceBackendRef::name).orElse("-");
  }

  /** features/path_rules.feature. */
  @Nested
  class PathRules {
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

  /** features/host_rules.feature and the wildcard rules of the API. */
  @Nested
  class HostRules {
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

  /** features/default_backend.feature: defaultBackend takes every unmatched request. */
  @Nested
  class DefaultBackend {
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

  /** features/ingress_class.feature and the default class. */
  @Nested
  class Classes {
    static String ingress(String name, String classLine) {
      return """
          apiVersion: networking.k8s.io/v1
          kind: Ingress
          metadata: {namespace: default, name: %s}
          spec:
            %s
            defaultBackend: {service: {name: echo, port: {number: 8080}}}
          """
          .formatted(name, classLine);
    }

    static String klass(String name, String controller, boolean dflt, String created) {
      return """
          apiVersion: networking.k8s.io/v1
          kind: IngressClass
          metadata:
            name: %s
            creationTimestamp: "%s"
            annotations: {ingressclass.kubernetes.io/is-default-class: "%s"}
          spec: {controller: %s}
          """
          .formatted(name, created, dflt, controller);
    }

    @Test
    void onlyIngressesOfOurClassAreServed() {
      ClusterState s =
          state(
              klass("k8snet", "k8snet.io/ingress-controller", false, "2024-01-01T00:00:00Z"),
              klass("nginx", "k8s.io/ingress-nginx", false, "2024-01-01T00:00:00Z"),
              backends("echo"),
              ingress("ours", "ingressClassName: k8snet"),
              ingress("theirs", "ingressClassName: nginx"),
              ingress("unknown", "ingressClassName: missing"),
              ingress("classless", ""));
      assertEquals(
          List.of("default/ours"),
          IngressRoutes.compile(s, IngressSettings.DEFAULT).servedIngresses());
    }

    @Test
    void theLegacyAnnotationNamesTheClassToo() {
      ClusterState s =
          state(
              OUR_CLASS,
              backends("echo"),
              """
              apiVersion: networking.k8s.io/v1
              kind: Ingress
              metadata:
                namespace: default
                name: legacy
                annotations: {kubernetes.io/ingress.class: k8snet}
              spec:
                defaultBackend: {service: {name: echo, port: {number: 8080}}}
              """);
      assertEquals(
          List.of("default/legacy"),
          IngressRoutes.compile(s, IngressSettings.DEFAULT).servedIngresses());
    }

    @Test
    void classlessIngressesGetTheNewestDefaultClass() {
      ClusterState ours =
          state(
              klass("old", "k8s.io/ingress-nginx", true, "2024-01-01T00:00:00Z"),
              klass("new", "k8snet.io/ingress-controller", true, "2025-01-01T00:00:00Z"),
              backends("echo"),
              ingress("classless", ""));
      assertEquals(
          List.of("default/classless"),
          IngressRoutes.compile(ours, IngressSettings.DEFAULT).servedIngresses());
      ClusterState theirs =
          state(
              klass("old", "k8snet.io/ingress-controller", true, "2024-01-01T00:00:00Z"),
              klass("new", "k8s.io/ingress-nginx", true, "2025-01-01T00:00:00Z"),
              backends("echo"),
              ingress("classless", ""));
      assertEquals(
          List.of(), IngressRoutes.compile(theirs, IngressSettings.DEFAULT).servedIngresses());
    }
  }

  /** Backends: port by number or name; 500 for unresolvable, 503 for no ready endpoint. */
  @Nested
  class Backends {
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

  /** Several Ingresses for one host merge; a bad one is skipped alone. */
  @Nested
  class Merging {
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
      assertEquals(
          "api", backendName(t.explain(IngressRequest.of("http", "shop.example", "/api"))));
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

  /** TLS: SNI picks the certificate, Host picks the route; missing Secrets are reported. */
  @Nested
  class Tls {
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

  /** The typed annotations that change routing. */
  @Nested
  class Annotations {
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
}
