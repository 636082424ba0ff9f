package dev.k8snet.cni.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.cni.network.internal.DesiredState;
import dev.k8snet.cni.network.internal.DesiredState.Topology;
import dev.k8snet.cni.network.internal.KernelDiff;
import dev.k8snet.cni.network.internal.KernelOp;
import dev.k8snet.cni.network.internal.KernelState.RouteEntry;
import dev.k8snet.cni.network.internal.NetworkPlan;
import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.MacAddress;
import dev.k8snet.core.model.Node;
import dev.k8snet.core.model.NodeAddress;
import dev.k8snet.core.model.ObjectMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** What the kernel should hold, as a pure function of the Node objects and this node's devices. */
class DesiredStateTest {
  private static final Map<IpFamily, Topology> TOPO =
      Map.of(
          IpFamily.IPV4,
          new Topology(2, 1500, List.of(Cidr.parse("192.168.50.0/24")), OptionalInt.of(9), 1450));

  static Node node(String name, String cidr, String ip, Map<String, String> annotations) {
    return new Node(
        new ObjectMeta("", name, Map.of(), annotations, "", "", Optional.empty()),
        List.of(new NodeAddress(NodeAddress.Type.INTERNAL_IP, ip)),
        cidr == null ? List.of() : List.of(Cidr.parse(cidr)),
        false);
  }

  private static List<Node> cluster(int n) {
    List<Node> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      out.add(node("node-" + i, "10.244." + i + ".0/24", "192.168.50." + (10 + i), Map.of()));
    }
    return out;
  }

  private static DesiredState desired(NetConf conf, List<Node> nodes) {
    return DesiredState.compute(conf, NetworkPlan.compute(conf, nodes, "node-1"), TOPO);
  }

  private static NetConf vxlan() {
    return NetConf.of(Cidr.parse("10.244.0.0/16"), NetConf.Backend.vxlan(1));
  }

  @Test
  void vxlanPeerNeedsNeighbourFdbEntryAndOnlinkRouteViaItsSubnetAddress() {
    DesiredState d = desired(vxlan(), cluster(2));
    MacAddress mac = NetworkPlan.derivedVtepMac(Cidr.parse("10.244.2.0/24"));
    assertEquals(MacAddress.parse("0e:6b:0a:f4:02:00"), mac);
    RouteEntry r = d.state().routes().get(Cidr.parse("10.244.2.0/24"));
    assertEquals(
        new RouteEntry(Cidr.parse("10.244.2.0/24"), IpAddress.parse("10.244.2.0"), 9, true), r);
    assertEquals(mac, d.state().neighbours().values().iterator().next().mac());
    assertEquals(
        IpAddress.parse("192.168.50.12"), d.state().fdb().values().iterator().next().remote());
    assertEquals(PathMode.VXLAN, d.paths().get("node-2").mode());
    assertEquals(1450, d.paths().get("node-2").mtu().getAsInt());
  }

  @Test
  void oneNewNodeChangesExactlyItsThreeEntries() {
    DesiredState before = desired(vxlan(), cluster(50));
    DesiredState after = desired(vxlan(), cluster(51));
    List<KernelOp> ops = KernelDiff.diff(after.state(), before.state());
    assertEquals(3, ops.size(), ops.toString());
    assertTrue(ops.get(2) instanceof KernelOp.ReplaceRoute, "route last");
  }

  @Test
  void aPeerIpChangeReplacesOnlyItsFdbEntry() {
    List<Node> nodes = cluster(3);
    DesiredState before = desired(vxlan(), nodes);
    nodes.set(2, node("node-3", "10.244.3.0/24", "192.168.50.33", Map.of()));
    List<KernelOp> ops = KernelDiff.diff(desired(vxlan(), nodes).state(), before.state());
    assertEquals(1, ops.size());
    assertEquals(
        IpAddress.parse("192.168.50.33"), ((KernelOp.ReplaceFdb) ops.get(0)).fdb().remote());
  }

  @Test
  void hostGwRoutesViaTheUnderlayAndRefusesANonAdjacentPeer() {
    NetConf conf = NetConf.of(Cidr.parse("10.244.0.0/16"), NetConf.Backend.hostGw());
    List<Node> nodes = cluster(2);
    nodes.add(node("far", "10.244.9.0/24", "10.1.0.9", Map.of()));
    DesiredState d = desired(conf, nodes);
    assertEquals(
        new RouteEntry(Cidr.parse("10.244.2.0/24"), IpAddress.parse("192.168.50.12"), 2, false),
        d.state().routes().get(Cidr.parse("10.244.2.0/24")));
    assertEquals(1, d.state().routes().size());
    assertTrue(d.state().neighbours().isEmpty() && d.state().fdb().isEmpty());
    assertEquals(PathMode.NONE, d.paths().get("far").mode());
    assertTrue(d.paths().get("far").problems().get(0).contains("one L2 segment"));
  }

  @Test
  void directRoutingUsesHostGwForAdjacentPeersAndVxlanForTheRest() {
    NetConf conf =
        NetConf.of(Cidr.parse("10.244.0.0/16"), NetConf.Backend.vxlan(1).withDirectRouting(true));
    List<Node> nodes = cluster(2);
    nodes.add(node("far", "10.244.9.0/24", "10.1.0.9", Map.of()));
    DesiredState d = desired(conf, nodes);
    assertEquals(PathMode.DIRECT, d.paths().get("node-2").mode());
    assertEquals(PathMode.VXLAN, d.paths().get("far").mode());
    assertEquals(1500, d.paths().get("node-2").mtu().getAsInt());
    assertEquals(2, d.state().routes().size());
    assertEquals(1, d.state().fdb().size());
  }

  @Test
  void publicIpAnnotationOverridesTheInternalIp() {
    List<Node> nodes = cluster(1);
    nodes.add(
        node(
            "node-2",
            "10.244.2.0/24",
            "192.168.50.12",
            Map.of("flannel.alpha.coreos.com/public-ip-overwrite", "192.168.50.99")));
    DesiredState d = desired(vxlan(), nodes);
    assertEquals(
        IpAddress.parse("192.168.50.99"), d.state().fdb().values().iterator().next().remote());
  }

  @Test
  void dualStackPeersGetARoutePerFamilyOverTheirOwnDevices() {
    NetConf conf =
        new NetConf(
            Optional.of(Cidr.parse("10.244.0.0/16")),
            Optional.of(Cidr.parse("fd00:10:244::/56")),
            NetConf.Backend.vxlan(1),
            true);
    Map<IpFamily, Topology> topo =
        Map.of(
            IpFamily.IPV4,
            new Topology(2, 1500, List.of(Cidr.parse("192.168.50.0/24")), OptionalInt.of(9), 1450),
            IpFamily.IPV6,
            new Topology(2, 1500, List.of(Cidr.parse("fd00:50::/64")), OptionalInt.of(10), 1430));
    List<Node> nodes = new ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      nodes.add(
          new Node(
              new ObjectMeta("", "node-" + i, Map.of(), Map.of(), "", "", Optional.empty()),
              List.of(
                  new NodeAddress(NodeAddress.Type.INTERNAL_IP, "192.168.50.1" + i),
                  new NodeAddress(NodeAddress.Type.INTERNAL_IP, "fd00:50::" + i)),
              List.of(
                  Cidr.parse("fd00:10:244:" + i + "::/64"), Cidr.parse("10.244." + i + ".0/24")),
              false));
    }
    DesiredState d = DesiredState.compute(conf, NetworkPlan.compute(conf, nodes, "node-1"), topo);
    assertEquals(2, d.state().routes().size());
    RouteEntry v6 = d.state().routes().get(Cidr.parse("fd00:10:244:2::/64"));
    assertEquals(10, v6.linkIndex());
    assertEquals(IpAddress.parse("fd00:10:244:2::"), v6.gateway());
    assertEquals(
        IpAddress.parse("fd00:50::2"),
        d.state().fdb().values().stream()
            .filter(f -> f.linkIndex() == 10)
            .findFirst()
            .orElseThrow()
            .remote());
    assertEquals(1430, d.paths().get("node-2").mtu().getAsInt(), "the smaller, IPv6's −70");
  }
}
