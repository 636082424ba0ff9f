package dev.k8snet.core.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Validation and defaults of the netlink request values; nothing here touches the kernel. */
class ValuesTest {

  @Test
  void routeScopeDefaultsFollowIp() {
    assertEquals(
        RouteScope.LINK, Route.builder(Cidr.parse("10.0.0.0/8")).device(3).build().scope());
    assertEquals(
        RouteScope.UNIVERSE,
        Route.builder(Cidr.parse("10.0.0.0/8"))
            .gateway(IpAddress.parse("10.1.1.1"))
            .device(3)
            .build()
            .scope());
    assertEquals(
        RouteScope.HOST,
        Route.builder(Cidr.parse("10.0.0.1/32")).type(RouteType.LOCAL).device(3).build().scope());
    Route r = Route.builder(Cidr.parse("10.0.0.0/8")).build();
    assertEquals(Route.TABLE_MAIN, r.table());
    assertEquals(RouteProtocol.BOOT, r.protocol());
    assertEquals(RouteType.UNICAST, r.type());
  }

  @Test
  void multipathExcludesSinglePathGatewayAndDevice() {
    Nexthop hop = new Nexthop(Optional.of(IpAddress.parse("10.0.0.1")), 2, 1);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Route.builder(Cidr.parse("10.0.0.0/8")).device(2).nexthop(hop).build());
    assertTrue(e.getMessage().startsWith("nexthops: "), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> hop.weight(0));
    assertThrows(IllegalArgumentException.class, () -> hop.weight(257));
  }

  @Test
  void linkSpecValidatesNamesAndMtu() {
    assertEquals(
        "name: eth0:1 (expected: 1 to 15 bytes without '/', ':' or whitespace)",
        assertThrows(IllegalArgumentException.class, () -> LinkSpec.of("eth0:1", LinkKind.bridge()))
            .getMessage());
    assertEquals(
        "mtu: 67 (expected: 68 to 65535)",
        assertThrows(
                IllegalArgumentException.class,
                () -> LinkSpec.builder("br0", LinkKind.bridge()).mtu(67))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> LinkKind.veth("peer name"));
    assertThrows(IllegalArgumentException.class, () -> LinkKind.vxlan(1 << 24));
    assertThrows(IllegalArgumentException.class, () -> LinkKind.vxlan(1).port(0));
    LinkSpec spec = LinkSpec.builder("br0", LinkKind.bridge()).mtu(9000).up(true).build();
    assertEquals(OptionalInt.of(9000), spec.mtu());
    assertTrue(spec.up());
  }

  @Test
  void neighbourNeedsAnIpOrAMac() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Neighbour(1, false, Optional.empty(), Optional.empty(), 0, 0, OptionalInt.empty()));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Neighbour(1, true, Optional.empty(), Optional.empty(), 0, 0, OptionalInt.empty()));
  }
}
