package dev.k8snet.core.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.IpAddress;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.testkit.NetnsTest;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

@NetnsTest
class EventsTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  private static NetlinkEvent await(NetlinkSubscription sub, Predicate<NetlinkEvent> p) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<NetlinkEvent> e = sub.poll(Duration.ofMillis(500));
      if (e.isPresent() && p.test(e.get())) {
        return e.get();
      }
    }
    throw new AssertionError("no matching event within " + WAIT);
  }

  @Test
  void reportsLinkCreationAndDeletion(NetworkNamespace ns, Netlink nl) {
    try (NetlinkSubscription sub = nl.subscribe(EnumSet.of(NetlinkGroup.LINK))) {
      nl.addLink(LinkSpec.of("ev-br", LinkKind.bridge()));
      NetlinkEvent.LinkEvent created =
          (NetlinkEvent.LinkEvent)
              await(
                  sub,
                  e -> e instanceof NetlinkEvent.LinkEvent l && l.link().name().equals("ev-br"));
      assertEquals(NetlinkEvent.Change.NEW, created.change());
      nl.deleteLink(nl.link("ev-br").orElseThrow());
      await(
          sub,
          e ->
              e instanceof NetlinkEvent.LinkEvent l
                  && l.change() == NetlinkEvent.Change.DELETED
                  && l.link().name().equals("ev-br"));
    }
  }

  @Test
  void reportsAddressChanges(Netlink nl) {
    nl.addLink(LinkSpec.builder("ev-br", LinkKind.bridge()).up(true).build());
    Link br = nl.link("ev-br").orElseThrow();
    try (NetlinkSubscription sub =
        nl.subscribe(EnumSet.of(NetlinkGroup.IPV4_ADDRESS, NetlinkGroup.IPV4_ROUTE))) {
      Address a = Address.of(br, InterfaceAddress.parse("10.3.0.1/24"));
      nl.addAddress(a);
      NetlinkEvent.AddressEvent added =
          (NetlinkEvent.AddressEvent) await(sub, e -> e instanceof NetlinkEvent.AddressEvent);
      assertEquals(NetlinkEvent.Change.NEW, added.change());
      assertEquals(IpAddress.parse("10.3.0.1"), added.address().address().address());
      nl.deleteAddress(a);
      NetlinkEvent.AddressEvent removed =
          (NetlinkEvent.AddressEvent)
              await(
                  sub,
                  e ->
                      e instanceof NetlinkEvent.AddressEvent x
                          && x.change() == NetlinkEvent.Change.DELETED);
      assertEquals(br.index(), removed.address().linkIndex());
    }
  }

  @Test
  void reportsRouteAndNeighbourChanges(Netlink nl) {
    nl.addLink(LinkSpec.builder("ev-v0", LinkKind.veth("ev-v1")).up(true).build());
    Link v0 = nl.link("ev-v0").orElseThrow();
    try (NetlinkSubscription sub =
        nl.subscribe(EnumSet.of(NetlinkGroup.IPV4_ROUTE, NetlinkGroup.NEIGHBOUR))) {
      Route r = Route.builder(dev.k8snet.core.Cidr.parse("10.77.0.0/16")).device(v0).build();
      nl.addRoute(r);
      NetlinkEvent.RouteEvent re =
          (NetlinkEvent.RouteEvent)
              await(
                  sub,
                  e ->
                      e instanceof NetlinkEvent.RouteEvent x
                          && x.route().destination().equals(r.destination()));
      assertEquals(NetlinkEvent.Change.NEW, re.change());
      assertEquals(java.util.OptionalInt.of(v0.index()), re.route().linkIndex());
      dev.k8snet.core.MacAddress mac = dev.k8snet.core.MacAddress.parse("02:00:00:00:00:42");
      nl.addNeighbour(Neighbour.permanent(v0, IpAddress.parse("10.77.0.9"), mac));
      NetlinkEvent.NeighbourEvent ne =
          (NetlinkEvent.NeighbourEvent) await(sub, e -> e instanceof NetlinkEvent.NeighbourEvent);
      assertEquals(mac, ne.neighbour().mac().orElseThrow());
      nl.deleteRoute(r);
      await(
          sub,
          e ->
              e instanceof NetlinkEvent.RouteEvent x
                  && x.change() == NetlinkEvent.Change.DELETED
                  && x.route().destination().equals(r.destination()));
    }
  }

  @Test
  void pollReturnsEmptyAfterItsDeadlineWhenNothingHappens(Netlink nl) {
    try (NetlinkSubscription sub = nl.subscribe(EnumSet.of(NetlinkGroup.NEIGHBOUR))) {
      long start = System.nanoTime();
      assertTrue(sub.poll(Duration.ofMillis(200)).isEmpty());
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(ms >= 150 && ms < 5000, "waited " + ms + " ms");
    }
  }
}
