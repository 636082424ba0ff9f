package dev.k8snet.core.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.core.support.Cmd;
import dev.k8snet.testkit.NetnsTest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bridge port flags and per-port VLANs, checked with iproute2's {@code bridge}. */
@NetnsTest(tools = {"ip", "bridge"})
class BridgesTest {
  private static JsonNode bridgeJson(NetworkNamespace ns, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("bridge", "-d", "-j"));
    cmd.addAll(List.of(args));
    return new ObjectMapper().readTree(Cmd.inNs(ns, cmd.toArray(String[]::new)));
  }

  private static Link port(Netlink nl) {
    nl.addLink(LinkSpec.of("br0", LinkKind.bridge()));
    nl.addLink(LinkSpec.of("veth0", LinkKind.veth("veth1")));
    nl.setMaster(nl.link("veth0").orElseThrow(), nl.link("br0").orElseThrow());
    return nl.link("veth0").orElseThrow();
  }

  private static JsonNode portInfo(NetworkNamespace ns) throws IOException {
    for (JsonNode n : bridgeJson(ns, "link", "show")) {
      if (n.path("ifname").asText().equals("veth0")) {
        return n;
      }
    }
    throw new AssertionError("veth0 not listed");
  }

  @Test
  void setsAndClearsHairpinAndIsolated(NetworkNamespace ns, Netlink nl) throws IOException {
    Link p = port(nl);
    nl.setBridgePortFlag(p, BridgePortFlag.HAIRPIN, true);
    nl.setBridgePortFlag(p, BridgePortFlag.ISOLATED, true);
    JsonNode info = portInfo(ns);
    assertTrue(info.path("hairpin").asBoolean(), info.toString());
    assertTrue(info.path("isolated").asBoolean(), info.toString());
    nl.setBridgePortFlag(p, BridgePortFlag.HAIRPIN, false);
    info = portInfo(ns);
    assertEquals(false, info.path("hairpin").asBoolean(), info.toString());
    assertTrue(info.path("isolated").asBoolean(), info.toString());
  }

  @Test
  void flagOfALinkThatIsNoBridgePortIsRefusedByTheKernel(Netlink nl) {
    nl.addLink(LinkSpec.of("veth0", LinkKind.veth("veth1")));
    assertThrows(
        NetlinkException.class,
        () -> nl.setBridgePortFlag(nl.link("veth0").orElseThrow(), BridgePortFlag.HAIRPIN, true));
  }

  @Test
  void vlanFilteringAndPortVlansOrACleanRefusalWhereTheKernelLacksThem(
      NetworkNamespace ns, Netlink nl) throws IOException {
    Link p = port(nl);
    Link br = nl.link("br0").orElseThrow();
    try {
      nl.setVlanFiltering(br, true);
    } catch (NetlinkException e) {
      // CONFIG_BRIDGE_VLAN_FILTERING=n (as on this project's CI kernel): refused, nothing changed.
      assertEquals(95, e.errno(), e.getMessage());
      assertTrue(e.getMessage().contains("vlan_filtering"), e.getMessage());
      NetlinkException add =
          assertThrows(NetlinkException.class, () -> nl.addBridgeVlans(p, 100, 100, true, true));
      assertEquals(95, add.errno(), add.getMessage());
      assertTrue(Cmd.inNs(ns, "ip", "-d", "link", "show", "br0").contains("bridge"));
      return;
    }
    assertTrue(
        Cmd.inNs(ns, "ip", "-d", "link", "show", "br0").contains("vlan_filtering 1"),
        "vlan_filtering on");
    nl.deleteBridgeVlans(p, 1, 1);
    nl.addBridgeVlans(p, 100, 100, true, true);
    nl.addBridgeVlans(p, 200, 203, false, false);
    JsonNode vlans = null;
    for (JsonNode n : bridgeJson(ns, "vlan", "show")) {
      if (n.path("ifname").asText().equals("veth0")) {
        vlans = n.path("vlans");
      }
    }
    assertTrue(vlans != null, "veth0 has vlans");
    assertEquals(2, vlans.size(), vlans.toString());
    assertEquals(100, vlans.get(0).path("vlan").asInt());
    assertTrue(vlans.get(0).path("flags").toString().contains("PVID"), vlans.toString());
    assertTrue(vlans.get(0).path("flags").toString().contains("Egress Untagged"));
    assertEquals(200, vlans.get(1).path("vlan").asInt());
    assertEquals(203, vlans.get(1).path("vlanEnd").asInt(), vlans.toString());
    nl.deleteBridgeVlans(p, 200, 203);
    assertTrue(nl.link("veth0").isPresent(), "a VLAN deletion leaves the link");
  }

  @Test
  void vlanIdsAreCheckedBeforeSending(Netlink nl) {
    Link p = port(nl);
    assertThrows(IllegalArgumentException.class, () -> nl.addBridgeVlans(p, 5, 6, true, false));
    assertThrows(IllegalArgumentException.class, () -> nl.addBridgeVlans(p, 0, 6, false, false));
    assertThrows(IllegalArgumentException.class, () -> nl.addBridgeVlans(p, 7, 6, false, false));
    assertThrows(IllegalArgumentException.class, () -> nl.deleteBridgeVlans(p, 1, 4095));
  }
}
