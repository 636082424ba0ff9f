package dev.k8snet.core.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.MacAddress;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.core.support.Cmd;
import dev.k8snet.testkit.NetnsTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The kernel objects of a Flannel-style VXLAN overlay, programmed through {@link Netlink} and
 * checked with {@code ip} and {@code bridge}: the device's settings, the FDB entry that is replaced
 * (not appended) when a peer moves, and the onlink route tagged with our protocol.
 */
@NetnsTest(tools = {"ip", "bridge"})
class VxlanOverlayObjectsTest {
  private static final MacAddress PEER = MacAddress.parse("0e:00:0a:f4:02:00");

  private static Link underlay(Netlink nl) {
    nl.addLink(LinkSpec.builder("ul0", LinkKind.veth("ul1")).up(true).build());
    nl.setUp(nl.link("ul1").orElseThrow());
    Link ul0 = nl.link("ul0").orElseThrow();
    nl.addAddress(Address.of(ul0, InterfaceAddress.parse("192.168.50.11/24")));
    return ul0;
  }

  @Test
  void vxlanDeviceSettingsAreCreatedAndReportedBack(NetworkNamespace ns, Netlink nl) {
    Link ul0 = underlay(nl);
    nl.addLink(
        LinkSpec.builder(
                "vx1",
                LinkKind.vxlan(42)
                    .port(8472)
                    .learning(false)
                    .local(IpAddress.parse("192.168.50.11"))
                    .device(ul0))
            .mac(MacAddress.parse("0e:00:0a:f4:01:00"))
            .build());
    JsonNode ip = Cmd.ipJson(ns, "-d", "link", "show", "vx1").get(0);
    JsonNode data = ip.at("/linkinfo/info_data");
    assertEquals(42, data.get("id").asInt());
    assertEquals(8472, data.get("port").asInt());
    assertEquals("192.168.50.11", data.get("local").asText());
    assertEquals("ul0", data.get("link").asText());
    assertFalse(data.path("learning").asBoolean(false), data.toString());
    assertEquals(1450, ip.get("mtu").asInt(), "the kernel derives lower − 50");

    LinkKind.Vxlan got = nl.link("vx1").orElseThrow().vxlan().orElseThrow();
    assertEquals(42, got.vni());
    assertEquals(8472, got.port());
    assertFalse(got.learning());
    assertEquals(IpAddress.parse("192.168.50.11"), got.local().orElseThrow());
    assertEquals(ul0.index(), got.deviceIndex().orElseThrow());
    assertTrue(nl.link("ul0").orElseThrow().vxlan().isEmpty(), "only vxlan links carry settings");
  }

  @Test
  void fdbReplaceMovesTheRemoteEndpointWhereAppendWouldAddASecond(NetworkNamespace ns, Netlink nl) {
    Link ul0 = underlay(nl);
    nl.addLink(LinkSpec.of("vx1", LinkKind.vxlan(1).port(8472).learning(false).device(ul0)));
    Link vx = nl.link("vx1").orElseThrow();
    nl.replaceNeighbour(Neighbour.fdb(vx, PEER, IpAddress.parse("192.168.50.12")));
    nl.replaceNeighbour(Neighbour.fdb(vx, PEER, IpAddress.parse("192.168.50.22")));
    String out =
        Cmd.run(
            List.of("bridge", "-n", ns.name().orElseThrow(), "-j", "fdb", "show", "dev", "vx1"));
    assertTrue(out.contains("\"dst\":\"192.168.50.22\""), out);
    assertFalse(out.contains("192.168.50.12"), out);
    List<Neighbour> fdb =
        nl.fdb(vx).stream().filter(n -> n.mac().orElseThrow().equals(PEER)).toList();
    assertEquals(1, fdb.size());
    assertEquals(IpAddress.parse("192.168.50.22"), fdb.get(0).address().orElseThrow());
  }

  @Test
  void onlinkRouteWithOwnProtocolRoundTrips(NetworkNamespace ns, Netlink nl) {
    Link ul0 = underlay(nl);
    nl.addLink(LinkSpec.of("vx1", LinkKind.vxlan(1).port(8472).learning(false).device(ul0)));
    Link vx = nl.link("vx1").orElseThrow();
    nl.setUp(vx);
    Route r =
        Route.builder(Cidr.parse("10.244.2.0/24"))
            .gateway(IpAddress.parse("10.244.2.0"))
            .device(vx)
            .onlink(true)
            .protocol(RouteProtocol.valueOf(0x6b))
            .build();
    nl.replaceRoute(r);
    JsonNode ip = Cmd.ipJson(ns, "route", "show", "10.244.2.0/24").get(0);
    assertEquals("10.244.2.0", ip.get("gateway").asText());
    assertEquals("vx1", ip.get("dev").asText());
    assertTrue(ip.get("flags").toString().contains("onlink"), ip.toString());
    assertEquals("107", ip.get("protocol").asText());
    Route got =
        nl.routes(IpFamily.IPV4).stream()
            .filter(x -> x.destination().equals(Cidr.parse("10.244.2.0/24")))
            .findFirst()
            .orElseThrow();
    assertTrue(got.onlink());
    assertEquals(r, got);
  }
}
