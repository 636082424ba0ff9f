package dev.k8snet.policy.internal;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.AdminNetworkPolicy;
import dev.k8snet.core.model.AdminPeer;
import dev.k8snet.core.model.AdminPort;
import dev.k8snet.core.model.BaselineAdminNetworkPolicy;
import dev.k8snet.core.model.ClusterNetworkPolicy;
import dev.k8snet.core.model.LabelSelector;
import dev.k8snet.core.model.Namespace;
import dev.k8snet.core.model.NetworkPolicyPeer;
import dev.k8snet.core.model.NetworkPolicyPort;
import dev.k8snet.core.model.ObjectRef;
import dev.k8snet.core.model.PolicyType;
import dev.k8snet.core.model.PortRef;
import dev.k8snet.policy.Decision;
import dev.k8snet.policy.Tier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/** Texts of explanations, and the facts both engines share. */
final class Texts {
  private Texts() {}

  static String selector(LabelSelector s) {
    return s.isEmpty() ? "{}" : s.toString();
  }

  static String peer(NetworkPolicyPeer p) {
    if (p.ipBlock().isPresent()) {
      StringBuilder b = new StringBuilder("ipBlock ").append(p.ipBlock().get().cidr());
      if (!p.ipBlock().get().except().isEmpty()) {
        b.append(" except ")
            .append(
                p.ipBlock().get().except().stream()
                    .map(Cidr::toString)
                    .collect(Collectors.joining(", ")));
      }
      return b.toString();
    }
    List<String> parts = new ArrayList<>();
    p.namespaceSelector().ifPresent(s -> parts.add("namespaceSelector " + selector(s)));
    p.podSelector().ifPresent(s -> parts.add("podSelector " + selector(s)));
    return String.join(" and ", parts);
  }

  static String port(NetworkPolicyPort p) {
    String number;
    if (p.port().isEmpty()) {
      number = "all ports";
    } else if (p.port().get() instanceof PortRef.Number n) {
      number =
          p.endPort().isPresent()
              ? n.port() + "-" + p.endPort().getAsInt()
              : Integer.toString(n.port());
    } else {
      number = p.port().get() + " (named)";
    }
    return number + "/" + p.protocol();
  }

  static String peer(AdminPeer p) {
    if (p instanceof AdminPeer.Namespaces n) {
      return "namespaces " + selector(n.selector());
    }
    if (p instanceof AdminPeer.Pods pods) {
      return "pods namespaceSelector "
          + selector(pods.namespaceSelector())
          + " and podSelector "
          + selector(pods.podSelector());
    }
    if (p instanceof AdminPeer.Nodes n) {
      return "nodes " + selector(n.selector());
    }
    if (p instanceof AdminPeer.Networks n) {
      return "networks " + n.cidrs().stream().map(Cidr::toString).collect(Collectors.joining(", "));
    }
    return "domainNames "
        + String.join(", ", ((AdminPeer.DomainNames) p).names())
        + " (matches nothing: domain names need DNS)";
  }

  static String port(AdminPort p) {
    if (p instanceof AdminPort.Number n) {
      return n.port() + "/" + n.protocol();
    }
    if (p instanceof AdminPort.Range r) {
      return r.start() + "-" + r.end() + "/" + r.protocol();
    }
    return ((AdminPort.Named) p).name() + " (named)";
  }

  static String passNote(ObjectRef policy, int rule) {
    return "Admin tier passed by rule " + rule + " of " + policy;
  }

  static final String BASELINE_PASS = "Pass in the Baseline tier: allowed by default";

  static String defaultNote(String pod, PolicyType direction) {
    return "no rule decided and no NetworkPolicy isolates "
        + pod
        + " for "
        + direction.kubernetesName().toLowerCase(java.util.Locale.ROOT)
        + ": allowed by default";
  }

  static String notAPod(String endpoint, PolicyType direction) {
    return (direction == PolicyType.EGRESS ? "source " : "destination ")
        + endpoint
        + " is not a pod subject to policy (external IP, node or host-network pod)";
  }

  static String ownNode(String ip) {
    return "from " + ip + ", the pod's own node: always allowed";
  }

  static final String LOOPBACK = "a pod's traffic to itself is not subject to policy";

  static Decision none(PolicyType d, String note) {
    return new Decision(
        d,
        true,
        Tier.NONE,
        Optional.empty(),
        OptionalInt.empty(),
        "",
        Optional.empty(),
        Optional.empty(),
        List.of(),
        note);
  }

  static Decision defaultAllow(PolicyType d, String note) {
    return new Decision(
        d,
        true,
        Tier.DEFAULT,
        Optional.empty(),
        OptionalInt.empty(),
        "",
        Optional.empty(),
        Optional.empty(),
        List.of(),
        note);
  }

  static String podName(dev.k8snet.core.model.Pod p) {
    return p.metadata().namespace() + "/" + p.metadata().name();
  }

  /** Labels of a namespace; one without an object has only its name label. */
  static Map<String, String> namespaceLabels(ClusterState state, String name) {
    return state.namespace(name).map(Namespace::labels).orElse(Map.of(Namespace.NAME_LABEL, name));
  }

  /** One admin-tier policy of either API, in a uniform shape. */
  record AdminEntry(
      ObjectRef ref,
      int priority,
      int kindOrder,
      dev.k8snet.core.model.AdminPeer subject,
      List<dev.k8snet.core.model.AdminPolicyRule> ingress,
      List<dev.k8snet.core.model.AdminPolicyRule> egress) {
    List<dev.k8snet.core.model.AdminPolicyRule> rules(PolicyType d) {
      return d == PolicyType.INGRESS ? ingress : egress;
    }
  }

  static final Comparator<AdminEntry> ORDER =
      Comparator.comparingInt(AdminEntry::priority)
          .thenComparingInt(AdminEntry::kindOrder)
          .thenComparing(e -> e.ref().name());

  /** The Admin tier, in evaluation order. */
  static List<AdminEntry> adminTier(ClusterState state) {
    List<AdminEntry> list = new ArrayList<>();
    for (ClusterNetworkPolicy c : state.all(ClusterNetworkPolicy.class)) {
      if (c.tier() == ClusterNetworkPolicy.Tier.ADMIN) {
        list.add(new AdminEntry(c.ref(), c.priority(), 0, c.subject(), c.ingress(), c.egress()));
      }
    }
    for (AdminNetworkPolicy a : state.all(AdminNetworkPolicy.class)) {
      list.add(new AdminEntry(a.ref(), a.priority(), 1, a.subject(), a.ingress(), a.egress()));
    }
    list.sort(ORDER);
    return list;
  }

  /** The Baseline tier, in evaluation order: ClusterNetworkPolicies, then the BANP. */
  static List<AdminEntry> baselineTier(ClusterState state) {
    List<AdminEntry> list = new ArrayList<>();
    for (ClusterNetworkPolicy c : state.all(ClusterNetworkPolicy.class)) {
      if (c.tier() == ClusterNetworkPolicy.Tier.BASELINE) {
        list.add(new AdminEntry(c.ref(), c.priority(), 0, c.subject(), c.ingress(), c.egress()));
      }
    }
    for (BaselineAdminNetworkPolicy b : state.all(BaselineAdminNetworkPolicy.class)) {
      list.add(new AdminEntry(b.ref(), 1001, 1, b.subject(), b.ingress(), b.egress()));
    }
    list.sort(ORDER);
    return list;
  }
}
