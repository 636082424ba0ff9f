package dev.k8snet.cni.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.cni.network.Lab.LabNode;
import dev.k8snet.cni.network.Lab.LabPod;
import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.MacAddress;
import dev.k8snet.core.netlink.Link;
import dev.k8snet.core.netlink.Neighbour;
import dev.k8snet.core.netlink.Netlink;
import dev.k8snet.core.netlink.Route;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.testkit.NetnsTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pod network across three "node" namespaces joined by an underlay bridge: pods attached
 * through our bridge plugin talk across nodes over host-gw and VXLAN, and the route manager keeps
 * exactly the kernel objects the Node objects ask for.
 */
@NetnsTest(tools = {"ip", "nft"})
class PodNetworkLabTest {
  private static final int LARGE = 64 * 1024;
  private static final int UDP_LARGE = 4000;

  @TempDir Path tmp;

  private static NetConf vxlan() {
    return NetConf.of(Lab.NETWORK, NetConf.Backend.vxlan(1));
  }

  private static NetConf hostGw() {
    return NetConf.of(Lab.NETWORK, NetConf.Backend.hostGw());
  }

  private static List<Route> ourRoutes(Netlink nl) {
    return nl.routes(IpFamily.IPV4).stream()
        .filter(r -> r.protocol().value() == RouteManager.DEFAULT_ROUTE_PROTOCOL)
        .toList();
  }

  private static List<Neighbour> permanentNeighbours(Netlink nl, Link dev) {
    return nl.neighbours(IpFamily.IPV4).stream()
        .filter(n -> n.linkIndex() == dev.index() && n.permanent())
        .toList();
  }

  private static List<Neighbour> fdb(Netlink nl, Link dev) {
    return nl.fdb(dev).stream()
        .filter(n -> (n.flags() & Neighbour.NTF_SELF) != 0 && n.permanent())
        .toList();
  }

  private static Optional<Route> routeTo(Netlink nl, String cidr) {
    return nl.routes(IpFamily.IPV4).stream()
        .filter(r -> r.destination().equals(Cidr.parse(cidr)))
        .findFirst();
  }

  @Test
  void hostGwPodsOnDifferentNodesTalkTcpAndUdpWithTheirOwnAddresses(
      NetworkNamespace ul, Netlink ulNl) throws Exception {
    try (Lab lab = new Lab(ul, ulNl, tmp, hostGw())) {
      LabNode n1 = lab.addNode(1);
      LabNode n2 = lab.addNode(2);
      LabNode n3 = lab.addNode(3);
      lab.syncAll();
      for (LabNode n : List.of(n1, n2, n3)) {
        NetworkStatus s = n.manager.status();
        assertEquals(List.of(), s.problems(), n.name);
        assertEquals(2, s.peers().size());
        assertTrue(
            s.peers().stream().allMatch(p -> p.programmed() && p.mode() == PathMode.HOST_GW));
        assertEquals(1500, s.podMtu().getAsInt());
        assertEquals(2, ourRoutes(n.nl).size(), "one route per remote node");
      }
      Route r = routeTo(n1.nl, "10.244.2.0/24").orElseThrow();
      assertEquals(IpAddress.parse("192.168.50.12"), r.gateway().orElseThrow());
      assertEquals(n1.nl.link("eth0").orElseThrow().index(), r.linkIndex().getAsInt());

      LabPod a = n1.addPod();
      LabPod b = n2.addPod();
      LabPod c = n3.addPod();
      lab.tcpEcho(b.ns(), b.ip(), 7001);
      lab.udpEcho(c.ns(), c.ip(), 7002);
      assertEquals(a.ip().toString(), lab.tcp(a.ns(), b.ip(), 7001, LARGE));
      assertEquals(a.ip().toString(), lab.udp(a.ns(), c.ip(), 7002, UDP_LARGE));
    }
  }

  @Test
  void vxlanPodsTalkAcrossNodesWithOneNeighbourFdbEntryAndRoutePerPeer(
      NetworkNamespace ul, Netlink ulNl) throws Exception {
    try (Lab lab = new Lab(ul, ulNl, tmp, vxlan())) {
      LabNode n1 = lab.addNode(1);
      LabNode n2 = lab.addNode(2);
      LabNode n3 = lab.addNode(3);
      lab.syncAll();
      Link vx = n1.nl.link("k8snet.1").orElseThrow();
      assertEquals(1450, vx.mtu(), "underlay 1500 − 50");
      assertEquals(1, vx.vxlan().orElseThrow().vni());
      assertEquals(8472, vx.vxlan().orElseThrow().port());
      assertFalse(vx.vxlan().orElseThrow().learning());
      NetworkStatus s1 = n1.manager.status();
      assertEquals(1450, s1.podMtu().getAsInt());
      assertEquals(vx.mac(), s1.vtepMac());
      assertEquals(
          vx.mac().orElseThrow().toString(),
          Files.readString(n1.state.resolve("k8snet.1.mac")).trim(),
          "VTEP MAC persisted");
      assertEquals(
          Map.of(
              "flannel.alpha.coreos.com/backend-type", "vxlan",
              "flannel.alpha.coreos.com/kube-subnet-manager", "true",
              "flannel.alpha.coreos.com/backend-data",
                  "{\"VNI\":1,\"VtepMAC\":\"" + vx.mac().orElseThrow() + "\"}",
              "flannel.alpha.coreos.com/public-ip", "192.168.50.11"),
          n1.manager.nodeAnnotations(),
          "what this node would publish for Flannel-style peers");
      assertEquals(2, ourRoutes(n1.nl).size());
      assertEquals(2, permanentNeighbours(n1.nl, vx).size());
      assertEquals(2, fdb(n1.nl, vx).size());
      Route r = routeTo(n1.nl, "10.244.2.0/24").orElseThrow();
      assertTrue(r.onlink());
      assertEquals(IpAddress.parse("10.244.2.0"), r.gateway().orElseThrow());
      Link vx2 = n2.nl.link("k8snet.1").orElseThrow();
      Neighbour toN2 =
          fdb(n1.nl, vx).stream().filter(n -> n.mac().equals(vx2.mac())).findFirst().orElseThrow();
      assertEquals(Lab.nodeIp(2), toN2.address().orElseThrow());

      LabPod a = n1.addPod();
      LabPod b = n2.addPod();
      LabPod c = n3.addPod();
      try (Netlink pod = a.ns().netlink()) {
        assertEquals(1450, pod.link("eth0").orElseThrow().mtu(), "pod MTU follows the backend");
      }
      lab.tcpEcho(b.ns(), b.ip(), 7001);
      lab.udpEcho(c.ns(), c.ip(), 7002);
      lab.tcpEcho(a.ns(), a.ip(), 7003);
      assertEquals(a.ip().toString(), lab.tcp(a.ns(), b.ip(), 7001, LARGE));
      assertEquals(a.ip().toString(), lab.udp(a.ns(), c.ip(), 7002, UDP_LARGE));
      assertEquals(c.ip().toString(), lab.tcp(c.ns(), a.ip(), 7003, LARGE));

      lab.syncAll();
      assertEquals(0, n1.manager.status().lastWrites(), "nothing changed: no writes");
      lab.reconcileAll();
      assertEquals(0, n1.manager.status().lastWrites(), "kernel matches: no writes");
    }
  }

  @Test
  void aRemovedNodeLosesItsEntriesAndComesBackWhenReAdded(NetworkNamespace ul, Netlink ulNl) {
    try (Lab lab = new Lab(ul, ulNl, tmp, vxlan())) {
      LabNode n1 = lab.addNode(1);
      lab.addNode(2);
      LabNode n3 = lab.addNode(3);
      lab.syncAll();
      LabPod a = n1.addPod();
      LabPod c = n3.addPod();
      lab.tcpEcho(c.ns(), c.ip(), 7001);
      assertTrue(lab.tcpConnects(a.ns(), c.ip(), 7001));
      Link vx = n1.nl.link("k8snet.1").orElseThrow();

      var n3Object = lab.node("node-3");
      lab.removeNode("node-3");
      lab.syncAll();
      assertEquals(3, n1.manager.status().lastWrites(), "route, neighbour and FDB entry of node-3");
      assertTrue(routeTo(n1.nl, "10.244.3.0/24").isEmpty());
      assertEquals(1, permanentNeighbours(n1.nl, vx).size());
      assertEquals(1, fdb(n1.nl, vx).size());
      assertFalse(lab.tcpConnects(a.ns(), c.ip(), 7001));

      lab.putNode("node-3", n3Object.podCidrs().get(0), Lab.nodeIp(3), Map.of());
      lab.syncAll();
      assertEquals(3, n1.manager.status().lastWrites(), "only node-3's three entries come back");
      assertTrue(lab.tcpConnects(a.ns(), c.ip(), 7001));
    }
  }

  @Test
  void aNodeWhoseIpChangesIsReachedAtTheNewAddressOnly(NetworkNamespace ul, Netlink ulNl) {
    try (Lab lab = new Lab(ul, ulNl, tmp, vxlan())) {
      LabNode n1 = lab.addNode(1);
      LabNode n2 = lab.addNode(2);
      lab.syncAll();
      LabPod a = n1.addPod();
      LabPod b = n2.addPod();
      lab.tcpEcho(b.ns(), b.ip(), 7001);
      assertTrue(lab.tcpConnects(a.ns(), b.ip(), 7001));
      MacAddress macBefore = n2.nl.link("k8snet.1").orElseThrow().mac().orElseThrow();

      IpAddress moved = IpAddress.parse("192.168.50.22");
      Link eth0 = n2.nl.link("eth0").orElseThrow();
      n2.nl.deleteAddress(
          dev.k8snet.core.netlink.Address.of(
              eth0, new dev.k8snet.core.netlink.InterfaceAddress(Lab.nodeIp(2), 24)));
      n2.nl.addAddress(
          dev.k8snet.core.netlink.Address.of(
              eth0, new dev.k8snet.core.netlink.InterfaceAddress(moved, 24)));
      lab.putNode("node-2", Cidr.parse("10.244.2.0/24"), moved, Map.of());
      lab.reconcileAll();

      Link vx2 = n2.nl.link("k8snet.1").orElseThrow();
      assertEquals(List.of(), n2.manager.status().problems());
      assertEquals(moved, vx2.vxlan().orElseThrow().local().orElseThrow(), "own IP change");
      assertEquals(macBefore, vx2.mac().orElseThrow(), "recreated with the persisted MAC");
      Link vx1 = n1.nl.link("k8snet.1").orElseThrow();
      List<Neighbour> entries = fdb(n1.nl, vx1);
      assertEquals(1, entries.size());
      assertEquals(moved, entries.get(0).address().orElseThrow(), "FDB dst replaced");
      assertTrue(lab.tcpConnects(a.ns(), b.ip(), 7001));
    }
  }

  @Test
  void podTrafficToTheOutsideIsMasqueradedWhilePodToPodKeepsItsSource(
      NetworkNamespace ul, Netlink ulNl) throws Exception {
    try (Lab lab = new Lab(ul, ulNl, tmp, vxlan())) {
      LabNode n1 = lab.addNode(1);
      LabNode n2 = lab.addNode(2);
      lab.syncAll();
      LabPod a = n1.addPod();
      LabPod b = n2.addPod();
      lab.tcpEcho(ul, Lab.OUTSIDE, 7010);
      lab.udpEcho(ul, Lab.OUTSIDE, 7011);
      lab.tcpEcho(b.ns(), b.ip(), 7001);
      assertEquals(Lab.nodeIp(1).toString(), lab.tcp(a.ns(), Lab.OUTSIDE, 7010, LARGE));
      assertEquals(Lab.nodeIp(1).toString(), lab.udp(a.ns(), Lab.OUTSIDE, 7011, 100));
      assertEquals(a.ip().toString(), lab.tcp(a.ns(), b.ip(), 7001, 100));
      String ruleset = n1.nft.listJson("ruleset");
      assertFalse(ruleset.contains("\"drop\""), "our tables never drop (ICMP too-big passes)");

      lab.nodes.get("node-1").manager.status();
      RouteManager off =
          RouteManager.builder(
                  n1.nl,
                  NetConf.of(Lab.NETWORK, NetConf.Backend.hostGw()).withIpMasq(false),
                  "node-1")
              .nftables(n1.nft)
              .build();
      try {
        off.reconcile(lab.state());
        assertFalse(n1.nft.listJson("tables").contains("k8snet-podnet"), "masquerade off");
      } finally {
        off.close();
      }
    }
  }

  private static long packets(LabNode n, String chain) throws Exception {
    com.fasterxml.jackson.databind.JsonNode j =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(n.nft.listJson("chain ip kp-emul " + chain));
    long total = 0;
    for (com.fasterxml.jackson.databind.JsonNode item : j.path("nftables")) {
      for (com.fasterxml.jackson.databind.JsonNode e : item.path("rule").path("expr")) {
        total += e.path("counter").path("packets").asLong(0);
      }
    }
    return total;
  }

  @Test
  void tunnelOuterPacketsCarryingKubeProxysMarkAreNeverMasqueraded(
      NetworkNamespace ul, Netlink ulNl) throws Exception {
    try (Lab lab = new Lab(ul, ulNl, tmp, vxlan())) {
      LabNode n1 = lab.addNode(1);
      LabNode n2 = lab.addNode(2);
      lab.syncAll();
      LabPod a = n1.addPod();
      LabPod b = n2.addPod();
      lab.tcpEcho(b.ns(), b.ip(), 7001);
      // kube-proxy as seen from the node: marks the inner packet, masquerades whatever is marked
      n1.nft.apply(
          """
          table ip kp-emul {
            chain pre {
              type filter hook prerouting priority mangle; policy accept;
              ip saddr 10.244.1.0/24 ip daddr 10.244.2.0/24 meta mark set 0x4000
            }
            chain post {
              type nat hook postrouting priority 105; policy accept;
              meta mark & 0x4000 == 0x4000 udp dport 8472 counter masquerade random,fully-random
            }
          }
          """);
      try {
        lab.tcp(a.ns(), b.ip(), 7001, LARGE);
        assertEquals(
            0, packets(n1, "post"), "no outer VXLAN packet reached kube-proxy's rule marked");

        n1.nft.apply("delete table " + "inet k8snet-podnet");
        lab.tcpConnects(a.ns(), b.ip(), 7001);
        assertTrue(packets(n1, "post") > 0, "without our table the outer packets carry the mark");
      } finally {
        n1.nft.apply("delete table ip kp-emul");
      }
    }
  }
}
