package dev.k8snet.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.netlink.Address;
import dev.k8snet.core.netlink.InterfaceAddress;
import dev.k8snet.core.netlink.Link;
import dev.k8snet.core.netlink.LinkKind;
import dev.k8snet.core.netlink.LinkSpec;
import dev.k8snet.core.netlink.Netlink;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.testkit.NetnsTest;
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

class NetworkCommandTest {
  static final String MANIFESTS =
      """
      apiVersion: v1
      kind: Node
      metadata: {name: node-1}
      spec: {podCIDR: 10.244.1.0/24}
      status: {addresses: [{type: InternalIP, address: 192.168.50.11}]}
      ---
      apiVersion: v1
      kind: Node
      metadata: {name: node-2}
      spec: {podCIDR: 10.244.2.0/24}
      status: {addresses: [{type: InternalIP, address: 192.168.50.12}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: a, namespace: default}
      spec: {nodeName: node-1, containers: [{name: c}]}
      status: {phase: Running, podIP: 10.244.1.2}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: b, namespace: default}
      spec: {nodeName: node-2, containers: [{name: c}]}
      status: {phase: Running, podIP: 10.244.2.2}
      """;

  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private Run run(String... args) throws IOException {
    Files.writeString(dir.resolve("m.yaml"), MANIFESTS, StandardCharsets.UTF_8);
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

  @Test
  void explainWalksTheVxlanPath() throws IOException {
    Run r =
        run(
            "network",
            "explain",
            "--manifests",
            "DIR/m.yaml",
            "--from",
            "default/a",
            "--to",
            "default/b");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("10.244.2.0/24 via 10.244.2.0 dev k8snet.1 onlink"), r.out());
    assertTrue(r.out().contains("dst 192.168.50.12 self permanent"), r.out());
    assertTrue(r.out().contains("masquerade no"), r.out());
  }

  @Test
  void explainJsonWithHostGwConfig() throws IOException {
    Files.writeString(
        dir.resolve("net-conf.json"),
        "{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"host-gw\"}}");
    Run r =
        run(
            "network",
            "explain",
            "--manifests",
            "DIR/m.yaml",
            "--config",
            "DIR/net-conf.json",
            "--from",
            "default/a",
            "--to",
            "1.1.1.1",
            "--output",
            "json");
    assertEquals(0, r.exit(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertTrue(j.get("masquerade").asBoolean());
    assertEquals("node-1", j.get("fromNode").asText());
  }

  @Test
  void badConfigAndUnknownPodExitTwo() throws IOException {
    Files.writeString(
        dir.resolve("net-conf.json"),
        "{\"Network\":\"10.244.0.0/16\",\n\"Backend\":{\"Type\":\"vxlan\",\"VNI\":-1}}");
    Run bad =
        run(
            "network",
            "explain",
            "--manifests",
            "DIR/m.yaml",
            "--config",
            "DIR/net-conf.json",
            "--from",
            "default/a",
            "--to",
            "default/b");
    assertEquals(2, bad.exit());
    assertTrue(
        bad.err().contains("net-conf.json:2: Backend.VNI: -1 (expected: 0 to 16777215)"),
        bad.err());
    Run missing =
        run(
            "network",
            "explain",
            "--manifests",
            "DIR/m.yaml",
            "--from",
            "default/zz",
            "--to",
            "default/b");
    assertEquals(2, missing.exit());
    assertTrue(missing.err().contains("--from: default/zz: no such pod"), missing.err());
  }

  @Test
  @NetnsTest(tools = "ip")
  void runOnceProgramsTheCurrentNamespace(NetworkNamespace ns, Netlink nl) throws IOException {
    nl.addLink(LinkSpec.builder("eth0", LinkKind.veth("eth0p")).up(true).build());
    Link eth0 = nl.link("eth0").orElseThrow();
    nl.setUp(nl.link("eth0p").orElseThrow());
    nl.addAddress(Address.of(eth0, InterfaceAddress.parse("192.168.50.11/24")));
    Files.writeString(
        dir.resolve("net-conf.json"),
        "{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}");
    Run r =
        ns.run(
            () ->
                run(
                    "network",
                    "run",
                    "--manifests",
                    "DIR/m.yaml",
                    "--config",
                    "DIR/net-conf.json",
                    "--node-name",
                    "node-1",
                    "--state-dir",
                    "DIR/state",
                    "--cni-conf",
                    "DIR/10-k8snet.conf",
                    "--once"));
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(
        r.out().contains("peer node-2 [10.244.2.0/24] via [192.168.50.12]: VXLAN, programmed"),
        r.out());
    assertTrue(nl.link("k8snet.1").isPresent());
    assertTrue(
        nl.routes(IpFamily.IPV4).stream()
            .anyMatch(x -> x.destination().toString().equals("10.244.2.0/24")));
    String cni = Files.readString(dir.resolve("10-k8snet.conf"));
    assertTrue(cni.contains("\"mtu\":1450") && cni.contains("10.244.1.0/24"), cni);
  }
}
