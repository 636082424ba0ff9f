package dev.k8snet.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.proxy.ingress.ForwardedHeader;
import dev.k8snet.proxy.ingress.IngressController;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code k8snet ingress explain} contract (DESIGN.md): the JSON, text and bad input. */
class IngressCommandTest {
  private static final String MANIFESTS =
      """
      apiVersion: networking.k8s.io/v1
      kind: IngressClass
      metadata: {name: k8snet, annotations: {ingressclass.kubernetes.io/is-default-class: "true"}}
      spec: {controller: k8snet.io/ingress-controller}
      ---
      apiVersion: v1
      kind: Service
      metadata: {namespace: shop, name: web}
      spec:
        clusterIP: 10.96.0.10
        ports: [{name: http, port: 80, targetPort: 8080}]
      ---
      apiVersion: discovery.k8s.io/v1
      kind: EndpointSlice
      metadata: {namespace: shop, name: web-1, labels: {kubernetes.io/service-name: web}}
      addressType: IPv4
      ports: [{name: http, port: 8080, protocol: TCP}]
      endpoints:
      - addresses: [10.244.1.5]
      - addresses: [10.244.2.7]
      - addresses: [10.244.3.9]
        conditions: {ready: false}
      ---
      apiVersion: v1
      kind: Service
      metadata: {namespace: shop, name: idle}
      spec:
        clusterIP: 10.96.0.11
        ports: [{port: 80, targetPort: 80}]
      ---
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: {namespace: shop, name: site, annotations: {nginx.ingress.kubernetes.io/ssl-redirect: "true"}}
      spec:
        tls: [{hosts: [shop.example], secretName: shop-tls}]
        rules:
        - host: shop.example
          http:
            paths:
            - {path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}
            - {path: /idle, pathType: Exact, backend: {service: {name: idle, port: {number: 80}}}}
      ---
      apiVersion: v1
      kind: Secret
      metadata: {namespace: shop, name: shop-tls}
      type: kubernetes.io/tls
      stringData: {tls.crt: CRT, tls.key: KEY}
      ---
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: {namespace: shop, name: broken}
      spec:
        rules:
        - host: other.example
          http:
            paths:
            - {path: /a, backend: {service: {name: web, port: {number: 80}}}}
      """;

  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private Run run(String... args) throws IOException {
    Files.writeString(dir.resolve("m.yaml"), MANIFESTS, StandardCharsets.UTF_8);
    List<String> all =
        new ArrayList<>(List.of("ingress", "explain", "--manifests", dir.toString()));
    all.addAll(List.of(args));
    CommandLine cli = K8snetCommand.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(all.toArray(String[]::new));
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void jsonNamesTheIngressTheServicePortAndTheReadyEndpoints() throws IOException {
    Run r =
        run("--scheme", "https", "--host", "shop.example", "--path", "/cart", "--output", "json");
    assertEquals(0, r.exit(), r.err());
    assertEquals(
        "{\"status\": 200, \"ingress\": \"shop/site\", \"backend\": {\"service\": \"shop/web\","
            + " \"port\": \"http\"}, \"endpoints\": [\"10.244.1.5:8080\", \"10.244.2.7:8080\"]}\n",
        r.out());
  }

  @Test
  void noReadyEndpointIs503WithTheBackendAndNoEndpoints() throws IOException {
    Run r =
        run("--scheme", "https", "--host", "shop.example", "--path", "/idle", "--output", "json");
    assertEquals(
        "{\"status\": 503, \"ingress\": \"shop/site\", \"backend\": {\"service\": \"shop/idle\","
            + " \"port\": 80}, \"endpoints\": []}\n",
        r.out());
  }

  @Test
  void noRuleIs404WithoutBackend() throws IOException {
    Run r = run("--scheme", "http", "--host", "nobody.example", "--path", "/", "--output", "json");
    assertEquals("{\"status\": 404}\n", r.out());
  }

  @Test
  void plainHttpToATlsHostWithSslRedirectIs308() throws IOException {
    Run r = run("--scheme", "http", "--host", "shop.example", "--path", "/a", "--output", "json");
    assertEquals(
        "{\"status\": 308, \"ingress\": \"shop/site\", \"location\":"
            + " \"https://shop.example/a\"}\n",
        r.out());
  }

  @Test
  void anInvalidIngressIsSkippedWithAWarningNamingFileLineAndField() throws IOException {
    Run r = run("--scheme", "http", "--host", "other.example", "--path", "/a", "--output", "json");
    assertEquals(0, r.exit());
    assertEquals("{\"status\": 404}\n", r.out());
    assertTrue(
        r.err().contains("m.yaml:")
            && r.err().contains("Ingress shop/broken")
            && r.err().contains("pathType")
            && r.err().contains("(skipped)"),
        r.err());
  }

  @Test
  void textNamesTheHostGroupRuleAndCertificate() throws IOException {
    Run r =
        run(
            "--scheme",
            "https",
            "--sni",
            "shop.example",
            "--host",
            "shop.example",
            "--path",
            "/cart");
    assertTrue(r.out().contains("  host group: exact shop.example\n"), r.out());
    assertTrue(r.out().contains("  rule: spec.rules[0].http.paths[0]\n"), r.out());
    assertTrue(r.out().contains("  certificate: Secret shop/shop-tls"), r.out());
  }

  @Test
  void badOptionsExitWith2() throws IOException {
    assertEquals(2, run("--scheme", "ftp", "--host", "a", "--path", "/").exit());
    assertEquals(2, run("--scheme", "http", "--host", "a", "--path", "x").exit());
    assertEquals(
        2, run("--scheme", "http", "--host", "a", "--path", "/", "--output", "yaml").exit());
  }

  @Test
  void forwardedHeadersAreAListOfFieldNamesOrNone() {
    assertEquals(
        EnumSet.of(ForwardedHeader.X_FORWARDED_FOR, ForwardedHeader.FORWARDED),
        IngressCommand.Serve.forwardedHeaders("--forwarded-headers", "X-Forwarded-For, forwarded"));
    assertEquals(Set.of(), IngressCommand.Serve.forwardedHeaders("--forwarded-headers", "none"));
    UsageException e =
        assertThrows(
            UsageException.class,
            () -> IngressCommand.Serve.forwardedHeaders("--forwarded-headers", "x-forwarded-for,"));
    assertTrue(
        e.getMessage().startsWith("--forwarded-headers: not a forwarding field: \"\""),
        e.getMessage());
  }

  @Test
  void transportsAreNamedAsInTheirDocumentation() {
    assertEquals(IngressController.Transport.IO_URING, IngressCommand.Serve.transport("io_uring"));
    assertEquals(IngressController.Transport.EPOLL, IngressCommand.Serve.transport("epoll"));
    assertEquals(IngressController.Transport.NIO, IngressCommand.Serve.transport("NIO"));
    UsageException e =
        assertThrows(UsageException.class, () -> IngressCommand.Serve.transport("kqueue"));
    assertEquals("--transport: kqueue (expected: io_uring, epoll or nio)", e.getMessage());
  }

  @Test
  void idleTimeoutsAreGoDurationsOfAtLeastASecond() {
    assertEquals(
        Duration.ofSeconds(75), IngressCommand.Serve.idleTimeout("--client-idle-timeout", "1m15s"));
    assertEquals(
        Duration.ofSeconds(5), IngressCommand.Serve.idleTimeout("--backend-idle-timeout", "5s"));
    for (String bad : List.of("500ms", "5", "5 s", "-1s", "")) {
      UsageException e =
          assertThrows(
              UsageException.class,
              () -> IngressCommand.Serve.idleTimeout("--backend-idle-timeout", bad));
      assertEquals(
          "--backend-idle-timeout: "
              + bad
              + " (expected: a duration of at least 1s, e.g. 75s or 1m15s)",
          e.getMessage());
    }
  }
}
