package dev.k8snet.benchmarks.policy;

import dev.k8snet.core.IpAddress;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.ContainerPort;
import dev.k8snet.core.model.KubernetesObject;
import dev.k8snet.core.model.LabelSelector;
import dev.k8snet.core.model.Namespace;
import dev.k8snet.core.model.NetworkPolicy;
import dev.k8snet.core.model.NetworkPolicyPeer;
import dev.k8snet.core.model.NetworkPolicyPort;
import dev.k8snet.core.model.NetworkPolicyRule;
import dev.k8snet.core.model.ObjectMeta;
import dev.k8snet.core.model.Pod;
import dev.k8snet.core.model.PolicyType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** The clusters of the NetworkPolicy benchmarks. */
final class PolicyClusters {
  private PolicyClusters() {}

  /**
   * Antrea's controller benchmark shape: one namespace, {@code pods} pods and {@code policies}
   * NetworkPolicies, each selecting every pod (ingress from and egress to every pod).
   */
  static ClusterState oneNamespace(int pods, int policies) {
    List<KubernetesObject> objects = new ArrayList<>();
    objects.add(Namespace.of("ns", Map.of()));
    Map<String, String> labels = Map.of("app-1", "scale-1", "app-2", "scale-2");
    for (int i = 0; i < pods; i++) {
      objects.add(
          Pod.builder("ns", "pod-" + i)
              .labels(labels)
              .nodeName("node-" + (i % 100))
              .podIps(IpAddress.ofIpv4(0x0a000000 + i + 1))
              .build());
    }
    for (int i = 0; i < policies; i++) {
      objects.add(
          new NetworkPolicy(
              ObjectMeta.of("ns", "np-" + i, Map.of()),
              LabelSelector.of(Map.of("app-1", "scale-1")),
              EnumSet.of(PolicyType.INGRESS, PolicyType.EGRESS),
              List.of(
                  new NetworkPolicyRule(
                      List.of(NetworkPolicyPeer.pods(LabelSelector.of(Map.of("app-1", "scale-1")))),
                      List.of())),
              List.of(
                  new NetworkPolicyRule(
                      List.of(NetworkPolicyPeer.pods(LabelSelector.of(Map.of("app-2", "scale-2")))),
                      List.of()))));
    }
    return ClusterState.of(1, objects);
  }

  /**
   * A multi-tenant cluster: {@code namespaces} namespaces of {@code pods / namespaces} pods, each
   * labelled with one of 10 apps and 3 tiers, and {@code policies} NetworkPolicies spread over the
   * namespaces: per app, ingress from two other apps of the namespace and from a monitoring
   * namespace on a port, a named port or a range, and for a third of them egress rules.
   */
  static ClusterState tenants(int namespaces, int pods, int policies, long seed) {
    return tenants(namespaces, pods, policies, seed, 50);
  }

  /** {@link #tenants(int, int, int, long)} with the pods spread over {@code nodes} nodes. */
  static ClusterState tenants(int namespaces, int pods, int policies, long seed, int nodes) {
    Random r = new Random(seed);
    List<KubernetesObject> objects = new ArrayList<>();
    int perNs = pods / namespaces;
    for (int n = 0; n < namespaces; n++) {
      String ns = "tenant-" + n;
      objects.add(
          Namespace.of(ns, Map.of("team", "t" + (n % 7), "monitoring", n == 0 ? "yes" : "no")));
      for (int i = 0; i < perNs; i++) {
        objects.add(
            Pod.builder(ns, "pod-" + i)
                .labels(Map.of("app", "app-" + (i % 10), "tier", "tier-" + (i % 3)))
                .nodeName("node-" + (i % nodes))
                .podIps(IpAddress.ofIpv4(0x0a000000 + n * 256 * 4 + i + 1))
                .containerPort(ContainerPort.named("http", 8080, Protocol.TCP))
                .containerPort(ContainerPort.named("metrics", 9090, Protocol.TCP))
                .build());
      }
    }
    for (int i = 0; i < policies; i++) {
      String ns = "tenant-" + (i % namespaces);
      int app = (i / namespaces) % 10;
      List<NetworkPolicyPeer> peers =
          List.of(
              NetworkPolicyPeer.pods(LabelSelector.of(Map.of("app", "app-" + ((app + 1) % 10)))),
              NetworkPolicyPeer.pods(LabelSelector.of(Map.of("app", "app-" + ((app + 2) % 10)))),
              NetworkPolicyPeer.podsInNamespaces(
                  LabelSelector.of(Map.of("tier", "tier-" + r.nextInt(3))),
                  LabelSelector.of(Map.of("monitoring", "yes"))));
      List<NetworkPolicyPort> ports =
          List.of(
              NetworkPolicyPort.of(Protocol.TCP, 80),
              new NetworkPolicyPort(
                  Protocol.TCP,
                  java.util.Optional.of(dev.k8snet.core.model.PortRef.named("http")),
                  java.util.OptionalInt.empty()),
              new NetworkPolicyPort(
                  Protocol.TCP,
                  java.util.Optional.of(dev.k8snet.core.model.PortRef.of(9000)),
                  java.util.OptionalInt.of(9100)));
      boolean egress = i % 3 == 0;
      objects.add(
          new NetworkPolicy(
              ObjectMeta.of(ns, "np-" + i, Map.of()),
              LabelSelector.of(Map.of("app", "app-" + app)),
              egress
                  ? EnumSet.of(PolicyType.INGRESS, PolicyType.EGRESS)
                  : EnumSet.of(PolicyType.INGRESS),
              List.of(new NetworkPolicyRule(peers, ports)),
              egress
                  ? List.of(
                      new NetworkPolicyRule(
                          List.of(
                              NetworkPolicyPeer.namespaces(
                                  LabelSelector.of(Map.of("team", "t" + r.nextInt(7))))),
                          List.of()))
                  : List.of()));
    }
    return ClusterState.of(1, objects);
  }
}
