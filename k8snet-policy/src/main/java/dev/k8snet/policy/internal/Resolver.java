package dev.k8snet.policy.internal;

import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.Node;
import dev.k8snet.core.model.NodeAddress;
import dev.k8snet.core.model.Pod;
import dev.k8snet.policy.Connection;
import dev.k8snet.policy.Endpoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Resolves connection endpoints to pods and addresses; shared by both engines. */
final class Resolver {
  private final ClusterState state;
  private final Map<Endpoint.PodRef, Pod> podsByName = new HashMap<>();
  private final Map<String, Set<IpAddress>> nodeIps = new HashMap<>();
  private final Map<String, List<IpAddress>> nodeInternalIps = new HashMap<>();

  Resolver(ClusterState state) {
    this.state = state;
    for (Pod p : state.pods()) {
      podsByName.put(new Endpoint.PodRef(p.metadata().namespace(), p.metadata().name()), p);
    }
    for (Node n : state.nodes()) {
      Set<IpAddress> ips = new HashSet<>();
      for (NodeAddress a : n.addresses()) {
        a.ip().ifPresent(ips::add);
      }
      nodeIps.put(n.metadata().name(), ips);
      nodeInternalIps.put(n.metadata().name(), n.internalIps());
    }
  }

  /** The IPs in {@code status.addresses} of a node; empty for an unknown node. */
  Set<IpAddress> nodeIps(String node) {
    return nodeIps.getOrDefault(node, Set.of());
  }

  /** Whether {@code ip} is an address of the node {@code pod} runs on. */
  boolean isOwnNode(Pod pod, IpAddress ip) {
    return ip != null && pod.nodeName().isPresent() && nodeIps(pod.nodeName().get()).contains(ip);
  }

  Pod pod(Endpoint.PodRef ref, String what) {
    Pod p = podsByName.get(ref);
    if (p == null) {
      throw new IllegalArgumentException(
          what + ": " + ref + " (expected: a pod of the cluster, as namespace/name, or an IP)");
    }
    return p;
  }

  /** Resolves both ends: [from, to]. */
  Side[] resolve(Connection c) {
    Pod fromPod = c.from() instanceof Endpoint.PodRef r ? pod(r, "from") : null;
    Pod toPod = c.to() instanceof Endpoint.PodRef r ? pod(r, "to") : null;
    IpFamily family = null;
    if (c.from() instanceof Endpoint.Address a) {
      family = a.ip().family();
    } else if (c.to() instanceof Endpoint.Address a) {
      family = a.ip().family();
    } else {
      List<IpAddress> fromIps = addresses(fromPod);
      List<IpAddress> toIps = addresses(toPod);
      for (IpAddress t : toIps) {
        for (IpAddress f : fromIps) {
          if (f.family() == t.family()) {
            family = t.family();
            break;
          }
        }
        if (family != null) {
          break;
        }
      }
      if (family == null) {
        family =
            !toIps.isEmpty()
                ? toIps.get(0).family()
                : !fromIps.isEmpty() ? fromIps.get(0).family() : null;
      }
    }
    return new Side[] {side(c.from(), fromPod, family), side(c.to(), toPod, family)};
  }

  private Side side(Endpoint e, Pod named, IpFamily family) {
    if (e instanceof Endpoint.Address a) {
      Optional<Pod> p = state.podByIp(a.ip());
      return new Side(p.orElse(null), a.ip());
    }
    IpAddress ip = null;
    for (IpAddress candidate : addresses(named)) {
      if (candidate.family() == family) {
        ip = candidate;
        break;
      }
    }
    return named.hostNetwork() ? new Side(null, ip) : new Side(named, ip);
  }

  /** A pod's addresses; a host-network pod without pod IPs has its node's internal IPs. */
  private List<IpAddress> addresses(Pod p) {
    if (p.hostNetwork() && p.podIps().isEmpty() && p.nodeName().isPresent()) {
      return nodeInternalIps.getOrDefault(p.nodeName().get(), List.of());
    }
    return p.podIps();
  }

  static List<String> sortedNamespaceNames(ClusterState state) {
    Set<String> names = new HashSet<>();
    state.namespaces().forEach(n -> names.add(n.metadata().name()));
    state.pods().forEach(p -> names.add(p.metadata().namespace()));
    List<String> sorted = new ArrayList<>(names);
    sorted.sort(null);
    return sorted;
  }
}
