package dev.k8snet.cni.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k8snet.cni.Calls;
import dev.k8snet.cni.Calls.Outcome;
import dev.k8snet.cni.internal.Masquerade;
import dev.k8snet.core.netlink.Address;
import dev.k8snet.core.netlink.InterfaceAddress;
import dev.k8snet.core.netlink.Link;
import dev.k8snet.core.netlink.Netlink;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.core.nftables.Nftables;
import dev.k8snet.testkit.NetnsTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our bridge plugin in a fresh "host" namespace with pods in namespaces of their own. */
@NetnsTest(tools = {"ip", "ping", "nft"})
class BridgePluginTest {
  @TempDir Path data;
  private final PodNamespaces pods = new PodNamespaces();

  @AfterEach
  void deletePods() {
    pods.close();
  }

  private String conf(String version, String extra, String ipam) {
    return "{\"cniVersion\":\""
        + version
        + "\",\"name\":\"t1\",\"type\":\"k8snet-bridge\",\"bridge\":\"tb0\""
        + extra
        + ",\"ipam\":{\"type\":\"k8snet-ipam\",\"dataDir\":\""
        + data
        + "\","
        + ipam
        + "}}";
  }

  private String conf(String extra) {
    return conf("1.0.0", ",\"isGateway\":true" + extra, "\"subnet\":\"10.9.0.0/24\"");
  }

  private static Outcome call(
      NetworkNamespace host, String cmd, String cid, String netns, String conf) {
    return Calls.run(new BridgePlugin(host), Calls.env(cmd, cid, netns, "eth0"), conf);
  }

  private static boolean ping(NetworkNamespace from, String ip) {
    Outcome o =
        Calls.exec(
            List.of("nsenter", "--net=" + from.path(), "ping", "-c", "1", "-W", "2", ip),
            Map.of(),
            "");
    return o.rc() == 0;
  }

  private Set<String> ipFiles() throws IOException {
    Path d = data.resolve("t1");
    if (!Files.isDirectory(d)) {
      return Set.of();
    }
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("10.") || n.contains(":"))
          .collect(Collectors.toSet());
    }
  }

  private static List<String> veths(Netlink nl) {
    return nl.links().stream().map(Link::name).filter(n -> n.startsWith("veth")).toList();
  }

  @Test
  void twoPodsOnTheBridgeReachEachOtherAndTheGateway(NetworkNamespace host, Netlink nl) {
    NetworkNamespace a = pods.create();
    NetworkNamespace b = pods.create();
    Outcome ra = call(host, "ADD", "ctr-a", a.path().toString(), conf("")).ok();
    Outcome rb = call(host, "ADD", "ctr-b", b.path().toString(), conf("")).ok();
    JsonNode j = ra.json();
    assertEquals(3, j.get("interfaces").size(), ra.stdout());
    assertEquals("tb0", j.at("/interfaces/0/name").asText());
    assertTrue(j.at("/interfaces/1/name").asText().matches("veth[0-9a-f]{8}"));
    assertEquals("eth0", j.at("/interfaces/2/name").asText());
    assertEquals(a.path().toString(), j.at("/interfaces/2/sandbox").asText());
    assertEquals(2, j.at("/ips/0/interface").asInt());
    assertEquals("10.9.0.2/24", j.at("/ips/0/address").asText());
    assertEquals("10.9.0.1", j.at("/ips/0/gateway").asText());
    assertEquals("10.9.0.3/24", rb.json().at("/ips/0/address").asText());
    Link br = nl.link("tb0").orElseThrow();
    assertTrue(
        nl.addresses(br).stream()
            .anyMatch(x -> x.address().equals(InterfaceAddress.parse("10.9.0.1/24"))));
    assertTrue(ping(a, "10.9.0.3"), "pod a reaches pod b");
    assertTrue(ping(b, "10.9.0.2"), "pod b reaches pod a");
    assertTrue(ping(a, "10.9.0.1"), "pod a reaches the gateway");
    assertEquals("1", host.sysctls().get("net.ipv4.ip_forward"));
  }

  @Test
  void defaultGatewayMtuAndLegacyResult(NetworkNamespace host, Netlink nl) {
    NetworkNamespace a = pods.create();
    String c =
        conf("0.2.0", ",\"isDefaultGateway\":true,\"mtu\":1400", "\"subnet\":\"10.9.0.0/24\"");
    Outcome o = call(host, "ADD", "ctr-a", a.path().toString(), c).ok();
    assertEquals(
        "{\"cniVersion\":\"0.2.0\",\"ip4\":{\"ip\":\"10.9.0.2/24\",\"gateway\":\"10.9.0.1\",\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.9.0.1\"}]},\"dns\":{}}",
        o.stdout());
    assertEquals(1400, nl.link("tb0").orElseThrow().mtu());
    assertEquals(1400, nl.link(veths(nl).get(0)).orElseThrow().mtu());
    try (Netlink pnl = a.netlink()) {
      assertEquals(1400, pnl.link("eth0").orElseThrow().mtu());
      assertTrue(
          pnl.routes(dev.k8snet.core.IpFamily.IPV4).stream()
              .anyMatch(
                  r ->
                      r.destination().prefixLength() == 0
                          && r.gateway().map(Object::toString).orElse("").equals("10.9.0.1")));
    }
  }

  @Test
  void checkPassesAfterAddAndDetectsAMissingAddress(NetworkNamespace host) {
    NetworkNamespace a = pods.create();
    Outcome add = call(host, "ADD", "ctr-a", a.path().toString(), conf("")).ok();
    String withPrev = conf("").replaceFirst("\\}$", ",\"prevResult\":" + add.stdout() + "}");
    assertEquals("", call(host, "CHECK", "ctr-a", a.path().toString(), withPrev).ok().stdout());
    Outcome noPrev = call(host, "CHECK", "ctr-a", a.path().toString(), conf(""));
    assertEquals(7, noPrev.code());
    assertEquals("Required prevResult missing", noPrev.msg());
    try (Netlink pnl = a.netlink()) {
      Link eth0 = pnl.link("eth0").orElseThrow();
      pnl.deleteAddress(Address.of(eth0, InterfaceAddress.parse("10.9.0.2/24")));
    }
    Outcome bad = call(host, "CHECK", "ctr-a", a.path().toString(), withPrev);
    assertEquals("Failed to match addr 10.9.0.2/24 on interface eth0", bad.msg());
  }

  @Test
  void delIsIdempotentAndWorksWhenTheNamespaceIsGone(NetworkNamespace host, Netlink nl)
      throws IOException {
    NetworkNamespace a = pods.create();
    NetworkNamespace b = pods.create();
    String c = conf(",\"ipMasq\":true");
    call(host, "ADD", "ctr-a", a.path().toString(), c).ok();
    call(host, "ADD", "ctr-b", b.path().toString(), c).ok();
    assertEquals(2, veths(nl).size());
    call(host, "DEL", "ctr-a", a.path().toString(), c).ok();
    call(host, "DEL", "ctr-a", a.path().toString(), c).ok();
    assertEquals(1, veths(nl).size());
    String bPath = b.path().toString();
    pods.delete(b);
    call(host, "DEL", "ctr-b", bPath, c).ok();
    call(host, "DEL", "ctr-b", "", c).ok();
    call(host, "DEL", "ctr-never", "", c).ok();
    assertEquals(Set.of(), ipFiles(), "both addresses released");
    try (Nftables nft = host.nftables()) {
      String table = nft.listJson("table inet " + Masquerade.table("t1"));
      assertFalse(
          table.contains(Masquerade.chain("t1", "ctr-b")),
          "no masquerade leak after DEL without netns");
      assertFalse(table.contains(Masquerade.chain("t1", "ctr-a")));
    }
  }

  @Test
  void ipMasqInstallsPerContainerChainAndGcRemovesStaleOnes(NetworkNamespace host)
      throws IOException {
    NetworkNamespace a = pods.create();
    NetworkNamespace b = pods.create();
    String c = conf("1.1.0", ",\"isGateway\":true,\"ipMasq\":true", "\"subnet\":\"10.9.0.0/24\"");
    call(host, "ADD", "ctr-a", a.path().toString(), c).ok();
    call(host, "ADD", "ctr-b", b.path().toString(), c).ok();
    try (Nftables nft = host.nftables()) {
      String table = nft.listJson("table inet k8snet-t1");
      assertTrue(table.contains(Masquerade.chain("t1", "ctr-a")), table);
      assertTrue(table.contains("masquerade"), table);
      assertTrue(table.contains("10.9.0.2"), table);
    }
    Calls.run(new BridgePlugin(host), Calls.env("STATUS", null, null, null), c).ok();
    String gc =
        c.replace(
            "\"name\":\"t1\"",
            "\"name\":\"t1\",\"cni.dev/valid-attachments\":[{\"containerID\":\"ctr-b\",\"ifname\":\"eth0\"}]");
    Calls.run(new BridgePlugin(host), Calls.env("GC", null, null, null), gc).ok();
    assertEquals(Set.of("10.9.0.3"), ipFiles());
    try (Nftables nft = host.nftables()) {
      String table = nft.listJson("table inet k8snet-t1");
      assertFalse(table.contains(Masquerade.chain("t1", "ctr-a")), table);
      assertTrue(table.contains(Masquerade.chain("t1", "ctr-b")), table);
    }
  }

  @Test
  void failedAddLeavesNothingBehind(NetworkNamespace host, Netlink nl) throws IOException {
    NetworkNamespace a = pods.create();
    NetworkNamespace b = pods.create();
    // Exhausted IPAM: the second pod's veth must go again.
    String small = conf("1.0.0", ",\"isGateway\":true", "\"subnet\":\"10.9.0.0/30\"");
    call(host, "ADD", "ctr-a", a.path().toString(), small).ok();
    Outcome full = call(host, "ADD", "ctr-b", b.path().toString(), small);
    assertEquals(11, full.code());
    assertEquals(1, veths(nl).size(), "veth of the failed ADD removed");
    try (Netlink pnl = b.netlink()) {
      assertTrue(pnl.link("eth0").isEmpty());
    }
    // Bridge with another address: the reservation and veth are rolled back, the bridge created
    // by this ADD too.
    nl.addLink(
        dev.k8snet.core.netlink.LinkSpec.of("tb1", dev.k8snet.core.netlink.LinkKind.bridge()));
    Link tb1 = nl.link("tb1").orElseThrow();
    nl.addAddress(Address.of(tb1, InterfaceAddress.parse("192.168.5.1/24")));
    String other =
        "{\"cniVersion\":\"1.0.0\",\"name\":\"t2\",\"type\":\"k8snet-bridge\",\"bridge\":\"tb1\",\"isGateway\":true,"
            + "\"ipam\":{\"type\":\"k8snet-ipam\",\"dataDir\":\""
            + data
            + "\",\"subnet\":\"10.10.0.0/24\"}}";
    Outcome conflict = call(host, "ADD", "ctr-c", b.path().toString(), other);
    assertEquals(7, conflict.code());
    assertEquals(
        "failed to set bridge addr: \"tb1\" already has an IP address different from 10.10.0.1/24",
        conflict.msg());
    assertEquals(1, veths(nl).size());
    try (Stream<Path> s = Files.list(data.resolve("t2"))) {
      assertEquals(
          List.of(),
          s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("10.")).toList());
    }
    // A bridge this ADD created goes away with it.
    String fresh =
        conf(
            "1.0.0",
            ",\"bridge\":\"tb9\",\"isGateway\":true,\"hairpinMode\":true,\"promiscMode\":true",
            "\"subnet\":\"10.9.0.0/24\"");
    Outcome bad =
        call(host, "ADD", "ctr-d", b.path().toString(), fresh.replace("\"bridge\":\"tb0\",", ""));
    assertEquals(7, bad.code());
    assertTrue(nl.link("tb9").isEmpty());
  }

  @Test
  void secondAddOfTheSameInterfaceIsRefused(NetworkNamespace host, Netlink nl) throws IOException {
    NetworkNamespace a = pods.create();
    call(host, "ADD", "ctr-a", a.path().toString(), conf("")).ok();
    Outcome again = call(host, "ADD", "ctr-a", a.path().toString(), conf(""));
    assertEquals("container veth name provided (eth0) already exists", again.msg());
    assertEquals(Set.of("10.9.0.2"), ipFiles());
    assertEquals(1, veths(nl).size());
  }

  @Test
  void missingNamespaceOnAddIsUnknownContainer(NetworkNamespace host, Netlink nl) {
    Outcome o = call(host, "ADD", "ctr-a", "/var/run/netns/k8snet-no-such-ns", conf(""));
    assertEquals(3, o.code());
    assertTrue(veths(nl).isEmpty());
  }

  @Test
  void delegatesToTheReferenceHostLocal(NetworkNamespace host, Netlink nl) throws IOException {
    NetworkNamespace a = pods.create();
    String c =
        "{\"cniVersion\":\"1.0.0\",\"name\":\"t1\",\"type\":\"k8snet-bridge\",\"bridge\":\"tb0\",\"isGateway\":true,"
            + "\"ipam\":{\"type\":\"host-local\",\"dataDir\":\""
            + data
            + "\",\"subnet\":\"10.9.0.0/24\"}}";
    Outcome o = call(host, "ADD", "ctr-a", a.path().toString(), c).ok();
    assertEquals("10.9.0.2/24", o.json().at("/ips/0/address").asText());
    assertEquals("ctr-a\r\neth0", Files.readString(data.resolve("t1/10.9.0.2")));
    assertTrue(ping(a, "10.9.0.1"));
    String withPrev = c.replaceFirst("\\}$", ",\"prevResult\":" + o.stdout() + "}");
    call(host, "CHECK", "ctr-a", a.path().toString(), withPrev).ok();
    call(host, "DEL", "ctr-a", a.path().toString(), c).ok();
    assertEquals(Set.of(), ipFiles());
    // The delegate's error codes come through unchanged.
    String bad = c.replace("10.9.0.0/24", "10.9.0.0/31");
    Outcome err = call(host, "ADD", "ctr-b", a.path().toString(), bad);
    assertEquals(999, err.code());
    assertTrue(err.msg().contains("too small"), err.msg());
    assertTrue(veths(nl).isEmpty(), "rolled back");
  }
}
