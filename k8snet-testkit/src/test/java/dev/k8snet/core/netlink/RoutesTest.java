package dev.k8snet.core.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.core.support.Cmd;
import dev.k8snet.testkit.NetnsTest;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

@NetnsTest(tools = "ip")
class RoutesTest {

  /** Two up veth pairs with addresses, so gateways 10.0.1.2 and 10.0.2.2 are reachable. */
  private static Link[] setUp(Netlink nl) {
    nl.addLink(LinkSpec.builder("a0", LinkKind.veth("a1")).up(true).build());
    nl.addLink(LinkSpec.builder("b0", LinkKind.veth("b1")).up(true).build());
    Link a0 = nl.link("a0").orElseThrow();
    Link b0 = nl.link("b0").orElseThrow();
    nl.setUp(nl.link("a1").orElseThrow());
    nl.setUp(nl.link("b1").orElseThrow());
    nl.addAddress(Address.of(a0, InterfaceAddress.parse("10.0.1.1/24")));
    nl.addAddress(Address.of(b0, InterfaceAddress.parse("10.0.2.1/24")));
    nl.addAddress(
        Address.of(a0, InterfaceAddress.parse("fd00:1::1/64")).flags(Set.of(AddressFlag.NODAD)));
    return new Link[] {a0, b0};
  }

  private static JsonNode ipRoute(NetworkNamespace ns, String... args) {
    return Cmd.ipJson(ns, args);
  }

  @Test
  void addsGatewayRouteWithProtocolMetricAndMtu(NetworkNamespace ns, Netlink nl) {
    Link[] l = setUp(nl);
    Route r =
        Route.builder(Cidr.parse("10.244.0.0/16"))
            .gateway(IpAddress.parse("10.0.1.2"))
            .device(l[0])
            .protocol(RouteProtocol.STATIC)
            .priority(50)
            .mtu(1400)
            .build();
    nl.addRoute(r);
    JsonNode ip = ipRoute(ns, "route", "show", "10.244.0.0/16").get(0);
    assertEquals("10.0.1.2", ip.get("gateway").asText());
    assertEquals("a0", ip.get("dev").asText());
    assertEquals("4", ip.get("protocol").asText());
    assertEquals(50, ip.get("metric").asInt());
    assertTrue(ip.get("metrics").toString().contains("1400"), ip.toString());
    Route got =
        nl.routes(IpFamily.IPV4).stream()
            .filter(x -> x.destination().equals(Cidr.parse("10.244.0.0/16")))
            .findFirst()
            .orElseThrow();
    assertEquals(r, got);
    nl.deleteRoute(r);
    assertEquals(0, ipRoute(ns, "route", "show", "10.244.0.0/16").size());
  }

  @Test
  void deviceRouteGetsLinkScopeAndPreferredSource(NetworkNamespace ns, Netlink nl) {
    Link[] l = setUp(nl);
    nl.addRoute(
        Route.builder(Cidr.parse("10.96.0.0/12"))
            .device(l[1])
            .preferredSource(IpAddress.parse("10.0.2.1"))
            .build());
    JsonNode ip = ipRoute(ns, "route", "show", "10.96.0.0/12").get(0);
    assertEquals("b0", ip.get("dev").asText());
    assertEquals("253", ip.get("scope").asText());
    assertEquals("10.0.2.1", ip.get("prefsrc").asText());
  }

  @Test
  void routesInAnotherTable(NetworkNamespace ns, Netlink nl) {
    Link[] l = setUp(nl);
    Route r =
        Route.builder(Cidr.parse("0.0.0.0/0"))
            .gateway(IpAddress.parse("10.0.2.2"))
            .device(l[1])
            .table(1000)
            .build();
    nl.addRoute(r);
    JsonNode ip = ipRoute(ns, "route", "show", "table", "1000");
    assertEquals(1, ip.size());
    assertEquals("default", ip.get(0).get("dst").asText());
    assertEquals(List.of(r), nl.routes(IpFamily.IPV4, 1000));
    assertTrue(nl.routes(IpFamily.IPV4).stream().noneMatch(x -> x.table() == 1000));
    nl.deleteRoute(r);
    assertTrue(nl.routes(IpFamily.IPV4, 1000).isEmpty());
  }

  @Test
  void multipathRouteKeepsWeights(NetworkNamespace ns, Netlink nl) {
    Link[] l = setUp(nl);
    Route r =
        Route.builder(Cidr.parse("172.16.0.0/16"))
            .nexthop(Nexthop.via(IpAddress.parse("10.0.1.2"), l[0]).weight(1))
            .nexthop(Nexthop.via(IpAddress.parse("10.0.2.2"), l[1]).weight(3))
            .build();
    nl.addRoute(r);
    JsonNode hops = ipRoute(ns, "route", "show", "172.16.0.0/16").get(0).get("nexthops");
    assertEquals(2, hops.size());
    assertEquals("10.0.1.2", hops.get(0).get("gateway").asText());
    assertEquals(1, hops.get(0).get("weight").asInt());
    assertEquals("10.0.2.2", hops.get(1).get("gateway").asText());
    assertEquals(3, hops.get(1).get("weight").asInt());
    Route got =
        nl.routes(IpFamily.IPV4).stream()
            .filter(x -> x.destination().equals(Cidr.parse("172.16.0.0/16")))
            .findFirst()
            .orElseThrow();
    assertEquals(r.nexthops(), got.nexthops());
  }

  @Test
  void replaceChangesTheGatewayAndAddFailsOnDuplicate(NetworkNamespace ns, Netlink nl) {
    Link[] l = setUp(nl);
    Route.Builder b = Route.builder(Cidr.parse("10.50.0.0/24"));
    nl.addRoute(b.gateway(IpAddress.parse("10.0.1.2")).device(l[0]).build());
    NetlinkException e =
        assertThrows(
            NetlinkException.class,
            () -> nl.addRoute(b.gateway(IpAddress.parse("10.0.1.2")).device(l[0]).build()));
    assertEquals("EEXIST", e.errnoName());
    nl.replaceRoute(
        Route.builder(Cidr.parse("10.50.0.0/24"))
            .gateway(IpAddress.parse("10.0.2.2"))
            .device(l[1])
            .build());
    JsonNode ip = ipRoute(ns, "route", "show", "10.50.0.0/24");
    assertEquals(1, ip.size());
    assertEquals("10.0.2.2", ip.get(0).get("gateway").asText());
  }

  @Test
  void unreachableGatewayFailsWithKernelMessage(Netlink nl) {
    setUp(nl);
    NetlinkException e =
        assertThrows(
            NetlinkException.class,
            () ->
                nl.addRoute(
                    Route.builder(Cidr.parse("10.60.0.0/24"))
                        .gateway(IpAddress.parse("192.0.2.1"))
                        .build()));
    assertEquals("ENETUNREACH", e.errnoName());
    assertEquals("add route", e.operation());
    assertTrue(e.extAckMessage().isPresent(), e.getMessage());
  }

  @Test
  void ipv6RouteAndBlackhole(NetworkNamespace ns, Netlink nl) {
    Link[] l = setUp(nl);
    nl.addRoute(
        Route.builder(Cidr.parse("fd10::/48"))
            .gateway(IpAddress.parse("fd00:1::2"))
            .device(l[0])
            .build());
    nl.addRoute(Route.builder(Cidr.parse("10.70.0.0/16")).type(RouteType.BLACKHOLE).build());
    assertEquals(
        "fd00:1::2",
        ipRoute(ns, "-6", "route", "show", "fd10::/48").get(0).get("gateway").asText());
    assertEquals("6", ipRoute(ns, "route", "show", "10.70.0.0/16").get(0).get("type").asText());
    assertTrue(
        nl.routes(IpFamily.IPV6).stream()
            .anyMatch(r -> r.destination().equals(Cidr.parse("fd10::/48"))));
    assertTrue(
        nl.routes(IpFamily.IPV4).stream().anyMatch(r -> r.type().equals(RouteType.BLACKHOLE)));
  }

  @Test
  void rejectsMixedFamiliesBeforeSending() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Route.builder(Cidr.parse("10.0.0.0/8"))
                    .gateway(IpAddress.parse("fd00::1"))
                    .build());
    assertEquals("gateway: fd00::1 (expected: an IPV4 address)", e.getMessage());
  }
}
