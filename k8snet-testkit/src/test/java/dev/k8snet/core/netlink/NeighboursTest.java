package dev.k8snet.core.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.MacAddress;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.core.support.Cmd;
import dev.k8snet.testkit.NetnsTest;
import java.util.List;
import org.junit.jupiter.api.Test;

@NetnsTest(tools = {"ip", "bridge"})
class NeighboursTest {
  private static final MacAddress MAC = MacAddress.parse("02:11:22:33:44:55");

  @Test
  void addsListsAndDeletesPermanentArpEntry(NetworkNamespace ns, Netlink nl) {
    nl.addLink(LinkSpec.builder("v0", LinkKind.veth("v1")).up(true).build());
    Link v0 = nl.link("v0").orElseThrow();
    Neighbour n = Neighbour.permanent(v0, IpAddress.parse("10.0.0.2"), MAC);
    nl.addNeighbour(n);
    JsonNode ip = Cmd.ipJson(ns, "neigh", "show", "dev", "v0");
    assertEquals(1, ip.size());
    assertEquals("10.0.0.2", ip.get(0).get("dst").asText());
    assertEquals(MAC.toString(), ip.get(0).get("lladdr").asText());
    assertTrue(ip.get(0).get("state").toString().contains("PERMANENT"));
    List<Neighbour> listed = nl.neighbours(IpFamily.IPV4);
    assertEquals(1, listed.size());
    assertEquals(MAC, listed.get(0).mac().orElseThrow());
    assertTrue(listed.get(0).permanent());
    nl.replaceNeighbour(
        Neighbour.permanent(
            v0, IpAddress.parse("10.0.0.2"), MacAddress.parse("02:00:00:00:00:09")));
    assertEquals(
        "02:00:00:00:00:09",
        Cmd.ipJson(ns, "neigh", "show", "dev", "v0").get(0).get("lladdr").asText());
    nl.deleteNeighbour(n);
    assertEquals(0, Cmd.ipJson(ns, "neigh", "show", "dev", "v0").size());
  }

  @Test
  void addsVxlanFdbEntryWithRemoteEndpoint(NetworkNamespace ns, Netlink nl) {
    nl.addLink(LinkSpec.of("vxlan0", LinkKind.vxlan(7).learning(false)));
    Link vx = nl.link("vxlan0").orElseThrow();
    Neighbour fdb = Neighbour.fdb(vx, MAC, IpAddress.parse("192.0.2.9"));
    nl.addNeighbour(fdb);
    String out =
        Cmd.run(
            List.of("bridge", "-n", ns.name().orElseThrow(), "-j", "fdb", "show", "dev", "vxlan0"));
    assertTrue(out.contains("\"mac\":\"02:11:22:33:44:55\""), out);
    assertTrue(out.contains("\"dst\":\"192.0.2.9\""), out);
    assertTrue(out.contains("permanent"), out);
    Neighbour got =
        nl.fdb(vx).stream()
            .filter(n -> n.mac().orElseThrow().equals(MAC))
            .findFirst()
            .orElseThrow();
    assertTrue(got.bridge());
    assertEquals(IpAddress.parse("192.0.2.9"), got.address().orElseThrow());
    assertTrue((got.flags() & Neighbour.NTF_SELF) != 0);
    nl.deleteNeighbour(fdb);
    assertTrue(nl.fdb(vx).stream().noneMatch(n -> n.mac().orElseThrow().equals(MAC)));
  }
}
