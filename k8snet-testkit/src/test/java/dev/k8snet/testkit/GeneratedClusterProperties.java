package dev.k8snet.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.EndpointSlice;
import dev.k8snet.core.model.HttpIngressPath;
import dev.k8snet.core.model.Ingress;
import dev.k8snet.core.model.IngressBackend;
import dev.k8snet.core.model.IngressRule;
import dev.k8snet.core.model.LabelSelector;
import dev.k8snet.core.model.NetworkPolicy;
import dev.k8snet.core.model.Node;
import dev.k8snet.core.model.Pod;
import dev.k8snet.core.model.PortRef;
import dev.k8snet.core.model.Service;
import dev.k8snet.core.model.ServicePort;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The consistency that {@link ClusterArbitraries#clusters(ClusterShape)} promises. */
class GeneratedClusterProperties {
  private static final ClusterShape DENSE =
      ClusterShape.defaults()
          .namespaces(1, 2)
          .nodes(1, 4)
          .podsPerNamespace(0, 12)
          .servicesPerNamespace(0, 6)
          .podCidr(Cidr.parse("10.200.0.0/22"), 27)
          .serviceCidr(Cidr.parse("10.100.0.0/24"));

  @Provide
  Arbitrary<ClusterState> clusters() {
    return net.jqwik.api.Arbitraries.oneOf(
        List.of(ClusterArbitraries.clusters(), ClusterArbitraries.clusters(DENSE)));
  }

  private static Cidr podCidr(ClusterState cluster) {
    return cluster.nodes().get(0).podCidrs().get(0).address().isIpv4()
            && Cidr.parse("10.200.0.0/22").contains(cluster.nodes().get(0).podCidrs().get(0))
        ? Cidr.parse("10.200.0.0/22")
        : Cidr.parse("10.244.0.0/16");
  }

  @Property(tries = 80)
  void nodeBlocksAreDisjointAndInsideThePodCidr(@ForAll("clusters") ClusterState cluster) {
    List<Node> nodes = cluster.nodes();
    Cidr podCidr = podCidr(cluster);
    for (Node a : nodes) {
      assertFalse(a.podCidrs().isEmpty());
      assertFalse(a.internalIps().isEmpty());
      assertTrue(podCidr.contains(a.podCidrs().get(0)), a::toString);
      for (Node b : nodes) {
        if (!a.equals(b)) {
          for (Cidr x : a.podCidrs()) {
            for (Cidr y : b.podCidrs()) {
              assertFalse(x.overlaps(y), () -> x + " overlaps " + y);
            }
          }
        }
      }
    }
  }

  @Property(tries = 80)
  void podIpsAreUniqueAndInsideTheirNodesBlock(@ForAll("clusters") ClusterState cluster) {
    Set<IpAddress> seen = new HashSet<>();
    for (Pod pod : cluster.pods()) {
      assertTrue(cluster.namespace(pod.metadata().namespace()).isPresent());
      if (pod.nodeName().isEmpty()) {
        assertTrue(pod.podIps().isEmpty(), pod::toString);
        continue;
      }
      Node node = cluster.node(pod.nodeName().get()).orElseThrow();
      if (pod.hostNetwork()) {
        assertEquals(node.internalIps(), pod.podIps());
        continue;
      }
      boolean finished = pod.phase() == Pod.Phase.SUCCEEDED || pod.phase() == Pod.Phase.FAILED;
      for (IpAddress ip : pod.podIps()) {
        assertTrue(finished || seen.add(ip), () -> "duplicate pod IP " + ip);
        assertTrue(
            node.podCidrs().stream().anyMatch(c -> c.contains(ip)),
            () -> ip + " outside " + node.podCidrs());
      }
    }
  }

  @Property(tries = 80)
  void clusterIpsAndNodePortsAreUnique(@ForAll("clusters") ClusterState cluster) {
    Cidr serviceCidr =
        podCidr(cluster).equals(Cidr.parse("10.200.0.0/22"))
            ? Cidr.parse("10.100.0.0/24")
            : Cidr.parse("10.96.0.0/16");
    Set<IpAddress> ips = new HashSet<>();
    Set<String> nodePorts = new HashSet<>();
    for (Service s : cluster.services()) {
      for (IpAddress ip : s.clusterIps()) {
        assertTrue(ips.add(ip), () -> "duplicate ClusterIP " + ip);
        assertTrue(
            ip.isIpv4() ? serviceCidr.contains(ip) : ClusterGenerator.SERVICE_V6.contains(ip),
            ip::toString);
      }
      for (ServicePort p : s.ports()) {
        p.nodePort()
            .ifPresent(
                n -> assertTrue(nodePorts.add(n + "/" + p.protocol()), () -> "node port " + n));
      }
    }
  }

  @Property(tries = 80)
  void everyEndpointIsASelectedPodsIp(@ForAll("clusters") ClusterState cluster) {
    for (EndpointSlice slice : cluster.all(EndpointSlice.class)) {
      String ns = slice.metadata().namespace();
      Service service = cluster.service(ns, slice.serviceName().orElseThrow()).orElseThrow();
      LabelSelector selector = LabelSelector.of(service.selector());
      assertFalse(service.selector().isEmpty());
      for (EndpointSlice.Endpoint e : slice.endpoints()) {
        Pod pod = cluster.get(Pod.class, ns, e.targetRef().orElseThrow().name()).orElseThrow();
        assertTrue(selector.matches(pod.metadata().labels()));
        assertTrue(pod.podIps().containsAll(e.addresses()));
        assertEquals(pod.terminating(), e.conditions().terminating());
        assertEquals(pod.ready(), e.conditions().serving());
      }
    }
  }

  @Property(tries = 80)
  void everySelectedPodWithAnIpIsAnEndpoint(@ForAll("clusters") ClusterState cluster) {
    for (Service s : cluster.services()) {
      if (s.selector().isEmpty()) {
        continue;
      }
      String ns = s.metadata().namespace();
      Set<IpAddress> endpoints = new HashSet<>();
      for (EndpointSlice slice : cluster.endpointSlices(ns, s.metadata().name())) {
        slice.endpoints().forEach(e -> endpoints.addAll(e.addresses()));
      }
      for (Pod pod : cluster.pods(ns, LabelSelector.of(s.selector()))) {
        if (pod.phase() == Pod.Phase.RUNNING) {
          for (IpAddress ip : pod.podIps()) {
            if (s.ipFamilies().contains(ip.family())) {
              assertTrue(
                  endpoints.contains(ip), () -> pod.ref() + " " + ip + " missing from " + s.ref());
            }
          }
        }
      }
    }
  }

  @Property(tries = 80)
  void ingressBackendsAreExistingServicePorts(@ForAll("clusters") ClusterState cluster) {
    for (Ingress ingress : cluster.all(Ingress.class)) {
      for (IngressRule rule : ingress.rules()) {
        for (HttpIngressPath path : rule.paths()) {
          IngressBackend.ServiceBackend b = (IngressBackend.ServiceBackend) path.backend();
          Service s = cluster.service(ingress.metadata().namespace(), b.name()).orElseThrow();
          assertTrue(
              s.ports().stream()
                  .anyMatch(
                      p ->
                          b.port() instanceof PortRef.Number n
                              ? p.port() == n.port()
                              : p.name().equals(b.port().toString())),
              () -> b + " not a port of " + s.ref());
        }
      }
    }
  }

  @Property(tries = 80)
  void policySelectorsReferToExistingLabels(@ForAll("clusters") ClusterState cluster) {
    for (NetworkPolicy p : cluster.all(NetworkPolicy.class)) {
      List<Pod> pods = cluster.pods(p.metadata().namespace());
      for (Map.Entry<String, String> label : p.podSelector().matchLabels().entrySet()) {
        assertTrue(
            pods.stream()
                .anyMatch(x -> label.getValue().equals(x.metadata().labels().get(label.getKey()))),
            () -> label + " in no pod of " + p.ref());
      }
      Optional<Pod> anySelected =
          pods.stream().filter(x -> p.podSelector().matches(x.metadata().labels())).findAny();
      if (!pods.isEmpty() && p.podSelector().matchExpressions().isEmpty()) {
        assertTrue(anySelected.isPresent(), p::toString);
      }
    }
  }
}
