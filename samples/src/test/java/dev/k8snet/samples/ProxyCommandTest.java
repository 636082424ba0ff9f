package dev.k8snet.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code k8snet proxy} command contract (DESIGN.md): trace JSON, render, bad input. */
class ProxyCommandTest {
  private static final String MANIFESTS =
      """
      apiVersion: v1
      kind: Node
      metadata: {name: node1}
      status:
        addresses: [{type: InternalIP, address: 192.168.0.2}]
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: default}
      spec:
        type: NodePort
        clusterIP: 10.96.0.10
        externalTrafficPolicy: Local
        ports: [{name: http, port: 80, targetPort: 8080, nodePort: 30080}]
      ---
      apiVersion: discovery.k8s.io/v1
      kind: EndpointSlice
      metadata: {name: web-1, namespace: default, labels: {kubernetes.io/service-name: web}}
      addressType: IPv4
      ports: [{name: http, port: 8080, protocol: TCP}]
      endpoints:
      - addresses: [10.244.1.5]
        nodeName: node1
      - addresses: [10.244.2.5]
        nodeName: node2
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: empty, namespace: default}
      spec:
        clusterIP: 10.96.0.11
        ports: [{port: 53, protocol: UDP}]
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: v6, namespace: default}
      spec:
        ipFamilies: [IPv6]
        clusterIP: fd00:96::10
        ports: [{name: s, port: 3868, protocol: SCTP}]
      ---
      apiVersion: discovery.k8s.io/v1
      kind: EndpointSlice
      metadata: {name: v6-1, namespace: default, labels: {kubernetes.io/service-name: v6}}
      addressType: IPv6
      ports: [{name: s, port: 3868, protocol: SCTP}]
      endpoints:
      - addresses: [fd00:244::5]
      """;

  private static final String CONFIG =
      """
      apiVersion: kubeproxy.config.k8s.io/v1alpha1
      kind: KubeProxyConfiguration
      mode: nftables
      clusterCIDR: 10.244.0.0/16,fd00:244::/64
      nftables: {minSyncPeriod: 2s, syncPeriod: 1m30s}
      """;

  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private Run run(String... args) throws IOException {
    Files.writeString(dir.resolve("m.yaml"), MANIFESTS, StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("kp.yaml"), CONFIG, StandardCharsets.UTF_8);
    List<String> all = new ArrayList<>();
    for (String a : args) {
      all.add(a.replace("DIR", dir.toString()));
    }
    CommandLine cli = K8snetCommand.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(all.toArray(String[]::new));
    return new Run(exit, out.toString(), err.toString());
  }

  private Run trace(String from, String to, String proto) throws IOException {
    return run(
        "proxy",
        "trace",
        "--manifests",
        "DIR/m.yaml",
        "--node-name",
        "node1",
        "--config",
        "DIR/kp.yaml",
        "--from",
        from,
        "--to",
        to,
        "--protocol",
        proto,
        "--output",
        "json");
  }

  @Test
  void traceJsonFollowsTheContract() throws IOException {
    assertEquals(
        "{\"verdict\": \"DNAT\", \"destinations\": [\"10.244.1.5:8080\"], \"masquerade\": false}\n",
        trace("203.0.113.7", "192.168.0.2:30080", "TCP").out());
    assertEquals(
        "{\"verdict\": \"DNAT\", \"destinations\": [\"10.244.1.5:8080\", \"10.244.2.5:8080\"],"
            + " \"masquerade\": true}\n",
        trace("192.168.0.2", "192.168.0.2:30080", "TCP").out());
    assertEquals(
        "{\"verdict\": \"REJECT\", \"destinations\": [], \"masquerade\": false}\n",
        trace("10.244.1.9", "10.96.0.11:53", "UDP").out());
    assertEquals(
        "{\"verdict\": \"ACCEPT\", \"destinations\": [], \"masquerade\": false}\n",
        trace("10.244.1.9", "10.244.2.5:8080", "TCP").out());
    assertEquals(
        "{\"verdict\": \"DNAT\", \"destinations\": [\"[fd00:244::5]:3868\"], \"masquerade\": false}\n",
        trace("fd00:244::9", "[fd00:96::10]:3868", "sctp").out());
  }

  @Test
  void badInputExitsTwoWithAMessage() throws IOException {
    Run r = trace("10.0.0.1", "10.96.0.10", "TCP");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("--to"), r.err());
    assertEquals(2, trace("10.0.0.1", "10.96.0.10:80", "ICMP").exit());
    assertEquals(2, trace("fd00::1", "10.96.0.10:80", "TCP").exit());
  }

  @Test
  void conflictingNodePortsAreReportedAndSkippedWithoutBreakingTheRest() throws IOException {
    Files.writeString(
        dir.resolve("clash.yaml"),
        """
        apiVersion: v1
        kind: Service
        metadata: {name: clash, namespace: other}
        spec:
          type: NodePort
          clusterIP: 10.96.0.99
          ports: [{name: http, port: 80, nodePort: 30080}]
        """,
        StandardCharsets.UTF_8);
    Run r =
        run(
            "proxy",
            "render",
            "--manifests",
            "DIR/m.yaml",
            "DIR/clash.yaml",
            "--node-name",
            "node1");
    assertEquals(0, r.exit(), r.err());
    assertTrue(
        r.err().contains("other/clash:http/TCP: nodePort 30080/TCP is already used"), r.err());
    assertTrue(r.out().contains("tcp . 30080 : goto np-tcp-ext-local-2-1"), r.out());
    assertTrue(!r.out().contains("10.96.0.99"), r.out());
  }

  @Test
  void renderPrintsBothFamilies() throws IOException {
    Run r = run("proxy", "render", "--manifests", "DIR/m.yaml", "--node-name", "node1");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("table ip k8snet-proxy {"), r.out());
    assertTrue(r.out().contains("table ip6 k8snet-proxy {"), r.out());
    assertTrue(r.out().contains("10.96.0.10 . tcp . 80 : goto tcp-svc-2"), r.out());
  }
}
