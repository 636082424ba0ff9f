package dev.k8snet.cni.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.KubernetesObject;
import dev.k8snet.core.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The explain walk from the model alone. */
class NetworkExplainTest {
  static Pod pod(String name, String node, String ip) {
    return Pod.builder("default", name)
        .nodeName(node)
        .podIps(IpAddress.parse(ip))
        .status(Pod.Phase.RUNNING, true)
        .build();
  }

  static ClusterState cluster() {
    List<KubernetesObject> objects = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      objects.add(
          DesiredStateTest.node(
              "node-" + i, "10.244." + i + ".0/24", "192.168.50.1" + i, Map.of()));
    }
    objects.add(pod("a", "node-1", "10.244.1.2"));
    objects.add(pod("b", "node-2", "10.244.2.2"));
    objects.add(pod("c", "node-1", "10.244.1.3"));
    return ClusterState.of(1, objects);
  }

  private static Pod get(ClusterState s, String name) {
    return s.pods("default").stream()
        .filter(p -> p.metadata().name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void vxlanPathWalksRouteNeighbourFdbUnderlayAndMasquerade() {
    NetConf conf = NetConf.of(Cidr.parse("10.244.0.0/16"), NetConf.Backend.vxlan(1));
    ClusterState s = cluster();
    PathExplanation e = NetworkExplain.explain(conf, s, get(s, "a"), get(s, "b"), Optional.empty());
    assertEquals(PathMode.VXLAN, e.mode());
    assertTrue(e.ok());
    assertFalse(e.masquerade());
    List<String> kinds = e.steps().stream().map(PathExplanation.Step::kind).toList();
    assertEquals(List.of("neighbour", "fdb", "underlay", "route", "masquerade", "deliver"), kinds);
    String text = e.render();
    assertTrue(text.contains("10.244.2.0/24 via 10.244.2.0 dev k8snet.1 onlink proto 107"), text);
    assertTrue(text.contains("10.244.2.0 lladdr 0e:6b:0a:f4:02:00 dev k8snet.1 PERMANENT"), text);
    assertTrue(
        text.contains("0e:6b:0a:f4:02:00 dev k8snet.1 dst 192.168.50.12 self permanent"), text);
    assertTrue(text.contains("pod to pod keeps its source"), text);
  }

  @Test
  void hostGwSameNodeAndOutside() {
    NetConf conf = NetConf.of(Cidr.parse("10.244.0.0/16"), NetConf.Backend.hostGw());
    ClusterState s = cluster();
    PathExplanation gw =
        NetworkExplain.explain(conf, s, get(s, "a"), get(s, "b"), Optional.empty());
    assertEquals(PathMode.HOST_GW, gw.mode());
    assertTrue(gw.render().contains("10.244.2.0/24 via 192.168.50.12 dev <underlay link>"));
    PathExplanation same =
        NetworkExplain.explain(conf, s, get(s, "a"), get(s, "c"), Optional.empty());
    assertEquals("deliver", same.steps().get(0).kind());
    assertFalse(same.masquerade());
    PathExplanation out =
        NetworkExplain.explain(conf, s, get(s, "a"), IpAddress.parse("8.8.8.8"), Optional.empty());
    assertTrue(out.masquerade());
    assertTrue(out.destinationNode().isEmpty());
  }
}
