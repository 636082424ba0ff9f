package dev.k8snet.core.manifest;

import static dev.k8snet.core.manifest.CoreKindsTest.one;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.model.HttpIngressPath;
import dev.k8snet.core.model.Ingress;
import dev.k8snet.core.model.IngressBackend;
import dev.k8snet.core.model.IngressClass;
import dev.k8snet.core.model.IngressTls;
import dev.k8snet.core.model.PathType;
import dev.k8snet.core.model.PortRef;
import dev.k8snet.core.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IngressManifestTest {
  private static final String HEAD =
      "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: ing, namespace: web}\n";

  @Test
  void readsRulesTlsAndBackends() {
    Ingress i =
        one(
            Ingress.class,
            HEAD
                + """
                spec:
                  ingressClassName: k8snet
                  defaultBackend:
                    resource: {apiGroup: k8s.example.com, kind: StorageBucket, name: static}
                  tls:
                  - hosts: [shop.example.com]
                    secretName: shop-tls
                  rules:
                  - host: shop.example.com
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
                      - {path: /api, pathType: Exact, backend: {service: {name: api, port: {name: http}}}}
                  - host: "*.example.com"
                    http:
                      paths:
                      - {pathType: ImplementationSpecific, backend: {service: {name: web, port: {number: 80}}}}
                """);
    assertEquals(Optional.of("k8snet"), i.ingressClassName());
    assertEquals(Optional.of("k8snet"), i.className());
    assertEquals(
        Optional.of(
            new IngressBackend.ResourceBackend(
                Optional.of("k8s.example.com"), "StorageBucket", "static")),
        i.defaultBackend());
    assertEquals(
        List.of(new IngressTls(List.of("shop.example.com"), Optional.of("shop-tls"))), i.tls());
    assertEquals(Optional.of("shop.example.com"), i.rules().get(0).host());
    assertEquals(
        new HttpIngressPath("/", PathType.PREFIX, IngressBackend.service("web", PortRef.of(80))),
        i.rules().get(0).paths().get(0));
    assertEquals(
        IngressBackend.service("api", PortRef.named("http")),
        i.rules().get(0).paths().get(1).backend());
    assertEquals("", i.rules().get(1).paths().get(0).path());
    assertEquals(Optional.of("*.example.com"), i.rules().get(1).host());
  }

  @Test
  void classFallsBackToTheLegacyAnnotation() {
    Ingress i =
        one(
            Ingress.class,
            """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: ing
              annotations: {kubernetes.io/ingress.class: nginx}
            spec:
              defaultBackend: {service: {name: web, port: {number: 80}}}
            """);
    assertEquals(Optional.empty(), i.ingressClassName());
    assertEquals(Optional.of("nginx"), i.className());
  }

  @Test
  void ingressClassReadsControllerAndDefaultAnnotation() {
    IngressClass c =
        one(
            IngressClass.class,
            """
            apiVersion: networking.k8s.io/v1
            kind: IngressClass
            metadata:
              name: k8snet
              annotations: {ingressclass.kubernetes.io/is-default-class: "true"}
            spec: {controller: k8snet.dev/ingress}
            """);
    assertEquals("k8snet.dev/ingress", c.controller());
    assertTrue(c.isDefault());
    IngressClass other =
        one(
            IngressClass.class,
            "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: o}\n"
                + "spec: {controller: example.com/x}\n");
    assertFalse(other.isDefault());
  }

  @Test
  void secretDecodesBase64AndMergesStringData() {
    Secret s =
        one(
            Secret.class,
            """
            apiVersion: v1
            kind: Secret
            metadata: {name: shop-tls, namespace: web}
            type: kubernetes.io/tls
            data:
              tls.crt: Y2VydA==
            stringData:
              tls.key: key
            """);
    assertEquals(Secret.TLS_TYPE, s.type());
    assertArrayEquals("cert".getBytes(StandardCharsets.UTF_8), s.get("tls.crt").orElseThrow());
    assertArrayEquals("key".getBytes(StandardCharsets.UTF_8), s.get("tls.key").orElseThrow());
    assertFalse(s.toString().contains("cert"));
    s.data().get("tls.crt")[0] = 'X';
    assertArrayEquals("cert".getBytes(StandardCharsets.UTF_8), s.get("tls.crt").orElseThrow());
    Secret same =
        one(
            Secret.class,
            "apiVersion: v1\nkind: Secret\nmetadata: {name: shop-tls, namespace: web}\n"
                + "type: kubernetes.io/tls\ndata: {tls.crt: Y2VydA==, tls.key: a2V5}\n");
    assertEquals(s, same);
    assertEquals(s.hashCode(), same.hashCode());
    Secret opaque =
        one(Secret.class, "apiVersion: v1\nkind: Secret\nmetadata: {name: o}\ndata: {a: YQ==}\n");
    assertEquals("Opaque", opaque.type());
    assertNotEquals(s, opaque);
  }

  static Stream<Arguments> invalidObjects() {
    String rule = "spec:\n  rules:\n  - host: a.example.com\n    http:\n      paths:\n";
    String svc = "backend: {service: {name: web, port: {number: 80}}}";
    return Stream.of(
        Arguments.of(
            HEAD + rule + "      - path: /a\n        " + svc + "\n",
            "spec.rules[0].http.paths[0].pathType",
            9,
            "Required value: pathType must be specified"),
        Arguments.of(
            HEAD + rule + "      - {path: /a, pathType: Regex, " + svc + "}\n",
            "spec.rules[0].http.paths[0].pathType",
            9,
            "Unsupported value: \"Regex\""),
        Arguments.of(
            HEAD + rule + "      - {path: a, pathType: Prefix, " + svc + "}\n",
            "spec.rules[0].http.paths[0].path",
            9,
            "Invalid value: \"a\": must be an absolute path"),
        Arguments.of(
            HEAD + rule + "      - {path: /a//b, pathType: Exact, " + svc + "}\n",
            "spec.rules[0].http.paths[0].path",
            9,
            "must not contain '//'"),
        Arguments.of(
            HEAD + rule + "      - {path: /a/.., pathType: Exact, " + svc + "}\n",
            "spec.rules[0].http.paths[0].path",
            9,
            "must not end with '/..'"),
        Arguments.of(
            HEAD + rule + "      - path: /\n        pathType: Prefix\n        backend: {}\n",
            "spec.rules[0].http.paths[0].backend",
            11,
            "resource or service backend is required"),
        Arguments.of(
            HEAD
                + rule
                + "      - path: /\n        pathType: Prefix\n        backend:\n"
                + "          service: {name: web, port: {number: 80}}\n"
                + "          resource: {kind: K, name: n}\n",
            "spec.rules[0].http.paths[0].backend",
            11,
            "cannot set both resource and service"),
        Arguments.of(
            HEAD
                + rule
                + "      - path: /\n        pathType: Prefix\n        backend:\n"
                + "          service:\n            name: web\n            port: {number: 80, name: http}\n",
            "spec.rules[0].http.paths[0].backend.service.port",
            14,
            "cannot set both port name & port number"),
        Arguments.of(
            HEAD
                + rule
                + "      - path: /\n        pathType: Prefix\n        backend:\n"
                + "          service: {name: web, port: {}}\n",
            "spec.rules[0].http.paths[0].backend.service.port",
            12,
            "Required value: port name or number is required"),
        Arguments.of(
            HEAD
                + rule
                + "      - path: /\n        pathType: Prefix\n        backend:\n"
                + "          service: {name: web, port: {number: 70000}}\n",
            "spec.rules[0].http.paths[0].backend.service.port.number",
            12,
            "must be between 1 and 65535"),
        Arguments.of(
            HEAD
                + rule
                + "      - path: /\n        pathType: Prefix\n        backend:\n"
                + "          service: {name: Web, port: {number: 80}}\n",
            "spec.rules[0].http.paths[0].backend.service.name",
            12,
            "DNS-1035"),
        Arguments.of(
            HEAD + "spec:\n  rules:\n  - host: 10.0.0.1\n",
            "spec.rules[0].host",
            6,
            "must be a DNS name, not an IP address"),
        Arguments.of(
            HEAD + "spec:\n  rules:\n  - host: \"*\"\n", "spec.rules[0].host", 6, "wildcard"),
        Arguments.of(
            HEAD + "spec:\n  rules:\n  - host: Foo.Test\n",
            "spec.rules[0].host",
            6,
            "RFC 1123 subdomain"),
        Arguments.of(
            HEAD + "spec:\n  rules:\n  - host: a.test\n    http: {paths: []}\n",
            "spec.rules[0].http.paths",
            7,
            "Required value"),
        Arguments.of(
            HEAD + "spec:\n  ingressClassName: k8snet\n",
            "spec",
            4,
            "either `defaultBackend` or `rules` must be specified"),
        Arguments.of(
            HEAD
                + "spec:\n  tls:\n  - hosts: [a.test]\n    secretName: Bad_Secret\n"
                + "  defaultBackend: {service: {name: web, port: {number: 80}}}\n",
            "spec.tls[0].secretName",
            7,
            "RFC 1123 subdomain"),
        Arguments.of(
            "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: c}\n"
                + "spec: {controller: no-slash}\n",
            "spec.controller",
            4,
            "must be a domain-prefixed path"),
        Arguments.of(
            "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: c}\nspec: {}\n",
            "spec.controller",
            4,
            "Required value"),
        Arguments.of(
            "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ntype: kubernetes.io/tls\n"
                + "data:\n  tls.crt: Y2VydA==\n",
            "data[tls.key]",
            5,
            "Required value"),
        Arguments.of(
            "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  a: \"!!notbase64\"\n",
            "data[a]",
            5,
            "illegal base64 data"),
        Arguments.of(
            "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  \"a/b\": YQ==\n",
            "data",
            5,
            "a valid config key"));
  }

  @ParameterizedTest
  @MethodSource("invalidObjects")
  void rejectsWhatTheApiServerRejects(String yaml, String field, int line, String messagePart) {
    ManifestException e = CoreKindsTest.error(yaml);
    assertEquals(field, e.field(), e.getMessage());
    assertEquals(line, e.line(), e.getMessage());
    assertTrue(
        e.getMessage().contains(messagePart), () -> e.getMessage() + " lacks " + messagePart);
  }
}
