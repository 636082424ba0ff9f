package dev.k8snet.policy.internal;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.AdminPeer;
import dev.k8snet.core.model.AdminPolicyAction;
import dev.k8snet.core.model.AdminPolicyRule;
import dev.k8snet.core.model.AdminPort;
import dev.k8snet.core.model.LabelSelector;
import dev.k8snet.core.model.NetworkPolicy;
import dev.k8snet.core.model.NetworkPolicyPeer;
import dev.k8snet.core.model.NetworkPolicyPort;
import dev.k8snet.core.model.NetworkPolicyRule;
import dev.k8snet.core.model.Node;
import dev.k8snet.core.model.ObjectRef;
import dev.k8snet.core.model.Pod;
import dev.k8snet.core.model.PolicyType;
import dev.k8snet.core.model.PortRef;
import dev.k8snet.policy.Connection;
import dev.k8snet.policy.Decision;
import dev.k8snet.policy.PolicyEngine;
import dev.k8snet.policy.Tier;
import dev.k8snet.policy.Verdict;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The direct evaluator: for every connection it walks every policy of the snapshot, reading the
 * model as the API documents it. The oracle of the compiled engine.
 */
public final class ReferenceEngine implements PolicyEngine {
  private final ClusterState state;
  private final Resolver resolver;

  /**
   * Creates the evaluator.
   *
   * @param state the snapshot
   */
  public ReferenceEngine(ClusterState state) {
    this.state = state;
    this.resolver = new Resolver(state);
  }

  @Override
  public PolicyEngine update(ClusterState next) {
    return new ReferenceEngine(next);
  }

  @Override
  public Verdict check(Connection c) {
    Side[] sides = resolver.resolve(c);
    Side from = sides[0];
    Side to = sides[1];
    if (from.pod() != null && from.pod().equals(to.pod())) {
      return new Verdict(
          c,
          Texts.none(PolicyType.EGRESS, Texts.LOOPBACK),
          Texts.none(PolicyType.INGRESS, Texts.LOOPBACK));
    }
    Decision egress =
        from.pod() == null
            ? Texts.none(PolicyType.EGRESS, Texts.notAPod(c.from().toString(), PolicyType.EGRESS))
            : direction(PolicyType.EGRESS, from.pod(), to, to.pod(), c.protocol(), c.port());
    Decision ingress;
    if (to.pod() == null) {
      ingress =
          Texts.none(PolicyType.INGRESS, Texts.notAPod(c.to().toString(), PolicyType.INGRESS));
    } else if (resolver.isOwnNode(to.pod(), from.ip())) {
      ingress = Texts.none(PolicyType.INGRESS, Texts.ownNode(from.ip().toString()));
    } else {
      ingress = direction(PolicyType.INGRESS, to.pod(), from, to.pod(), c.protocol(), c.port());
    }
    return new Verdict(c, egress, ingress);
  }

  private Decision direction(
      PolicyType d, Pod subject, Side other, Pod destination, Protocol protocol, int port) {
    String passNote = "";
    admin:
    for (Texts.AdminEntry e : Texts.adminTier(state)) {
      if (!selects(e.subject(), subject)) {
        continue;
      }
      List<AdminPolicyRule> rules = e.rules(d);
      for (int i = 0; i < rules.size(); i++) {
        AdminPolicyRule r = rules.get(i);
        Decision m = adminMatch(d, Tier.ADMIN, e.ref(), i, r, other, destination, protocol, port);
        if (m == null) {
          continue;
        }
        if (r.action() == AdminPolicyAction.PASS) {
          passNote = Texts.passNote(e.ref(), i);
          break admin;
        }
        return m;
      }
    }

    List<NetworkPolicy> isolating = new ArrayList<>();
    for (NetworkPolicy np : state.all(NetworkPolicy.class)) {
      if (np.metadata().namespace().equals(subject.metadata().namespace())
          && np.podSelector().matches(subject.metadata().labels())
          && np.isolates(d)) {
        isolating.add(np);
      }
    }
    isolating.sort(Comparator.comparing(NetworkPolicy::ref));
    if (!isolating.isEmpty()) {
      for (NetworkPolicy np : isolating) {
        List<NetworkPolicyRule> rules = d == PolicyType.INGRESS ? np.ingress() : np.egress();
        for (int i = 0; i < rules.size(); i++) {
          NetworkPolicyRule r = rules.get(i);
          Optional<String> peer = Optional.empty();
          boolean peerOk = r.peers().isEmpty();
          for (NetworkPolicyPeer p : r.peers()) {
            if (npPeerMatches(np, p, other)) {
              peerOk = true;
              peer = Optional.of(Texts.peer(p));
              break;
            }
          }
          if (!peerOk) {
            continue;
          }
          Optional<String> portText = Optional.empty();
          boolean portOk = r.ports().isEmpty();
          for (NetworkPolicyPort p : r.ports()) {
            if (npPortMatches(p, destination, protocol, port)) {
              portOk = true;
              portText = Optional.of(Texts.port(p));
              break;
            }
          }
          if (portOk) {
            return new Decision(
                d,
                true,
                Tier.NETWORK_POLICY,
                Optional.of(np.ref()),
                OptionalInt.of(i),
                "",
                peer,
                portText,
                List.of(),
                passNote);
          }
        }
      }
      return new Decision(
          d,
          false,
          Tier.NETWORK_POLICY,
          Optional.empty(),
          OptionalInt.empty(),
          "",
          Optional.empty(),
          Optional.empty(),
          isolating.stream().map(NetworkPolicy::ref).toList(),
          passNote);
    }

    for (Texts.AdminEntry e : Texts.baselineTier(state)) {
      if (!selects(e.subject(), subject)) {
        continue;
      }
      List<AdminPolicyRule> rules = e.rules(d);
      for (int i = 0; i < rules.size(); i++) {
        Decision m =
            adminMatch(
                d, Tier.BASELINE, e.ref(), i, rules.get(i), other, destination, protocol, port);
        if (m != null) {
          return m;
        }
      }
    }
    String note = Texts.defaultNote(Texts.podName(subject), d);
    return Texts.defaultAllow(d, passNote.isEmpty() ? note : passNote + "; " + note);
  }

  private Decision adminMatch(
      PolicyType d,
      Tier tier,
      ObjectRef ref,
      int index,
      AdminPolicyRule r,
      Side other,
      Pod destination,
      Protocol protocol,
      int port) {
    Optional<String> peer = Optional.empty();
    for (AdminPeer p : r.peers()) {
      if (adminPeerMatches(p, other)) {
        peer = Optional.of(Texts.peer(p));
        break;
      }
    }
    if (peer.isEmpty()) {
      return null;
    }
    Optional<String> portText = Optional.empty();
    boolean portOk = r.ports().isEmpty();
    for (AdminPort p : r.ports()) {
      if (adminPortMatches(p, destination, protocol, port)) {
        portOk = true;
        portText = Optional.of(Texts.port(p));
        break;
      }
    }
    if (!portOk) {
      return null;
    }
    boolean allowed = r.action() != AdminPolicyAction.DENY;
    String note =
        r.action() == AdminPolicyAction.PASS && tier == Tier.BASELINE ? Texts.BASELINE_PASS : "";
    return new Decision(
        d,
        allowed,
        tier,
        Optional.of(ref),
        OptionalInt.of(index),
        r.name(),
        peer,
        portText,
        List.of(),
        note);
  }

  private boolean selects(AdminPeer subject, Pod pod) {
    return podPeerMatches(subject, pod);
  }

  private boolean podPeerMatches(AdminPeer p, Pod pod) {
    if (pod == null || pod.hostNetwork()) {
      return false;
    }
    String ns = pod.metadata().namespace();
    if (p instanceof AdminPeer.Namespaces n) {
      return n.selector().matches(Texts.namespaceLabels(state, ns));
    }
    if (p instanceof AdminPeer.Pods pods) {
      return pods.namespaceSelector().matches(Texts.namespaceLabels(state, ns))
          && pods.podSelector().matches(pod.metadata().labels());
    }
    return false;
  }

  private boolean adminPeerMatches(AdminPeer p, Side other) {
    if (p instanceof AdminPeer.Namespaces || p instanceof AdminPeer.Pods) {
      return podPeerMatches(p, other.pod());
    }
    IpAddress ip = other.ip();
    if (ip == null) {
      return false;
    }
    if (p instanceof AdminPeer.Networks n) {
      for (Cidr c : n.cidrs()) {
        if (c.contains(ip)) {
          return true;
        }
      }
      return false;
    }
    if (p instanceof AdminPeer.Nodes n) {
      for (Node node : state.nodes()) {
        if (n.selector().matches(node.metadata().labels())
            && resolver.nodeIps(node.metadata().name()).contains(ip)) {
          return true;
        }
      }
      return false;
    }
    return false; // domainNames: fail closed
  }

  private static boolean adminPortMatches(
      AdminPort p, Pod destination, Protocol protocol, int port) {
    if (p instanceof AdminPort.Number n) {
      return n.protocol() == protocol && n.port() == port;
    }
    if (p instanceof AdminPort.Range r) {
      return r.protocol() == protocol && r.start() <= port && port <= r.end();
    }
    AdminPort.Named named = (AdminPort.Named) p;
    // The container port of that name decides the protocol: resolve it with the connection's.
    return destination != null
        && destination.namedPort(named.name(), protocol).equals(OptionalInt.of(port));
  }

  private boolean npPeerMatches(NetworkPolicy np, NetworkPolicyPeer p, Side other) {
    if (p.ipBlock().isPresent()) {
      return other.ip() != null && p.ipBlock().get().contains(other.ip());
    }
    Pod pod = other.pod();
    if (pod == null) {
      return false;
    }
    String ns = pod.metadata().namespace();
    boolean nsOk =
        p.namespaceSelector().isPresent()
            ? p.namespaceSelector().get().matches(Texts.namespaceLabels(state, ns))
            : ns.equals(np.metadata().namespace());
    LabelSelector podSelector = p.podSelector().orElse(LabelSelector.EVERYTHING);
    return nsOk && podSelector.matches(pod.metadata().labels());
  }

  private static boolean npPortMatches(
      NetworkPolicyPort p, Pod destination, Protocol protocol, int port) {
    if (p.protocol() != protocol) {
      return false;
    }
    if (p.port().isEmpty()) {
      return true;
    }
    if (p.port().get() instanceof PortRef.Number n) {
      return n.port() <= port && port <= p.endPort().orElse(n.port());
    }
    String name = ((PortRef.Name) p.port().get()).name();
    return destination != null
        && destination.namedPort(name, protocol).equals(OptionalInt.of(port));
  }
}
