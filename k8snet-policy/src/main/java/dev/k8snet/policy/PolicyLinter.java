package dev.k8snet.policy;

import dev.k8snet.core.Protocol;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.AdminNetworkPolicy;
import dev.k8snet.core.model.AdminPeer;
import dev.k8snet.core.model.AdminPolicyRule;
import dev.k8snet.core.model.ClusterNetworkPolicy;
import dev.k8snet.core.model.ContainerPort;
import dev.k8snet.core.model.LabelSelector;
import dev.k8snet.core.model.NetworkPolicy;
import dev.k8snet.core.model.NetworkPolicyPeer;
import dev.k8snet.core.model.NetworkPolicyPort;
import dev.k8snet.core.model.NetworkPolicyRule;
import dev.k8snet.core.model.ObjectRef;
import dev.k8snet.core.model.Pod;
import dev.k8snet.core.model.PolicyType;
import dev.k8snet.core.model.PortRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds the well-known traps in the policies of a snapshot: things the API server accepts that
 * rarely do what their author meant.
 *
 * <ul>
 *   <li>{@code ingress-isolated-by-egress-rules}: egress rules and Ingress in {@code policyTypes}
 *       without ingress rules (what a missing {@code policyTypes} defaults to): all ingress is
 *       denied.
 *   <li>{@code ingress-rules-ignored}, {@code egress-rules-ignored}: rules for a direction that
 *       {@code policyTypes} leaves out.
 *   <li>{@code tcp-only-port}: a port entry without a port whose protocol is TCP ({@code {}}):
 *       every TCP port, but no UDP or SCTP.
 *   <li>{@code dns-blocked}: pods whose egress is isolated and who cannot reach DNS on UDP or TCP
 *       port 53 (checked against the {@code k8s-app=kube-dns} pods when there are any).
 *   <li>{@code pod-selector-only-peer}: a {@code podSelector}-only peer that matches no pod of the
 *       policy's namespace but pods of other namespaces.
 *   <li>{@code unresolvable-named-port}: a named port that no pod it could apply to declares with
 *       that protocol.
 *   <li>{@code equal-priority}: admin-tier policies with the same priority, whose order the API
 *       leaves to the implementation.
 *   <li>{@code domain-names-unsupported}: {@code domainNames} peers, which this evaluator cannot
 *       resolve and treats as matching nothing.
 * </ul>
 *
 * <p>Pure: never performs I/O. Warnings are ordered by policy, then field.
 *
 * @since 0.1
 */
public final class PolicyLinter {
  private static final int MAX_LISTED = 3;

  private PolicyLinter() {}

  /**
   * Lints every policy of a snapshot.
   *
   * @param state the snapshot
   * @return the warnings, ordered by policy and field
   */
  public static List<LintWarning> lint(ClusterState state) {
    Objects.requireNonNull(state, "state");
    List<LintWarning> out = new ArrayList<>();
    PolicyEngine engine = PolicyEngine.compile(state);
    List<Pod> dnsPods =
        state.pods("kube-system", LabelSelector.of(Map.of("k8s-app", "kube-dns"))).stream()
            .filter(p -> !p.hostNetwork())
            .toList();
    for (NetworkPolicy np : state.all(NetworkPolicy.class)) {
      lintNetworkPolicy(state, engine, dnsPods, np, out);
    }
    lintAdmin(state, out);
    out.sort(
        java.util.Comparator.comparing(LintWarning::policy)
            .thenComparing(LintWarning::field)
            .thenComparing(LintWarning::code));
    return List.copyOf(out);
  }

  private static void lintNetworkPolicy(
      ClusterState state,
      PolicyEngine engine,
      List<Pod> dnsPods,
      NetworkPolicy np,
      List<LintWarning> out) {
    ObjectRef ref = np.ref();
    String ns = np.metadata().namespace();
    List<Pod> selected =
        state.pods(ns, np.podSelector()).stream().filter(p -> !p.hostNetwork()).toList();
    if (np.isolates(PolicyType.INGRESS) && np.ingress().isEmpty() && !np.egress().isEmpty()) {
      out.add(
          new LintWarning(
              ref,
              "spec.policyTypes",
              "ingress-isolated-by-egress-rules",
              "this policy has egress rules and Ingress in policyTypes (the default when"
                  + " policyTypes is omitted) but no ingress rules, so it denies all ingress to the"
                  + " pods it selects; if only egress was meant, set policyTypes: [Egress]"));
    }
    if (!np.isolates(PolicyType.INGRESS) && !np.ingress().isEmpty()) {
      out.add(
          new LintWarning(
              ref,
              "spec.ingress",
              "ingress-rules-ignored",
              "ingress rules are ignored because policyTypes does not include Ingress"));
    }
    if (!np.isolates(PolicyType.EGRESS) && !np.egress().isEmpty()) {
      out.add(
          new LintWarning(
              ref,
              "spec.egress",
              "egress-rules-ignored",
              "egress rules are ignored because policyTypes does not include Egress"));
    }
    for (PolicyType d : PolicyType.values()) {
      List<NetworkPolicyRule> rules = d == PolicyType.INGRESS ? np.ingress() : np.egress();
      String dir = d == PolicyType.INGRESS ? "ingress" : "egress";
      for (int i = 0; i < rules.size(); i++) {
        NetworkPolicyRule r = rules.get(i);
        for (int j = 0; j < r.peers().size(); j++) {
          podSelectorOnlyPeer(
              state,
              np,
              r.peers().get(j),
              "spec."
                  + dir
                  + "["
                  + i
                  + "]."
                  + (d == PolicyType.INGRESS ? "from" : "to")
                  + "["
                  + j
                  + "]",
              out);
        }
        for (int j = 0; j < r.ports().size(); j++) {
          NetworkPolicyPort p = r.ports().get(j);
          String field = "spec." + dir + "[" + i + "].ports[" + j + "]";
          if (p.port().isEmpty() && p.protocol() == Protocol.TCP) {
            out.add(
                new LintWarning(
                    ref,
                    field,
                    "tcp-only-port",
                    "a port entry without a port ({} or {protocol: TCP}) matches every TCP port"
                        + " but no UDP or SCTP; omit `ports` to match every port of every"
                        + " protocol"));
          }
          if (p.port().isPresent() && p.port().get() instanceof PortRef.Name name) {
            namedPort(state, np, d, selected, name.name(), p.protocol(), field, out);
          }
        }
      }
    }
    if (np.isolates(PolicyType.EGRESS)) {
      dns(state, engine, dnsPods, np, selected, out);
    }
  }

  private static void podSelectorOnlyPeer(
      ClusterState state,
      NetworkPolicy np,
      NetworkPolicyPeer p,
      String field,
      List<LintWarning> out) {
    if (p.podSelector().isEmpty() || p.namespaceSelector().isPresent()) {
      return;
    }
    LabelSelector sel = p.podSelector().get();
    String ns = np.metadata().namespace();
    if (!state.pods(ns, sel).isEmpty()) {
      return;
    }
    List<String> elsewhere = new ArrayList<>();
    for (Pod pod : state.pods()) {
      if (!pod.metadata().namespace().equals(ns)
          && !pod.hostNetwork()
          && sel.matches(pod.metadata().labels())) {
        elsewhere.add(pod.metadata().namespace() + "/" + pod.metadata().name());
      }
    }
    if (!elsewhere.isEmpty()) {
      out.add(
          new LintWarning(
              np.ref(),
              field,
              "pod-selector-only-peer",
              "podSelector "
                  + (sel.isEmpty() ? "{}" : sel.toString())
                  + " alone selects pods of namespace "
                  + ns
                  + " only, where it matches none; it matches "
                  + list(elsewhere)
                  + " in other namespaces: add a namespaceSelector (in the same peer entry) to"
                  + " select them"));
    }
  }

  private static void namedPort(
      ClusterState state,
      NetworkPolicy np,
      PolicyType d,
      List<Pod> selected,
      String name,
      Protocol protocol,
      String field,
      List<LintWarning> out) {
    // Ingress: resolved on the pods the policy selects; egress: on any destination pod.
    List<Pod> candidates =
        d == PolicyType.INGRESS
            ? selected
            : state.pods().stream().filter(p -> !p.hostNetwork()).toList();
    boolean resolves = false;
    Optional<Protocol> otherProtocol = Optional.empty();
    for (Pod p : candidates) {
      for (ContainerPort cp : p.containerPorts()) {
        if (cp.name().equals(Optional.of(name))) {
          if (cp.protocol() == protocol) {
            resolves = true;
          } else {
            otherProtocol = Optional.of(cp.protocol());
          }
        }
      }
    }
    if (resolves) {
      return;
    }
    String where = d == PolicyType.INGRESS ? "no pod this policy selects" : "no pod";
    out.add(
        new LintWarning(
            np.ref(),
            field,
            "unresolvable-named-port",
            "named port "
                + name
                + "/"
                + protocol
                + " matches nothing: "
                + where
                + " declares a container port with that name and protocol"
                + otherProtocol.map(p -> " (it is declared with protocol " + p + ")").orElse("")));
  }

  private static void dns(
      ClusterState state,
      PolicyEngine engine,
      List<Pod> dnsPods,
      NetworkPolicy np,
      List<Pod> selected,
      List<LintWarning> out) {
    Map<Protocol, List<String>> blocked = new HashMap<>();
    for (Pod pod : selected) {
      Endpoint from = Endpoint.pod(pod.metadata().namespace(), pod.metadata().name());
      for (Protocol proto : List.of(Protocol.UDP, Protocol.TCP)) {
        boolean ok;
        if (dnsPods.isEmpty()) {
          ok = anyEgressRuleAllowsPort(state, pod, proto, 53);
        } else {
          ok = false;
          for (Pod dns : dnsPods) {
            Verdict v =
                engine.check(
                    from,
                    Endpoint.pod(dns.metadata().namespace(), dns.metadata().name()),
                    proto,
                    53);
            ok |= v.egress().allowed();
          }
        }
        if (!ok) {
          blocked
              .computeIfAbsent(proto, k -> new ArrayList<>())
              .add(pod.metadata().namespace() + "/" + pod.metadata().name());
        }
      }
    }
    for (Protocol proto : List.of(Protocol.UDP, Protocol.TCP)) {
      List<String> pods = blocked.get(proto);
      if (pods != null) {
        out.add(
            new LintWarning(
                np.ref(),
                "spec.egress",
                "dns-blocked",
                "egress of "
                    + list(pods)
                    + " is isolated and no rule allows DNS ("
                    + proto
                    + " port 53"
                    + (dnsPods.isEmpty() ? "" : " to the kube-dns pods")
                    + "): name lookups will fail; add an egress rule for port 53 over UDP and"
                    + " TCP"));
      }
    }
  }

  /** Whether some egress rule isolating {@code pod} could allow that port, ignoring peers. */
  private static boolean anyEgressRuleAllowsPort(
      ClusterState state, Pod pod, Protocol protocol, int port) {
    for (NetworkPolicy np : state.all(NetworkPolicy.class)) {
      if (!np.metadata().namespace().equals(pod.metadata().namespace())
          || !np.isolates(PolicyType.EGRESS)
          || !np.podSelector().matches(pod.metadata().labels())) {
        continue;
      }
      for (NetworkPolicyRule r : np.egress()) {
        if (r.ports().isEmpty()) {
          return true;
        }
        for (NetworkPolicyPort p : r.ports()) {
          if (p.protocol() != protocol) {
            continue;
          }
          if (p.port().isEmpty()
              || p.port().get() instanceof PortRef.Name
              || p.range().map(range -> range.contains(port)).orElse(false)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static void lintAdmin(ClusterState state, List<LintWarning> out) {
    Map<Integer, List<ObjectRef>> byPriority = new HashMap<>();
    for (AdminNetworkPolicy a : state.all(AdminNetworkPolicy.class)) {
      byPriority.computeIfAbsent(a.priority(), k -> new ArrayList<>()).add(a.ref());
      domainNames(a.ref(), a.egress(), out);
    }
    for (ClusterNetworkPolicy c : state.all(ClusterNetworkPolicy.class)) {
      if (c.tier() == ClusterNetworkPolicy.Tier.ADMIN) {
        byPriority.computeIfAbsent(c.priority(), k -> new ArrayList<>()).add(c.ref());
      }
      domainNames(c.ref(), c.egress(), out);
    }
    byPriority.forEach(
        (priority, refs) -> {
          if (refs.size() > 1) {
            refs.sort(null);
            for (ObjectRef ref : refs) {
              out.add(
                  new LintWarning(
                      ref,
                      "spec.priority",
                      "equal-priority",
                      "priority "
                          + priority
                          + " is shared by "
                          + list(refs.stream().map(ObjectRef::toString).toList())
                          + "; the API leaves their order to the implementation (k8snet evaluates"
                          + " ClusterNetworkPolicies first, then by name): give each a distinct"
                          + " priority"));
            }
          }
        });
  }

  private static void domainNames(
      ObjectRef ref, List<AdminPolicyRule> egress, List<LintWarning> out) {
    for (int i = 0; i < egress.size(); i++) {
      for (int j = 0; j < egress.get(i).peers().size(); j++) {
        if (egress.get(i).peers().get(j) instanceof AdminPeer.DomainNames) {
          out.add(
              new LintWarning(
                  ref,
                  "spec.egress[" + i + "].to[" + j + "]",
                  "domain-names-unsupported",
                  "domainNames peers need DNS answers to match; the k8snet evaluator treats them as"
                      + " matching nothing (fail closed)"));
        }
      }
    }
  }

  private static String list(List<String> items) {
    if (items.size() <= MAX_LISTED) {
      return String.join(", ", items);
    }
    return String.join(", ", items.subList(0, MAX_LISTED))
        + " and "
        + (items.size() - MAX_LISTED)
        + " more";
  }
}
