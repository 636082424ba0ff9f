package dev.k8snet.core.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.core.support.Cmd;
import dev.k8snet.testkit.NetnsTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

@NetnsTest(tools = "ip")
class AddressesTest {

  private static Link bridge(Netlink nl) {
    nl.addLink(LinkSpec.builder("br0", LinkKind.bridge()).up(true).build());
    return nl.link("br0").orElseThrow();
  }

  private static List<String> ipAddrs(NetworkNamespace ns, String dev) {
    List<String> out = new ArrayList<>();
    for (JsonNode a : Cmd.ipJson(ns, "addr", "show", "dev", dev).get(0).get("addr_info")) {
      if (!a.get("local").asText().startsWith("fe80")) {
        out.add(a.get("local").asText() + "/" + a.get("prefixlen").asInt());
      }
    }
    return out;
  }

  @Test
  void addsListsAndDeletesIpv4AddressWithHostBits(NetworkNamespace ns, Netlink nl) {
    Link br = bridge(nl);
    Address a = Address.of(br, InterfaceAddress.parse("10.1.2.3/24"));
    nl.addAddress(a);
    assertEquals(List.of("10.1.2.3/24"), ipAddrs(ns, "br0"));
    List<Address> listed =
        nl.addresses(br).stream().filter(x -> x.address().family() == IpFamily.IPV4).toList();
    assertEquals(1, listed.size(), listed.toString());
    Address got = listed.get(0);
    assertEquals(InterfaceAddress.parse("10.1.2.3/24"), got.address());
    assertEquals(br.index(), got.linkIndex());
    assertEquals(RouteScope.UNIVERSE, got.scope());
    assertTrue(got.flags().contains(AddressFlag.PERMANENT));
    assertEquals("br0", got.label().orElseThrow());
    nl.deleteAddress(a);
    assertTrue(nl.addresses(br).stream().noneMatch(x -> x.address().family() == IpFamily.IPV4));
    assertEquals(List.of(), ipAddrs(ns, "br0"));
  }

  @Test
  void addsIpv6AddressWithNodadSoItIsNotTentative(NetworkNamespace ns, Netlink nl) {
    Link br = bridge(nl);
    nl.addAddress(
        Address.of(br, InterfaceAddress.parse("fd00::5/64")).flags(Set.of(AddressFlag.NODAD)));
    Address got =
        nl.addresses(IpFamily.IPV6).stream()
            .filter(
                a ->
                    a.address().toString().equals("fd00:0:0:0:0:0:0:5/64")
                        || a.address().address().toString().equals("fd00::5"))
            .findFirst()
            .orElseThrow();
    assertTrue(got.flags().contains(AddressFlag.NODAD));
    assertFalse(got.flags().contains(AddressFlag.TENTATIVE));
    assertTrue(ipAddrs(ns, "br0").contains("fd00::5/64"));
    JsonNode info = Cmd.ipJson(ns, "addr", "show", "dev", "br0").get(0).get("addr_info");
    boolean nodad = false;
    for (JsonNode a : info) {
      if (a.get("local").asText().equals("fd00::5")) {
        nodad = a.path("nodad").asBoolean(false);
      }
    }
    assertTrue(nodad, info.toString());
  }

  @Test
  void scopeAndLabelAreApplied(NetworkNamespace ns, Netlink nl) {
    Link br = bridge(nl);
    nl.addAddress(
        Address.of(br, InterfaceAddress.parse("10.9.0.1/32"))
            .scope(RouteScope.HOST)
            .label("br0:svc"));
    JsonNode a = Cmd.ipJson(ns, "addr", "show", "dev", "br0").get(0).get("addr_info").get(0);
    assertEquals("10.9.0.1", a.get("local").asText());
    assertEquals("254", a.get("scope").asText());
    assertEquals("br0:svc", a.get("label").asText());
  }

  @Test
  void duplicateAddFailsWithEexistAndReplaceSucceeds(Netlink nl) {
    Link br = bridge(nl);
    Address a = Address.of(br, InterfaceAddress.parse("10.1.2.3/24"));
    nl.addAddress(a);
    NetlinkException e = assertThrows(NetlinkException.class, () -> nl.addAddress(a));
    assertEquals("EEXIST", e.errnoName());
    assertTrue(e.getMessage().contains("10.1.2.3/24"), e.getMessage());
    nl.replaceAddress(a);
    assertEquals(
        1, nl.addresses(IpFamily.IPV4).stream().filter(x -> x.linkIndex() == br.index()).count());
  }

  @Test
  void deletingAMissingAddressFails(Netlink nl) {
    Link br = bridge(nl);
    NetlinkException e =
        assertThrows(
            NetlinkException.class,
            () -> nl.deleteAddress(Address.of(br, InterfaceAddress.parse("10.1.2.3/24"))));
    assertEquals("EADDRNOTAVAIL", e.errnoName());
  }

  @Test
  void listsAddressesCreatedByIp(NetworkNamespace ns, Netlink nl) {
    Link br = bridge(nl);
    Cmd.run(
        List.of("ip", "-n", ns.name().orElseThrow(), "addr", "add", "192.0.2.7/28", "dev", "br0"));
    assertTrue(
        nl.addresses(IpFamily.IPV4).stream()
            .anyMatch(
                a ->
                    a.linkIndex() == br.index()
                        && a.address().equals(InterfaceAddress.parse("192.0.2.7/28"))));
  }

  @Test
  void interfaceAddressTextRoundTripsAndRejectsBadPrefixes() {
    for (String s : List.of("10.0.0.5/24", "fd00::1/64", "0.0.0.0/0")) {
      assertEquals(
          InterfaceAddress.parse(s), InterfaceAddress.parse(InterfaceAddress.parse(s).toString()));
    }
    assertEquals(32, InterfaceAddress.parse("10.0.0.5").prefixLength());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> InterfaceAddress.parse("10.0.0.5/33"));
    assertEquals("prefixLength: 33 (expected: 0 to 32)", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> InterfaceAddress.parse("10.0.0.5/x"));
  }
}
