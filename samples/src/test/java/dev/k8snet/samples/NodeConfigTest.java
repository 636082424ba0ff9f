package dev.k8snet.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.proxy.ingress.ForwardedHeader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The node configuration: file, flags over it, and errors naming file, field and value. */
class NodeConfigTest {
  @TempDir Path dir;

  private Path file(String text) throws IOException {
    Path f = dir.resolve("node.yaml");
    Files.writeString(f, text, StandardCharsets.UTF_8);
    return f;
  }

  private String error(String text) throws IOException {
    Path f = file(text);
    return assertThrows(UsageException.class, () -> NodeConfig.read(f)).getMessage();
  }

  @Test
  void readsEveryFieldOverTheDefaults() throws IOException {
    NodeConfig c =
        NodeConfig.read(
            file(
                """
                apiVersion: k8snet.dev/v1alpha1
                kind: NodeConfiguration
                nodeName: node1
                manifests: [/etc/k8snet/manifests, /etc/k8snet/extra.yaml]
                http: {listen: 127.0.0.1:9000}
                readyTimeout: 1m30s
                cni: {enabled: false}
                proxy: {nodeIPs: [192.168.0.2], healthCheckBindAddress: none}
                dns: {listen: 10.96.0.10:53, zone: corp.internal, upstreams: [192.0.2.53:53], ttl: 30}
                ingress:
                  listen: 0.0.0.0:80
                  forwardedHeaders: [X-Forwarded-For, forwarded]
                  backendIdleTimeout: 4s
                """));
    assertEquals("node1", c.nodeName);
    assertEquals(2, c.manifests.size());
    assertEquals("127.0.0.1:9000", c.httpListen);
    assertEquals(Duration.ofSeconds(90), c.readyTimeout);
    assertEquals(false, c.cniEnabled);
    assertEquals(true, c.proxyEnabled);
    assertEquals("none", c.healthCheckBindAddress);
    assertEquals("corp.internal", c.dnsZone);
    assertEquals(30, c.dnsTtl);
    assertEquals(Duration.ofMinutes(5), c.resync);
    assertEquals("0.0.0.0:80", c.ingressListen);
    assertEquals(
        EnumSet.of(ForwardedHeader.X_FORWARDED_FOR, ForwardedHeader.FORWARDED),
        c.ingressForwardedHeaders);
    assertEquals(Duration.ofSeconds(4), c.ingressBackendIdleTimeout);
    assertNull(c.ingressClientIdleTimeout, "the controller's default");
  }

  @Test
  void ingressForwardedHeadersDefaultToTheControllersAndAnEmptyListMeansNone() throws IOException {
    assertNull(NodeConfig.read(file("ingress: {listen: 0.0.0.0:80}\n")).ingressForwardedHeaders);
    assertEquals(
        Set.of(),
        NodeConfig.read(file("ingress: {forwardedHeaders: []}\n")).ingressForwardedHeaders);
  }

  @Test
  void aBadValueNamesTheFileTheFieldAndTheValue() throws IOException {
    String e = error("dns: {ttl: -1}\n");
    assertTrue(e.contains("node.yaml: dns.ttl: -1 (expected: an integer 0 ~ 3600)"), e);
    e = error("readyTimeout: soon\n");
    assertTrue(e.contains("readyTimeout: \"soon\" (expected: a duration"), e);
    e = error("ingress: {clientIdleTimeout: 500ms}\n");
    assertTrue(
        e.contains(
            "node.yaml: ingress.clientIdleTimeout: \"500ms\" (expected: a duration of at least 1s"),
        e);
    e = error("cni: {enabled: maybe}\n");
    assertTrue(e.contains("cni.enabled: \"maybe\" (expected: true or false)"), e);
    e = error("kind: KubeProxyConfiguration\n");
    assertTrue(e.contains("kind: \"KubeProxyConfiguration\" (expected: NodeConfiguration)"), e);
    e = error("ingress: {forwardedHeaders: [x-real-ip]}\n");
    assertTrue(
        e.contains(
            "node.yaml: ingress.forwardedHeaders: not a forwarding field: \"x-real-ip\" (expected"
                + " one of x-forwarded-for,"),
        e);
  }

  @Test
  void anUnknownFieldIsAnErrorListingTheKnownOnes() throws IOException {
    String e = error("proxy: {masqueradeAll: true}\n");
    assertTrue(e.contains("proxy.masqueradeAll: unknown field (expected one of: config,"), e);
  }

  @Test
  void goDurationsParse() {
    assertEquals(Duration.ofMillis(1500), NodeConfig.parseDuration("1s500ms"));
    assertEquals(Duration.ofHours(2), NodeConfig.parseDuration("2h"));
    assertThrows(IllegalArgumentException.class, () -> NodeConfig.parseDuration("5"));
    assertThrows(IllegalArgumentException.class, () -> NodeConfig.parseDuration("5s junk"));
  }

  private record Run(int exit, String err) {}

  private Run node(String... args) {
    CommandLine cli = K8snetCommand.newCommandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    cli.setOut(new PrintWriter(new StringWriter()));
    String[] all = new String[args.length + 1];
    all[0] = "node";
    System.arraycopy(args, 0, all, 1, args.length);
    return new Run(cli.execute(all), err.toString());
  }

  @Test
  void theCommandRejectsBadFlagsWithExit2BeforeStartingAnything() throws IOException {
    Run r = node("--manifests", dir.toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("--node-name: missing"), r.err());

    r = node("--node-name", "n", "--manifests", dir.toString(), "--kubeconfig", "k");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("cluster source: more than one"), r.err());

    r = node("--node-name", "n", "--manifests", dir.resolve("missing").toString(), "--no-dns");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("missing: no such file or directory"), r.err());

    r = node("--node-name", "n", "--manifests", dir.toString(), "--dns-listen", "localhost");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("--dns-listen: localhost (expected: ADDR:PORT"), r.err());

    r = node("--node-name", "n", "--kubeconfig", dir.resolve("nope").toString(), "--no-dns");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("--kubeconfig: " + dir.resolve("nope")), r.err());

    r =
        node(
            "--node-name",
            "n",
            "--manifests",
            dir.toString(),
            "--ingress-forwarded-headers",
            "x-forwarded-for,via");
    assertEquals(2, r.exit());
    assertTrue(
        r.err().contains("--ingress-forwarded-headers: not a forwarding field: \"via\""), r.err());

    Path config = file("dns: {listen: 10.96.0.10}\n");
    r = node("--config", config.toString(), "--node-name", "n", "--manifests", dir.toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("node.yaml: dns.listen: 10.96.0.10 (expected: ADDR:PORT"), r.err());
  }
}
