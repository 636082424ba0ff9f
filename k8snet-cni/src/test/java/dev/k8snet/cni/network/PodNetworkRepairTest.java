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
import dev.k8snet.core.cluster.ClusterListener;
import dev.k8snet.core.cluster.ClusterSource;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.cluster.ClusterUpdate;
import dev.k8snet.core.netlink.Link;
import dev.k8snet.core.netlink.Neighbour;
import dev.k8snet.core.netlink.Netlink;
import dev.k8snet.core.netlink.Route;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.testkit.NetnsTest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The route manager against a kernel that changes under it: a restart after a node was deleted, a
 * tunnel device flapped or deleted, a peer's VTEP MAC changed, and bad node data next to good.
 */
@NetnsTest(tools = {"ip", "nft"})
class PodNetworkRepairTest {
  @TempDir Path tmp;

  private static NetConf vxlan() {
    return NetConf.of(Lab.NETWORK, NetConf.Backend.vxlan(1));
  }

  private static long routesOf(Netlink nl) {
    return nl.routes(IpFamily.IPV4).stream()
        .filter(r -> r.protocol().value() == RouteManager.DEFAULT_ROUTE_PROTOCOL)
        .count();
  }

  private static List<Neighbour> fdb(Netlink nl) {
    Link vx = nl.link("k8snet.1").orElseThrow();
    return nl.fdb(vx).stream().filter(n -> (n.flags() & Neighbour.NTF_SELF) != 0).toList();
  }

  /** Waits (bounded) for the event-driven loop; the wait is a bound, not a performance claim. */
  private static void eventually(String what, BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 10 s: " + what);
      }
      Thread.sleep(20);
    }
  }

  /** A source whose state the test sets. */
  private static final class SettableSource implements ClusterSource {
    private ClusterListener listener;
    private ClusterState current = ClusterState.EMPTY;

    @Override
    public void start(ClusterListener l) {
      this.listener = l;
      set(current);
    }

    void set(ClusterState s) {
      ClusterState old = current;
      current = s;
      if (listener != null) {
        listener.onUpdate(ClusterUpdate.between(old, s));
      }
    }

    @Override
    public ClusterState current() {
      return current;
    }

    @Override
    public void close() {}
  }

  @Test
  void aRestartReusesTheDeviceAndMacAndRemovesANodeDeletedWhileDown(
      NetworkNamespace ul, Netlink ulNl) {
    try (Lab lab = new Lab(ul, ulNl, tmp, vxlan())) {
      LabNode n1 = lab.addNode(1);
      lab.addNode(2);
      lab.addNode(3);
      lab.syncAll();
      Link before = n1.nl.link("k8snet.1").orElseThrow();
      n1.manager.close();
      lab.removeNode("node-3");

      n1.manager = n1.newManager();
      NetworkStatus s = n1.manager.reconcile(lab.state());
      Link after = n1.nl.link("k8snet.1").orElseThrow();
      assertEquals(before.index(), after.index(), "device reused");
      assertEquals(before.mac(), after.mac(), "MAC never changed on a live device");
      assertEquals(
          4,
          s.lastWrites(),
          "node-3's route, neighbour and FDB entry collected, the masquerade table rewritten once");
      assertEquals(1, routesOf(n1.nl));
      assertEquals(1, fdb(n1.nl).size());
      assertEquals(0, n1.manager.reconcile(lab.state()).lastWrites());
    }
  }

  @Test
  void aPeersNewVtepMacReplacesTheNeighbourAndDropsTheOldFdbEntry(
      NetworkNamespace ul, Netlink ulNl) {
    try (Lab lab = new Lab(ul, ulNl, tmp, vxlan())) {
      LabNode n1 = lab.addNode(1);
      lab.addNode(2);
      lab.syncAll();
      MacAddress fresh = MacAddress.parse("0e:11:22:33:44:55");
      lab.putNode(
          "node-2",
          Cidr.parse("10.244.2.0/24"),
          Lab.nodeIp(2),
          Map.of(
              "flannel.alpha.coreos.com/backend-data",
              "{\"VNI\":1,\"VtepMAC\":\"" + fresh + "\"}"));
      NetworkStatus s = n1.manager.sync(lab.state());
      assertEquals(3, s.lastWrites(), "neighbour replaced, new FDB entry, old one deleted");
      List<Neighbour> fdb = fdb(n1.nl);
      assertEquals(1, fdb.size());
      assertEquals(fresh, fdb.get(0).mac().orElseThrow());
      Link vx = n1.nl.link("k8snet.1").orElseThrow();
      assertTrue(
          n1.nl.neighbours(IpFamily.IPV4).stream()
              .anyMatch(n -> n.linkIndex() == vx.index() && n.mac().orElseThrow().equals(fresh)));
      assertEquals(fresh, s.peer("node-2").orElseThrow().vtepMac().orElseThrow());
    }
  }

  @Test
  void explainChecksEachObjectAgainstTheKernel(NetworkNamespace ul, Netlink ulNl) {
    try (Lab lab = new Lab(ul, ulNl, tmp, vxlan())) {
      LabNode n1 = lab.addNode(1);
      lab.addNode(2);
      lab.syncAll();
      java.util.List<dev.k8snet.core.model.KubernetesObject> objects =
          new java.util.ArrayList<>(lab.state().objects());
      dev.k8snet.core.model.Pod a = NetworkExplainTest.pod("a", "node-1", "10.244.1.2");
      dev.k8snet.core.model.Pod b = NetworkExplainTest.pod("b", "node-2", "10.244.2.2");
      objects.add(a);
      objects.add(b);
      ClusterState s = ClusterState.of(99, objects);
      PathExplanation e =
          NetworkExplain.explain(vxlan(), s, a, b, java.util.Optional.of(KernelView.read(n1.nl)));
      assertTrue(e.ok(), e.render());
      assertTrue(e.render().contains("[kernel: present]"), e.render());
      assertTrue(e.render().contains("192.168.50.0/24 dev eth0"), e.render());

      Neighbour entry = fdb(n1.nl).get(0);
      n1.nl.deleteNeighbour(entry);
      PathExplanation broken =
          NetworkExplain.explain(vxlan(), s, a, b, java.util.Optional.of(KernelView.read(n1.nl)));
      assertFalse(broken.ok());
      assertEquals(
          java.util.Optional.of("missing"),
          broken.steps().stream()
              .filter(x -> x.kind().equals("fdb"))
              .findFirst()
              .orElseThrow()
              .kernel());
    }
  }

  @Test
  void badNodesAreReportedWhileTheRestKeepsWorking(NetworkNamespace ul, Netlink ulNl) {
    try (Lab lab = new Lab(ul, ulNl, tmp, vxlan())) {
      LabNode n1 = lab.addNode(1);
      LabNode n2 = lab.addNode(2);
      lab.putNode(
          "node-8", Cidr.parse("10.244.2.128/25"), IpAddress.parse("192.168.50.18"), Map.of());
      lab.putNode("node-9", null, IpAddress.parse("192.168.50.19"), Map.of());
      lab.putNode(
          "node-7",
          Cidr.parse("10.244.7.0/24"),
          IpAddress.parse("192.168.50.17"),
          Map.of(
              "flannel.alpha.coreos.com/backend-data",
              "{\"VNI\":7,\"VtepMAC\":\"0e:00:00:00:00:07\"}"));
      lab.putNode("node-6", Cidr.parse("10.99.0.0/24"), IpAddress.parse("192.168.50.16"), Map.of());
      lab.syncAll();
      NetworkStatus s = n1.manager.status();
      assertTrue(s.peer("node-2").orElseThrow().programmed());
      assertError(s, "node-8", "overlaps 10.244.2.0/24 of node node-2");
      assertError(s, "node-9", "spec.podCIDR: not assigned yet");
      assertError(s, "node-7", "VNI 7");
      assertError(s, "node-6", "expected: inside the cluster network 10.244.0.0/16");
      assertEquals(1, routesOf(n1.nl), "only node-2 is programmed");
      LabPod a = n1.addPod();
      LabPod b = n2.addPod();
      lab.tcpEcho(b.ns(), b.ip(), 7001);
      assertTrue(lab.tcpConnects(a.ns(), b.ip(), 7001));
    }
  }

  private static void assertError(NetworkStatus s, String node, String text) {
    PeerStatus p = s.peer(node).orElseThrow();
    assertFalse(p.programmed(), node);
    assertEquals(PathMode.NONE, p.mode(), node);
    assertTrue(p.lastError().orElseThrow().contains(text), p.lastError().orElseThrow());
  }

  @Test
  void theRunningManagerRepairsALinkFlapADeletedDeviceAndFollowsTheSource(
      NetworkNamespace ul, Netlink ulNl) throws Exception {
    try (Lab lab = new Lab(ul, ulNl, tmp, vxlan())) {
      LabNode n1 = lab.addNode(1);
      lab.addNode(2);
      lab.addNode(3);
      lab.syncAll();
      n1.manager.close();
      SettableSource source = new SettableSource();
      source.set(lab.state());
      RouteManager m = n1.newManager();
      m.start(source);
      assertEquals(2, routesOf(n1.nl));

      Link vx = n1.nl.link("k8snet.1").orElseThrow();
      n1.nl.setDown(vx);
      n1.nl.setUp(vx);
      eventually("routes back after a down/up of the tunnel", () -> routesOf(n1.nl) == 2);

      n1.nl.deleteLink(n1.nl.link("k8snet.1").orElseThrow());
      eventually(
          "device recreated with all peers",
          () ->
              n1.nl.link("k8snet.1").isPresent() && routesOf(n1.nl) == 2 && fdb(n1.nl).size() == 2);
      assertEquals(vx.mac(), n1.nl.link("k8snet.1").orElseThrow().mac(), "same MAC");

      Route foreign =
          n1.nl.routes(IpFamily.IPV4).stream()
              .filter(r -> r.destination().equals(Cidr.parse("10.244.2.0/24")))
              .findFirst()
              .orElseThrow();
      n1.nl.deleteRoute(foreign);
      eventually("a deleted route is re-added", () -> routesOf(n1.nl) == 2);

      lab.removeNode("node-3");
      source.set(lab.state());
      eventually("node-3 removed via the source", () -> routesOf(n1.nl) == 1);
      m.close();
    }
  }

  @Test
  void dualStackVxlanHasAnIpv6DeviceAtUnderlayMinus70AndCarriesIpv6(
      NetworkNamespace ul, Netlink ulNl) {
    NetConf conf =
        new NetConf(
            java.util.Optional.of(Lab.NETWORK),
            java.util.Optional.of(Cidr.parse("fd00:10:244::/56")),
            NetConf.Backend.vxlan(1),
            true);
    try (Lab lab = new Lab(ul, ulNl, tmp, conf)) {
      LabNode n1 = lab.addNode(1);
      LabNode n2 = lab.addNode(2);
      for (LabNode n : List.of(n1, n2)) {
        Link eth0 = n.nl.link("eth0").orElseThrow();
        n.nl.addAddress(
            dev.k8snet.core.netlink.Address.of(
                    eth0, dev.k8snet.core.netlink.InterfaceAddress.parse("fd00:50::" + n.n + "/64"))
                .flags(java.util.Set.of(dev.k8snet.core.netlink.AddressFlag.NODAD)));
        n.ns.sysctls().setForwarding(IpFamily.IPV6, true);
        lab.putDualStack(n.name, n.n);
      }
      lab.syncAll();
      NetworkStatus s = n1.manager.status();
      assertEquals(List.of(), s.problems());
      assertTrue(s.peer("node-2").orElseThrow().programmed(), s.toString());
      Link v6 = n1.nl.link("k8snv6.1").orElseThrow();
      assertEquals(1430, v6.mtu(), "VXLAN over IPv6 costs 70 bytes");
      assertEquals(1430, s.podMtu().getAsInt(), "pods get the smaller of both families");
      Route r =
          n1.nl.routes(IpFamily.IPV6).stream()
              .filter(x -> x.destination().equals(Cidr.parse("fd00:10:244:2::/64")))
              .findFirst()
              .orElseThrow();
      assertTrue(r.onlink());
      assertEquals(v6.index(), r.linkIndex().getAsInt());
      IpAddress tunnel2 = IpAddress.parse("fd00:10:244:2::");
      lab.tcpEcho(n2.ns, tunnel2, 7020);
      assertEquals(
          "fd00:10:244:1:0:0:0:0", lab.tcp(n1.ns, tunnel2, 7020, 64 * 1024), "over the v6 tunnel");
    }
  }

  @Test
  void anUnderlayFlapThatDeletesHostGwRoutesIsRepaired(NetworkNamespace ul, Netlink ulNl)
      throws Exception {
    try (Lab lab = new Lab(ul, ulNl, tmp, NetConf.of(Lab.NETWORK, NetConf.Backend.hostGw()))) {
      LabNode n1 = lab.addNode(1);
      lab.addNode(2);
      lab.addNode(3);
      lab.syncAll();
      n1.manager.close();
      SettableSource source = new SettableSource();
      source.set(lab.state());
      RouteManager m = n1.newManager();
      m.start(source);
      assertEquals(2, routesOf(n1.nl));
      Link eth0 = n1.nl.link("eth0").orElseThrow();
      n1.nl.setDown(eth0);
      eventually("the kernel deleted the routes", () -> routesOf(n1.nl) == 0);
      n1.nl.setUp(eth0);
      eventually("routes back after the underlay came up", () -> routesOf(n1.nl) == 2);
      m.close();
    }
  }
}
