package dev.k8snet.core.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.MacAddress;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.core.support.Cmd;
import dev.k8snet.testkit.NetnsTest;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

@NetnsTest(tools = "ip")
class LinksTest {

  private static JsonNode ipLink(NetworkNamespace ns, String name) {
    JsonNode arr = Cmd.ipJson(ns, "link", "show", "dev", name);
    assertEquals(1, arr.size(), arr.toString());
    return arr.get(0);
  }

  @Test
  void findsLoopbackByNameAndIndexWithoutDumping(Netlink nl) {
    Link lo = nl.link("lo").orElseThrow();
    assertEquals("lo", lo.name());
    assertEquals(1, lo.index());
    assertEquals(lo, nl.link(1).orElseThrow());
    assertFalse(lo.up());
  }

  @Test
  void missingLinkIsEmpty(Netlink nl) {
    assertTrue(nl.link("nope0").isEmpty());
    assertTrue(nl.link(4242).isEmpty());
  }

  @Test
  void bringsLinkUpAndDown(NetworkNamespace ns, Netlink nl) {
    Link lo = nl.link("lo").orElseThrow();
    nl.setUp(lo);
    assertTrue(nl.link("lo").orElseThrow().up());
    assertTrue(ipLink(ns, "lo").get("flags").toString().contains("\"UP\""));
    nl.setDown(lo);
    assertFalse(nl.link("lo").orElseThrow().up());
    assertFalse(ipLink(ns, "lo").get("flags").toString().contains("\"UP\""));
  }

  @Test
  void createsBridgeWithMtuMacAndUp(NetworkNamespace ns, Netlink nl) {
    MacAddress mac = MacAddress.parse("02:00:00:00:00:01");
    nl.addLink(LinkSpec.builder("br0", LinkKind.bridge()).mtu(1400).mac(mac).up(true).build());
    Link br = nl.link("br0").orElseThrow();
    assertEquals("bridge", br.kind().orElseThrow());
    assertEquals(1400, br.mtu());
    assertEquals(mac, br.mac().orElseThrow());
    assertTrue(br.up());
    JsonNode ip = ipLink(ns, "br0");
    assertEquals(1400, ip.get("mtu").asInt());
    assertEquals("02:00:00:00:00:01", ip.get("address").asText());
    assertEquals("bridge", ip.get("linkinfo").get("info_kind").asText());
    assertEquals(br.index(), ip.get("ifindex").asInt());
  }

  @Test
  void setsMtuMacAndName(NetworkNamespace ns, Netlink nl) {
    nl.addLink(LinkSpec.of("br0", LinkKind.bridge()));
    Link br = nl.link("br0").orElseThrow();
    nl.setMtu(br, 1280);
    MacAddress mac = MacAddress.parse("02:aa:bb:cc:dd:ee");
    nl.setMac(br, mac);
    nl.rename(br, "br1");
    Link after = nl.link(br.index()).orElseThrow();
    assertEquals("br1", after.name());
    assertEquals(1280, after.mtu());
    assertEquals(mac, after.mac().orElseThrow());
    JsonNode ip = ipLink(ns, "br1");
    assertEquals(1280, ip.get("mtu").asInt());
    assertEquals(mac.toString(), ip.get("address").asText());
  }

  @Test
  void createsVethPairAndEnslavesToBridge(NetworkNamespace ns, Netlink nl) {
    nl.addLink(LinkSpec.of("br0", LinkKind.bridge()));
    nl.addLink(LinkSpec.of("veth0", LinkKind.veth("veth1").peerMtu(1300)));
    Link br = nl.link("br0").orElseThrow();
    Link v0 = nl.link("veth0").orElseThrow();
    Link v1 = nl.link("veth1").orElseThrow();
    assertEquals("veth", v0.kind().orElseThrow());
    assertEquals(1300, v1.mtu());
    assertEquals(OptionalInt.of(v1.index()), v0.parentIndex());
    nl.setMaster(v0, br);
    assertEquals(OptionalInt.of(br.index()), nl.link("veth0").orElseThrow().masterIndex());
    assertEquals("br0", ipLink(ns, "veth0").get("master").asText());
    nl.setNoMaster(v0);
    assertTrue(nl.link("veth0").orElseThrow().masterIndex().isEmpty());
    assertFalse(ipLink(ns, "veth0").has("master"));
  }

  @Test
  void createsVethPeerDirectlyInAnotherNamespace(NetworkNamespace ns, Netlink nl) {
    try (NetworkNamespace other = NetworkNamespace.create(ns.name().orElseThrow() + "-b");
        Netlink onOther = other.netlink()) {
      try {
        nl.addLink(LinkSpec.of("host0", LinkKind.veth("pod0").peerNamespace(other)));
        assertTrue(nl.link("host0").isPresent());
        assertTrue(nl.link("pod0").isEmpty());
        Link pod = onOther.link("pod0").orElseThrow();
        assertEquals("veth", pod.kind().orElseThrow());
        assertEquals("pod0", ipLink(other, "pod0").get("ifname").asText());
      } finally {
        other.delete();
      }
    }
  }

  @Test
  void movesLinkToAnotherNamespace(NetworkNamespace ns, Netlink nl) {
    try (NetworkNamespace other = NetworkNamespace.create(ns.name().orElseThrow() + "-m");
        Netlink onOther = other.netlink()) {
      try {
        nl.addLink(LinkSpec.of("veth0", LinkKind.veth("veth1")));
        nl.moveTo(nl.link("veth1").orElseThrow(), other);
        assertTrue(nl.link("veth1").isEmpty());
        assertTrue(onOther.link("veth1").isPresent());
        assertEquals("veth1", ipLink(other, "veth1").get("ifname").asText());
      } finally {
        other.delete();
      }
    }
  }

  @Test
  void createsLinkDirectlyInAnotherNamespace(NetworkNamespace ns, Netlink nl) {
    try (NetworkNamespace other = NetworkNamespace.create(ns.name().orElseThrow() + "-c");
        Netlink onOther = other.netlink()) {
      try {
        nl.addLink(LinkSpec.builder("br9", LinkKind.bridge()).namespace(other).build());
        assertTrue(nl.link("br9").isEmpty());
        assertEquals("bridge", onOther.link("br9").orElseThrow().kind().orElseThrow());
      } finally {
        other.delete();
      }
    }
  }

  @Test
  void createsVxlan(NetworkNamespace ns, Netlink nl) {
    nl.addLink(LinkSpec.of("veth0", LinkKind.veth("veth1")));
    Link under = nl.link("veth0").orElseThrow();
    nl.addLink(
        LinkSpec.of(
            "vxlan0",
            LinkKind.vxlan(42)
                .local(IpAddress.parse("192.0.2.1"))
                .device(under)
                .port(8472)
                .learning(false)));
    Link vx = nl.link("vxlan0").orElseThrow();
    assertEquals("vxlan", vx.kind().orElseThrow());
    JsonNode data = ipLink(ns, "vxlan0").get("linkinfo").get("info_data");
    assertEquals(42, data.get("id").asInt());
    assertEquals("192.0.2.1", data.get("local").asText());
    assertEquals(8472, data.get("port").asInt());
    assertFalse(data.get("learning").asBoolean());
    assertEquals("veth0", data.get("link").asText());
  }

  @Test
  void createsMacvlanAndIfb(NetworkNamespace ns, Netlink nl) {
    nl.addLink(LinkSpec.of("veth0", LinkKind.veth("veth1")));
    Link parent = nl.link("veth0").orElseThrow();
    nl.addLink(LinkSpec.of("mv0", LinkKind.macvlan(parent, LinkKind.MacvlanMode.BRIDGE)));
    Link mv = nl.link("mv0").orElseThrow();
    assertEquals("macvlan", mv.kind().orElseThrow());
    assertEquals(OptionalInt.of(parent.index()), mv.parentIndex());
    assertEquals("bridge", ipLink(ns, "mv0").get("linkinfo").get("info_data").get("mode").asText());
    nl.addLink(LinkSpec.of("ifb0", LinkKind.ifb()));
    assertEquals("ifb", nl.link("ifb0").orElseThrow().kind().orElseThrow());
  }

  @Test
  void createsVlanOnTopOfAParentOrFailsCleanlyWhereTheKernelLacksIt(
      NetworkNamespace ns, Netlink nl) {
    nl.addLink(LinkSpec.of("veth0", LinkKind.veth("veth1")));
    Link parent = nl.link("veth0").orElseThrow();
    boolean kernelHasVlan =
        ipCreatesAndDeletes(ns, "link", "veth0", "name", "probe0", "type", "vlan", "id", "7");

    if (kernelHasVlan) {
      nl.addLink(LinkSpec.of("veth0.100", LinkKind.vlan(parent, 100)));
      Link vlan = nl.link("veth0.100").orElseThrow();
      assertEquals("vlan", vlan.kind().orElseThrow());
      assertEquals(OptionalInt.of(parent.index()), vlan.parentIndex());
      JsonNode data = ipLink(ns, "veth0.100").get("linkinfo").get("info_data");
      assertEquals(100, data.get("id").asInt());
    } else {
      assertMissingKindReported(
          nl, () -> nl.addLink(LinkSpec.of("veth0.100", LinkKind.vlan(parent, 100))), "veth0.100");
    }
  }

  @Test
  void createsDummyOrFailsCleanlyWhereTheKernelLacksIt(NetworkNamespace ns, Netlink nl) {
    boolean kernelHasDummy = ipCreatesAndDeletes(ns, "name", "probe0", "type", "dummy");

    if (kernelHasDummy) {
      nl.addLink(LinkSpec.of("dummy0", LinkKind.dummy()));
      assertEquals("dummy", nl.link("dummy0").orElseThrow().kind().orElseThrow());
    } else {
      assertMissingKindReported(
          nl, () -> nl.addLink(LinkSpec.of("dummy0", LinkKind.dummy())), "dummy0");
    }
  }

  /** Asks {@code ip} (the independent oracle) to add a link; deletes it again when that worked. */
  private static boolean ipCreatesAndDeletes(NetworkNamespace ns, String... linkAddArgs) {
    String nsName = ns.name().orElseThrow();
    List<String> add = new ArrayList<>(List.of("ip", "-n", nsName, "link", "add"));
    add.addAll(List.of(linkAddArgs));
    boolean created = Cmd.succeeds(add);
    if (created) {
      Cmd.run(List.of("ip", "-n", nsName, "link", "del", "probe0"));
    }
    return created;
  }

  private static void assertMissingKindReported(Netlink nl, Executable add, String name) {
    NetlinkException e = assertThrows(NetlinkException.class, add);
    assertEquals(95, e.errno(), e.getMessage());
    assertEquals("EOPNOTSUPP", e.errnoName());
    assertTrue(nl.link(name).isEmpty(), "no half-created link is left behind");
  }

  @Test
  void listsAllLinksMatchingIp(NetworkNamespace ns, Netlink nl) {
    nl.addLink(LinkSpec.of("veth0", LinkKind.veth("veth1")));
    nl.addLink(LinkSpec.of("br0", LinkKind.bridge()));
    var names = nl.links().stream().map(Link::name).sorted().toList();
    var ipNames = new java.util.ArrayList<String>();
    Cmd.ipJson(ns, "link", "show").forEach(l -> ipNames.add(l.get("ifname").asText()));
    java.util.Collections.sort(ipNames);
    assertEquals(ipNames, names);
    assertEquals(java.util.List.of("br0", "lo", "veth0", "veth1"), names);
  }

  @Test
  void deletesLink(NetworkNamespace ns, Netlink nl) {
    nl.addLink(LinkSpec.of("veth0", LinkKind.veth("veth1")));
    nl.deleteLink(nl.link("veth0").orElseThrow());
    assertTrue(nl.link("veth0").isEmpty());
    assertTrue(nl.link("veth1").isEmpty(), "deleting one end of a veth deletes both");
    assertEquals(1, Cmd.ipJson(ns, "link", "show").size());
  }

  @Test
  void deletesManyLinksInOneUnregistration(NetworkNamespace ns, Netlink nl) {
    java.util.List<Link> hosts = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      nl.addLink(LinkSpec.of("h" + i, LinkKind.veth("p" + i)));
      hosts.add(nl.link("h" + i).orElseThrow());
    }
    nl.addLink(LinkSpec.of("keep0", LinkKind.bridge()));
    nl.deleteLinks(hosts);
    assertEquals(
        java.util.List.of("keep0", "lo"), nl.links().stream().map(Link::name).sorted().toList());
    assertEquals(2, Cmd.ipJson(ns, "link", "show").size());
    nl.deleteLinks(java.util.List.of());
  }

  @Test
  void duplicateNameFailsWithEexistAndExtendedAck(Netlink nl) {
    nl.addLink(LinkSpec.of("br0", LinkKind.bridge()));
    NetlinkException e =
        assertThrows(
            NetlinkException.class, () -> nl.addLink(LinkSpec.of("br0", LinkKind.bridge())));
    assertEquals(17, e.errno());
    assertEquals("EEXIST", e.errnoName());
    assertEquals("add link", e.operation());
    assertEquals("br0", e.subject().orElseThrow());
  }

  @Test
  void unknownKindFailsWithEopnotsuppAndKernelMessage(Netlink nl) {
    NetlinkException e =
        assertThrows(
            NetlinkException.class,
            () -> nl.addLink(LinkSpec.of("x0", new LinkKind.Simple("nosuchkind"))));
    assertEquals("EOPNOTSUPP", e.errnoName());
    assertTrue(e.extAckMessage().orElseThrow().contains("Unknown device type"), e.getMessage());
  }

  @Test
  void rejectsBadNamesBeforeSending(Netlink nl) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> nl.addLink(LinkSpec.of("name-that-is-too-long", LinkKind.bridge())));
    assertTrue(e.getMessage().startsWith("name: name-that-is-too-long (expected:"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> LinkSpec.of("a/b", LinkKind.bridge()));
    assertThrows(IllegalArgumentException.class, () -> nl.link(0));
  }
}
