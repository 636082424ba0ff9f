package dev.k8snet.policy.internal;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.PortRange;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.cluster.ClusterChange;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.cluster.ClusterUpdate;
import dev.k8snet.core.model.AdminNetworkPolicy;
import dev.k8snet.core.model.AdminPeer;
import dev.k8snet.core.model.AdminPolicyAction;
import dev.k8snet.core.model.AdminPolicyRule;
import dev.k8snet.core.model.AdminPort;
import dev.k8snet.core.model.BaselineAdminNetworkPolicy;
import dev.k8snet.core.model.ClusterNetworkPolicy;
import dev.k8snet.core.model.ContainerPort;
import dev.k8snet.core.model.IpBlock;
import dev.k8snet.core.model.KubernetesObject;
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
import dev.k8snet.policy.Endpoint;
import dev.k8snet.policy.PolicyEngine;
import dev.k8snet.policy.Tier;
import dev.k8snet.policy.Verdict;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The compiled engine: peer and subject groups are pod bit sets computed once per distinct selector
 * (through the snapshot's label index) and shared by every rule and policy that uses them; pods
 * selected by the same combination of policies share one rule set, in which identical NetworkPolicy
 * rules appear once.
 *
 * <p>{@link #update} derives the engine of a later snapshot from this one, doing work in proportion
 * to what changed: a changed pod is re-matched against each group (its bit flipped in a copy of the
 * group's bit set), a changed namespace re-matches its pods, a changed policy is recompiled alone
 * and only the pods its subject selects get new rule sets. Pod indexes are stable across updates. A
 * changed Node recompiles everything. Compiling a snapshot is updating the empty engine.
 */
public final class CompiledEngine implements PolicyEngine {
  private final ClusterState state;
  private volatile Resolver resolver;
  private final NodeIndex nodes;
  private final PodEntry[] entries; // by pod index; null for free indexes
  private final BitSet freeIndexes;
  private final LayeredMap<Endpoint.PodRef, PodEntry> byName;
  private final LayeredMap<IpAddress, PodEntry> byIp;
  private final BitSet[] groupBits; // by group id
  private final Registry registry;
  private final Map<ObjectRef, Unit> units;
  private final Map<Integer, List<Unit>> unitsBySubject;
  private final Map<SigKey, RuleSet[]> ruleSets;
  private final int[][] signatures; // by pod index

  private CompiledEngine(Builder b) {
    this.state = b.state;
    this.nodes = b.nodes;
    this.entries = b.entries;
    this.freeIndexes = b.free;
    this.byName = b.byName.compact();
    this.byIp = b.byIp.compact();
    this.groupBits = b.groupBits.toArray(new BitSet[0]);
    this.registry = b.registry;
    this.units = b.units;
    this.unitsBySubject = b.unitsBySubject;
    this.ruleSets = b.ruleSets;
    this.signatures = b.signatures;
  }

  /** Node addresses, by node name and for {@code nodes} peers. */
  record NodeIndex(Map<String, Set<IpAddress>> ipsByNode, List<Node> nodes) {
    static NodeIndex of(ClusterState state) {
      Map<String, Set<IpAddress>> ips = new HashMap<>();
      for (Node n : state.nodes()) {
        Set<IpAddress> set = new HashSet<>();
        n.addresses().forEach(a -> a.ip().ifPresent(set::add));
        ips.put(n.metadata().name(), Set.copyOf(set));
      }
      return new NodeIndex(ips, state.nodes());
    }

    Set<IpAddress> of(Pod pod) {
      return pod.nodeName().isPresent()
          ? ipsByNode.getOrDefault(pod.nodeName().get(), Set.of())
          : Set.of();
    }
  }

  /** A pod subject to policy, with its rule sets and what the hot path needs precomputed. */
  static final class PodEntry {
    final Pod pod;
    final int index;
    final RuleSet ingress;
    final RuleSet egress;
    private Decision ingressDefault; // computed on first use; immutable, so racy init is benign
    private Decision egressDefault;
    final IpAddress[] ips;
    final Set<IpAddress> ownNodeIps;
    final String[] portNames;
    final Protocol[] portProtocols;
    final int[] portNumbers;

    PodEntry(Pod pod, int index, Set<IpAddress> ownNodeIps, RuleSet[] sets) {
      this.pod = pod;
      this.index = index;
      this.ingress = sets[0];
      this.egress = sets[1];
      this.ips = pod.podIps().toArray(new IpAddress[0]);
      this.ownNodeIps = ownNodeIps;
      List<ContainerPort> named = new ArrayList<>();
      for (ContainerPort cp : pod.containerPorts()) {
        if (cp.name().isPresent()) {
          named.add(cp);
        }
      }
      this.portNames = new String[named.size()];
      this.portProtocols = new Protocol[named.size()];
      this.portNumbers = new int[named.size()];
      for (int i = 0; i < named.size(); i++) {
        portNames[i] = named.get(i).name().get();
        portProtocols[i] = named.get(i).protocol();
        portNumbers[i] = named.get(i).containerPort();
      }
    }

    /** The first container port with that name and protocol, as {@link Pod#namedPort}; or -1. */
    int namedPort(String name, Protocol protocol) {
      for (int i = 0; i < portNames.length; i++) {
        if (portProtocols[i] == protocol && portNames[i].equals(name)) {
          return portNumbers[i];
        }
      }
      return -1;
    }

    IpAddress ip(IpFamily family) {
      for (IpAddress ip : ips) {
        if (ip.family() == family) {
          return ip;
        }
      }
      return null;
    }

    Decision defaultDecision(PolicyType d) {
      Decision v = d == PolicyType.INGRESS ? ingressDefault : egressDefault;
      if (v == null) {
        v = Texts.defaultAllow(d, Texts.defaultNote(Texts.podName(pod), d));
        if (d == PolicyType.INGRESS) {
          ingressDefault = v;
        } else {
          egressDefault = v;
        }
      }
      return v;
    }
  }

  /** What applies to a pod in one direction, in evaluation order. */
  static final class RuleSet {
    final Rule[] admin;
    final boolean isolated;
    final Rule[] networkPolicy;
    final List<ObjectRef> isolatedBy;
    final Rule[] baseline;
    final Decision deny;

    RuleSet(
        PolicyType direction,
        Rule[] admin,
        boolean isolated,
        Rule[] networkPolicy,
        List<ObjectRef> isolatedBy,
        Rule[] baseline) {
      this.admin = admin;
      this.isolated = isolated;
      this.networkPolicy = networkPolicy;
      this.isolatedBy = isolatedBy;
      this.baseline = baseline;
      this.deny =
          new Decision(
              direction,
              false,
              Tier.NETWORK_POLICY,
              Optional.empty(),
              OptionalInt.empty(),
              "",
              Optional.empty(),
              Optional.empty(),
              isolatedBy,
              "");
    }
  }

  /** A peer: membership by pod (through the engine's group bit sets) or by address. */
  abstract static class Peer {
    final Optional<String> text;

    Peer(String text) {
      this.text = Optional.of(text);
    }

    abstract boolean matches(BitSet[] groups, PodEntry pod, IpAddress ip);
  }

  static final class GroupPeer extends Peer {
    final int group;

    GroupPeer(String text, int group) {
      super(text);
      this.group = group;
    }

    @Override
    boolean matches(BitSet[] groups, PodEntry pod, IpAddress ip) {
      return pod != null && groups[group].get(pod.index);
    }
  }

  static final class BlockPeer extends Peer {
    final IpBlock block;

    BlockPeer(String text, IpBlock block) {
      super(text);
      this.block = block;
    }

    @Override
    boolean matches(BitSet[] groups, PodEntry pod, IpAddress ip) {
      return ip != null && block.contains(ip);
    }
  }

  static final class NetworksPeer extends Peer {
    final Cidr[] cidrs;

    NetworksPeer(String text, List<Cidr> cidrs) {
      super(text);
      this.cidrs = cidrs.toArray(new Cidr[0]);
    }

    @Override
    boolean matches(BitSet[] groups, PodEntry pod, IpAddress ip) {
      if (ip == null) {
        return false;
      }
      for (Cidr c : cidrs) {
        if (c.contains(ip)) {
          return true;
        }
      }
      return false;
    }
  }

  static final class AddressesPeer extends Peer {
    final Set<IpAddress> addresses;

    AddressesPeer(String text, Set<IpAddress> addresses) {
      super(text);
      this.addresses = addresses;
    }

    @Override
    boolean matches(BitSet[] groups, PodEntry pod, IpAddress ip) {
      return ip != null && addresses.contains(ip);
    }
  }

  /**
   * A port entry: protocol and a range, or a name resolved on the destination pod with the
   * connection's protocol (a null protocol: an admin named port, whose container port decides).
   */
  static final class Port {
    final Protocol protocol;
    final int first;
    final int last;
    final String name;
    final Optional<String> text;

    Port(Protocol protocol, int first, int last, String name, String text) {
      this.protocol = protocol;
      this.first = first;
      this.last = last;
      this.name = name;
      this.text = Optional.of(text);
    }

    boolean matches(Protocol p, int port, PodEntry destination) {
      if (protocol != null && p != protocol) {
        return false;
      }
      if (name == null) {
        return first <= port && port <= last;
      }
      return destination != null && destination.namedPort(name, p) == port;
    }
  }

  /** A compiled rule of any tier. */
  static final class Rule {
    final Tier tier;
    final Optional<ObjectRef> policy;
    final OptionalInt index;
    final String name;
    final AdminPolicyAction action;
    final Peer[] peers; // null: any peer
    final Port[] ports; // null: any port
    final String passNote;

    Rule(
        Tier tier,
        ObjectRef policy,
        int index,
        String name,
        AdminPolicyAction action,
        Peer[] peers,
        Port[] ports) {
      this.tier = tier;
      this.policy = Optional.of(policy);
      this.index = OptionalInt.of(index);
      this.name = name;
      this.action = action;
      this.peers = peers;
      this.ports = ports;
      this.passNote = action == AdminPolicyAction.PASS ? Texts.passNote(policy, index) : "";
    }

    /** Structural identity for de-duplication: interned peers and ports. */
    List<Object> key() {
      return List.of(
          peers == null ? List.of() : Arrays.asList(peers),
          ports == null ? List.of() : Arrays.asList(ports),
          peers == null,
          ports == null);
    }
  }

  private static final Peer ANY_PEER =
      new Peer("any") {
        @Override
        boolean matches(BitSet[] groups, PodEntry pod, IpAddress ip) {
          return true;
        }
      };

  private static final Port ANY_PORT = new Port(Protocol.TCP, 0, 0, null, "any");

  private static final RuleSet[] NO_RULES = {
    new RuleSet(PolicyType.INGRESS, new Rule[0], false, new Rule[0], List.of(), new Rule[0]),
    new RuleSet(PolicyType.EGRESS, new Rule[0], false, new Rule[0], List.of(), new Rule[0])
  };

  // ---------------------------------------------------------------------------------------------
  // Evaluation

  @Override
  public Verdict check(Connection c) {
    // Fast path: both ends are pods subject to policy, by name or by pod IP.
    PodEntry f =
        c.from() instanceof Endpoint.PodRef r
            ? byName.get(r)
            : byIp.get(((Endpoint.Address) c.from()).ip());
    PodEntry t =
        c.to() instanceof Endpoint.PodRef r
            ? byName.get(r)
            : byIp.get(((Endpoint.Address) c.to()).ip());
    if (f == null || t == null) {
      return slowCheck(c);
    }
    if (f == t) {
      return new Verdict(c, LOOPBACK_EGRESS, LOOPBACK_INGRESS);
    }
    // As Resolver: an address stays itself; a pod by name uses its IP of the connection's family.
    IpFamily family;
    if (c.from() instanceof Endpoint.Address a) {
      family = a.ip().family();
    } else if (c.to() instanceof Endpoint.Address a) {
      family = a.ip().family();
    } else {
      family = family(f.ips, t.ips);
    }
    IpAddress fromIp =
        c.from() instanceof Endpoint.Address a ? a.ip() : family == null ? null : f.ip(family);
    IpAddress toIp =
        c.to() instanceof Endpoint.Address a ? a.ip() : family == null ? null : t.ip(family);
    return verdict(c, f, fromIp, t, toIp);
  }

  static Endpoint.PodRef ref(Pod p) {
    return new Endpoint.PodRef(p.metadata().namespace(), p.metadata().name());
  }

  private static IpFamily family(IpAddress[] from, IpAddress[] to) {
    for (IpAddress a : to) {
      for (IpAddress b : from) {
        if (a.family() == b.family()) {
          return a.family();
        }
      }
    }
    return to.length > 0 ? to[0].family() : from.length > 0 ? from[0].family() : null;
  }

  private static final Decision LOOPBACK_EGRESS = Texts.none(PolicyType.EGRESS, Texts.LOOPBACK);
  private static final Decision LOOPBACK_INGRESS = Texts.none(PolicyType.INGRESS, Texts.LOOPBACK);

  private Verdict verdict(
      Connection c, PodEntry from, IpAddress fromIp, PodEntry to, IpAddress toIp) {
    BitSet[] groups = groupBits;
    Decision egress =
        from == null
            ? Texts.none(PolicyType.EGRESS, Texts.notAPod(c.from().toString(), PolicyType.EGRESS))
            : evaluate(
                groups, PolicyType.EGRESS, from, from.egress, to, toIp, to, c.protocol(), c.port());
    Decision ingress;
    if (to == null) {
      ingress =
          Texts.none(PolicyType.INGRESS, Texts.notAPod(c.to().toString(), PolicyType.INGRESS));
    } else if (fromIp != null && to.ownNodeIps.contains(fromIp)) {
      ingress = Texts.none(PolicyType.INGRESS, Texts.ownNode(fromIp.toString()));
    } else {
      ingress =
          evaluate(
              groups, PolicyType.INGRESS, to, to.ingress, from, fromIp, to, c.protocol(), c.port());
    }
    return new Verdict(c, egress, ingress);
  }

  /** Any endpoint: external IPs, nodes, host-network pods, unknown pods (which throw). */
  private Verdict slowCheck(Connection c) {
    Resolver r = resolver;
    if (r == null) {
      r = new Resolver(state);
      resolver = r;
    }
    Side[] sides = r.resolve(c);
    PodEntry from = sides[0].pod() == null ? null : byName.get(ref(sides[0].pod()));
    PodEntry to = sides[1].pod() == null ? null : byName.get(ref(sides[1].pod()));
    if (from != null && from == to) {
      return new Verdict(c, LOOPBACK_EGRESS, LOOPBACK_INGRESS);
    }
    return verdict(c, from, sides[0].ip(), to, sides[1].ip());
  }

  private static Decision evaluate(
      BitSet[] groups,
      PolicyType d,
      PodEntry subject,
      RuleSet rules,
      PodEntry other,
      IpAddress otherIp,
      PodEntry destination,
      Protocol protocol,
      int port) {
    String passNote = "";
    for (Rule r : rules.admin) {
      Peer peer = matchPeer(groups, r, other, otherIp);
      if (peer == null) {
        continue;
      }
      Port p = matchPort(r, protocol, port, destination);
      if (p == null) {
        continue;
      }
      if (r.action == AdminPolicyAction.PASS) {
        passNote = r.passNote;
        break;
      }
      return decision(d, r, peer, p, r.action == AdminPolicyAction.ALLOW, "");
    }
    if (rules.isolated) {
      for (Rule r : rules.networkPolicy) {
        Peer peer = matchPeer(groups, r, other, otherIp);
        if (peer == null) {
          continue;
        }
        Port p = matchPort(r, protocol, port, destination);
        if (p != null) {
          return decision(d, r, peer, p, true, passNote);
        }
      }
      if (passNote.isEmpty()) {
        return rules.deny;
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
          rules.isolatedBy,
          passNote);
    }
    for (Rule r : rules.baseline) {
      Peer peer = matchPeer(groups, r, other, otherIp);
      if (peer == null) {
        continue;
      }
      Port p = matchPort(r, protocol, port, destination);
      if (p == null) {
        continue;
      }
      return decision(
          d,
          r,
          peer,
          p,
          r.action != AdminPolicyAction.DENY,
          r.action == AdminPolicyAction.PASS ? Texts.BASELINE_PASS : "");
    }
    Decision fallback = subject.defaultDecision(d);
    return passNote.isEmpty() ? fallback : Texts.defaultAllow(d, passNote + "; " + fallback.note());
  }

  private static Peer matchPeer(BitSet[] groups, Rule r, PodEntry other, IpAddress ip) {
    if (r.peers == null) {
      return ANY_PEER;
    }
    for (Peer p : r.peers) {
      if (p.matches(groups, other, ip)) {
        return p;
      }
    }
    return null;
  }

  private static Port matchPort(Rule r, Protocol protocol, int port, PodEntry destination) {
    if (r.ports == null) {
      return ANY_PORT;
    }
    for (Port p : r.ports) {
      if (p.matches(protocol, port, destination)) {
        return p;
      }
    }
    return null;
  }

  private static Decision decision(
      PolicyType d, Rule r, Peer peer, Port port, boolean allowed, String note) {
    return new Decision(
        d,
        allowed,
        r.tier,
        r.policy,
        r.index,
        r.name,
        peer == ANY_PEER ? Optional.empty() : peer.text,
        port == ANY_PORT ? Optional.empty() : port.text,
        List.of(),
        note);
  }

  // ---------------------------------------------------------------------------------------------
  // Compilation and updates

  private static final CompiledEngine EMPTY = new CompiledEngine(new Builder(ClusterState.EMPTY));

  /**
   * Compiles a snapshot.
   *
   * @param state the snapshot
   * @return the engine
   */
  public static CompiledEngine compile(ClusterState state) {
    return EMPTY.update(state);
  }

  @Override
  public CompiledEngine update(ClusterState next) {
    return update(next, next.changesSince(state));
  }

  @Override
  @SuppressWarnings("ReferenceEquality") // the changes are relative to this very snapshot
  public CompiledEngine update(ClusterUpdate update) {
    return update.previous() == state
        ? update(update.current(), update.changes())
        : update(update.current());
  }

  private CompiledEngine update(ClusterState next, List<ClusterChange> changes) {
    for (ClusterChange c : changes) {
      if (c.ref().kind().equals("Node") && this != EMPTY) {
        return EMPTY.update(next);
      }
    }
    return new Builder(this, next).apply(changes);
  }

  /** Selection by pods: a pod selector in one namespace, or in the namespaces a selector picks. */
  private record GroupKey(
      String namespace, Optional<LabelSelector> pods, Optional<LabelSelector> namespaces) {}

  /** A compiled policy of any kind: its subject group and rules per direction. */
  private record Unit(
      ObjectRef ref,
      int kind, // 0 NetworkPolicy, 1 admin tier, 2 baseline tier
      int priority,
      int kindOrder,
      int subject,
      boolean ingressType,
      boolean egressType,
      Rule[] ingress,
      Rule[] egress) {}

  private static final Comparator<Unit> UNIT_ORDER =
      Comparator.comparingInt(Unit::priority)
          .thenComparingInt(Unit::kindOrder)
          .thenComparing(u -> u.ref().name());

  /** The mutable working copy of an engine while an update is applied. */
  private static final class Builder {
    final ClusterState state;
    NodeIndex nodes;
    PodEntry[] entries;
    final BitSet free;
    final LayeredMap<Endpoint.PodRef, PodEntry> byName;
    final LayeredMap<IpAddress, PodEntry> byIp;
    final List<BitSet> groupBits;
    final boolean[] copied; // group bit sets already copied in this update
    final Registry registry;
    final Map<ObjectRef, Unit> units;
    final Map<Integer, List<Unit>> unitsBySubject;
    final Map<SigKey, RuleSet[]> ruleSets;
    int[][] signatures;
    final Map<String, Map<String, String>> namespaceLabels = new HashMap<>();
    List<String> namespaceNames;

    /** The empty engine. */
    Builder(ClusterState state) {
      this.state = state;
      this.nodes = NodeIndex.of(state);
      this.entries = new PodEntry[0];
      this.free = new BitSet();
      this.byName = new LayeredMap<>();
      this.byIp = new LayeredMap<>();
      this.groupBits = new ArrayList<>();
      this.copied = new boolean[0];
      this.registry = new Registry();
      this.units = new HashMap<>();
      this.unitsBySubject = new HashMap<>();
      this.ruleSets = new HashMap<>();
      this.signatures = new int[0][];
    }

    /** A working copy of {@code e} for {@code next}: collections copied, elements shared. */
    Builder(CompiledEngine e, ClusterState next) {
      this.state = next;
      this.nodes = e == EMPTY ? NodeIndex.of(next) : e.nodes;
      this.entries = e.entries.clone();
      this.free = (BitSet) e.freeIndexes.clone();
      this.byName = e.byName.derive();
      this.byIp = e.byIp.derive();
      this.groupBits = new ArrayList<>(Arrays.asList(e.groupBits));
      this.copied = new boolean[e.groupBits.length];
      // A lineage of engines shares one registry; compiling from scratch starts a new one.
      this.registry = e == EMPTY ? new Registry() : e.registry;
      this.units = new HashMap<>(e.units);
      this.unitsBySubject = new HashMap<>(e.unitsBySubject);
      this.ruleSets = new HashMap<>(e.ruleSets);
      this.signatures = e.signatures.clone();
    }

    Map<String, String> nsLabels(String ns) {
      return namespaceLabels.computeIfAbsent(ns, n -> Texts.namespaceLabels(state, n));
    }

    CompiledEngine apply(List<ClusterChange> changes) {
      // 1. Pods and namespaces: which pod indexes must be re-matched against every group.
      BitSet affected = new BitSet();
      Set<String> namespaces = new HashSet<>();
      List<Pod> changedPods = new ArrayList<>();
      List<ClusterChange> policyChanges = new ArrayList<>();
      for (ClusterChange c : changes) {
        switch (c.ref().kind()) {
          case "Pod" -> {
            Pod before = (Pod) c.before().orElse(null);
            Pod after = (Pod) c.after().orElse(null);
            removePod(before, affected);
            if (after != null) {
              changedPods.add(after);
            }
          }
          case "Namespace" -> namespaces.add(c.ref().name());
          case "NetworkPolicy",
              "AdminNetworkPolicy",
              "BaselineAdminNetworkPolicy",
              "ClusterNetworkPolicy" ->
              policyChanges.add(c);
          default -> {}
        }
      }
      Map<Integer, Pod> pods = new HashMap<>();
      for (Pod p : changedPods) {
        if (!p.hostNetwork()) {
          int index = free.isEmpty() ? grow() : free.nextSetBit(0);
          free.clear(index);
          pods.put(index, p);
          affected.set(index);
          // Provisional until its rule sets are known, so that new groups see it.
          PodEntry e = new PodEntry(p, index, nodes.of(p), NO_RULES);
          entries[index] = e;
          byName.put(ref(p), e);
        }
      }
      for (String ns : namespaces) {
        for (Pod p : state.pods(ns)) {
          PodEntry e = byName.get(ref(p));
          if (e != null) {
            affected.set(e.index);
            pods.putIfAbsent(e.index, p);
          }
        }
      }

      // 2. Re-match affected pods against every existing group.
      for (int g = 0; g < groupBits.size(); g++) {
        if (groupBits.get(g) == null) {
          continue;
        }
        GroupKey key = registry.key(g);
        for (int index = affected.nextSetBit(0);
            index >= 0;
            index = affected.nextSetBit(index + 1)) {
          Pod p = pods.get(index);
          boolean member = p != null && matches(key, p);
          if (groupBits.get(g).get(index) != member) {
            writable(g).set(index, member);
          }
        }
      }

      // 3. Policies: recompile changed ones; remember whose subjects need new rule sets.
      Set<Integer> changedSubjects = new HashSet<>();
      for (ClusterChange c : policyChanges) {
        Unit old = units.remove(c.ref());
        if (old != null) {
          unitsOf(old.subject(), changedSubjects).remove(old);
        }
        if (c.after().isPresent()) {
          Unit u = compile(c.after().get());
          units.put(c.ref(), u);
          unitsOf(u.subject(), changedSubjects).add(u);
        }
      }
      ruleSets.keySet().removeIf(k -> Arrays.stream(k.ids).anyMatch(changedSubjects::contains));

      // 4. Which pods get new signatures or rule sets.
      BitSet reassign = (BitSet) affected.clone();
      for (int g : changedSubjects) {
        BitSet bits = groupBits.get(g);
        for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) {
          reassign.set(i);
        }
      }
      int[] subjects =
          unitsBySubject.entrySet().stream()
              .filter(en -> !en.getValue().isEmpty())
              .mapToInt(Map.Entry::getKey)
              .sorted()
              .toArray();
      if (signatures.length < entries.length) {
        signatures = Arrays.copyOf(signatures, entries.length);
      }
      if (reassign.cardinality() > entries.length / 8) {
        recomputeAllSignatures(subjects, reassign);
      } else {
        for (int index = reassign.nextSetBit(0);
            index >= 0;
            index = reassign.nextSetBit(index + 1)) {
          int[] sig = new int[subjects.length];
          int n = 0;
          for (int g : subjects) {
            if (groupBits.get(g).get(index)) {
              sig[n++] = g;
            }
          }
          signatures[index] = Arrays.copyOf(sig, n);
        }
      }
      for (int index = reassign.nextSetBit(0); index >= 0; index = reassign.nextSetBit(index + 1)) {
        PodEntry old = entries[index];
        Pod p = pods.containsKey(index) ? pods.get(index) : old == null ? null : old.pod;
        if (p == null) {
          signatures[index] = null;
          continue;
        }
        RuleSet[] sets = ruleSets.computeIfAbsent(new SigKey(signatures[index]), k -> build(k.ids));
        PodEntry e = new PodEntry(p, index, nodes.of(p), sets);
        putEntry(old, e);
      }
      // Addresses of changed pods may now belong to another pod (duplicates): re-point them.
      for (Pod p : changedPods) {
        for (IpAddress ip : p.podIps()) {
          repointIp(ip);
        }
      }
      return new CompiledEngine(this);
    }

    /** The units of a subject group, copied once per update before the first change. */
    private List<Unit> unitsOf(int subject, Set<Integer> changedSubjects) {
      if (changedSubjects.add(subject)) {
        unitsBySubject.put(
            subject, new ArrayList<>(unitsBySubject.getOrDefault(subject, List.of())));
      }
      return unitsBySubject.get(subject);
    }

    private void recomputeAllSignatures(int[] subjects, BitSet reassign) {
      int[] counts = new int[entries.length];
      int[][] sigs = new int[entries.length][];
      for (int g : subjects) {
        BitSet bits = groupBits.get(g);
        for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) {
          if (!reassign.get(i)) {
            continue;
          }
          int[] s = sigs[i];
          if (s == null) {
            s = sigs[i] = new int[4];
          } else if (counts[i] == s.length) {
            s = sigs[i] = Arrays.copyOf(s, s.length * 2);
          }
          s[counts[i]++] = g;
        }
      }
      for (int i = reassign.nextSetBit(0); i >= 0; i = reassign.nextSetBit(i + 1)) {
        signatures[i] = sigs[i] == null ? new int[0] : Arrays.copyOf(sigs[i], counts[i]);
      }
    }

    private void removePod(Pod before, BitSet affected) {
      if (before == null) {
        return;
      }
      PodEntry e = byName.get(ref(before));
      if (e == null) {
        return;
      }
      byName.remove(ref(before));
      for (IpAddress ip : before.podIps()) {
        if (byIp.get(ip) == e) {
          byIp.remove(ip);
        }
        repointIp(ip);
      }
      entries[e.index] = null;
      signatures[e.index] = null;
      affected.set(e.index);
      free.set(e.index);
    }

    private void putEntry(PodEntry old, PodEntry e) {
      entries[e.index] = e;
      free.clear(e.index);
      byName.put(ref(e.pod), e);
      for (IpAddress ip : e.ips) {
        repointIp(ip);
      }
      if (old != null) {
        for (IpAddress ip : old.ips) {
          repointIp(ip);
        }
      }
    }

    /** Points an address at the pod the snapshot says owns it (ClusterState.podByIp). */
    private void repointIp(IpAddress ip) {
      Optional<Pod> owner = state.podByIp(ip);
      PodEntry e = owner.map(p -> byName.get(ref(p))).orElse(null);
      if (e == null) {
        byIp.remove(ip);
      } else {
        byIp.put(ip, e);
      }
    }

    private int grow() {
      int index = entries.length;
      entries = Arrays.copyOf(entries, Math.max(16, entries.length * 2));
      for (int i = index + 1; i < entries.length; i++) {
        free.set(i);
      }
      signatures = Arrays.copyOf(signatures, entries.length);
      return index;
    }

    private BitSet writable(int g) {
      if (g < copied.length && !copied[g]) {
        copied[g] = true;
        BitSet copy = (BitSet) groupBits.get(g).clone();
        groupBits.set(g, copy);
        return copy;
      }
      return groupBits.get(g);
    }

    private boolean matches(GroupKey key, Pod p) {
      String ns = p.metadata().namespace();
      if (key.namespaces().isEmpty()) {
        if (!ns.equals(key.namespace())) {
          return false;
        }
      } else if (!key.namespaces().get().matches(nsLabels(ns))) {
        return false;
      }
      return key.pods().orElse(LabelSelector.EVERYTHING).matches(p.metadata().labels());
    }

    /** The id of a group, computing its members (through the label index) when it is new. */
    private int group(GroupKey key) {
      int g = registry.id(key);
      while (groupBits.size() <= g) {
        groupBits.add(null);
      }
      if (groupBits.get(g) != null) {
        return g;
      }
      BitSet bits = new BitSet(entries.length);
      LabelSelector podSelector = key.pods().orElse(LabelSelector.EVERYTHING);
      if (key.namespaces().isEmpty()) {
        addPods(bits, key.namespace(), podSelector);
      } else {
        LabelSelector nsSelector = key.namespaces().get();
        if (namespaceNames == null) {
          namespaceNames = Resolver.sortedNamespaceNames(state);
        }
        for (String ns : namespaceNames) {
          if (nsSelector.matches(nsLabels(ns))) {
            addPods(bits, ns, podSelector);
          }
        }
      }
      groupBits.set(g, bits);
      if (g < copied.length) {
        copied[g] = true; // created by this update: not shared with an older engine
      }
      return g;
    }

    private void addPods(BitSet bits, String namespace, LabelSelector selector) {
      for (Pod p : state.pods(namespace, selector)) {
        PodEntry e = byName.get(ref(p));
        if (e != null) {
          bits.set(e.index);
        }
      }
    }

    private Unit compile(KubernetesObject o) {
      if (o instanceof NetworkPolicy np) {
        String ns = np.metadata().namespace();
        int subject = group(new GroupKey(ns, Optional.of(np.podSelector()), Optional.empty()));
        return new Unit(
            np.ref(),
            0,
            0,
            0,
            subject,
            np.isolates(PolicyType.INGRESS),
            np.isolates(PolicyType.EGRESS),
            npRules(np.ref(), ns, np.ingress()),
            npRules(np.ref(), ns, np.egress()));
      }
      if (o instanceof ClusterNetworkPolicy c) {
        boolean admin = c.tier() == ClusterNetworkPolicy.Tier.ADMIN;
        Tier tier = admin ? Tier.ADMIN : Tier.BASELINE;
        return new Unit(
            c.ref(),
            admin ? 1 : 2,
            c.priority(),
            0,
            group(adminKey(c.subject())),
            true,
            true,
            adminRules(tier, c.ref(), c.ingress()),
            adminRules(tier, c.ref(), c.egress()));
      }
      if (o instanceof AdminNetworkPolicy a) {
        return new Unit(
            a.ref(),
            1,
            a.priority(),
            1,
            group(adminKey(a.subject())),
            true,
            true,
            adminRules(Tier.ADMIN, a.ref(), a.ingress()),
            adminRules(Tier.ADMIN, a.ref(), a.egress()));
      }
      BaselineAdminNetworkPolicy b = (BaselineAdminNetworkPolicy) o;
      return new Unit(
          b.ref(),
          2,
          1001,
          1,
          group(adminKey(b.subject())),
          true,
          true,
          adminRules(Tier.BASELINE, b.ref(), b.ingress()),
          adminRules(Tier.BASELINE, b.ref(), b.egress()));
    }

    private static GroupKey adminKey(AdminPeer p) {
      if (p instanceof AdminPeer.Namespaces ns) {
        return new GroupKey("", Optional.empty(), Optional.of(ns.selector()));
      }
      AdminPeer.Pods pods = (AdminPeer.Pods) p;
      return new GroupKey(
          "", Optional.of(pods.podSelector()), Optional.of(pods.namespaceSelector()));
    }

    private Rule[] npRules(ObjectRef ref, String ns, List<NetworkPolicyRule> rules) {
      Rule[] out = new Rule[rules.size()];
      for (int i = 0; i < rules.size(); i++) {
        NetworkPolicyRule r = rules.get(i);
        Peer[] ps = null;
        if (!r.peers().isEmpty()) {
          ps = new Peer[r.peers().size()];
          for (int j = 0; j < ps.length; j++) {
            ps[j] = npPeer(ns, r.peers().get(j));
          }
        }
        Port[] pts = null;
        if (!r.ports().isEmpty()) {
          pts = new Port[r.ports().size()];
          for (int j = 0; j < pts.length; j++) {
            pts[j] = npPort(r.ports().get(j));
          }
        }
        out[i] = new Rule(Tier.NETWORK_POLICY, ref, i, "", null, ps, pts);
      }
      return out;
    }

    private Peer npPeer(String ns, NetworkPolicyPeer p) {
      String text = Texts.peer(p);
      if (p.ipBlock().isPresent()) {
        IpBlock block = p.ipBlock().get();
        return registry.peer(List.of(block, text), () -> new BlockPeer(text, block));
      }
      GroupKey key =
          new GroupKey(
              p.namespaceSelector().isPresent() ? "" : ns, p.podSelector(), p.namespaceSelector());
      int g = group(key);
      return registry.peer(List.of(key, text), () -> new GroupPeer(text, g));
    }

    private Port npPort(NetworkPolicyPort p) {
      String text = Texts.port(p);
      return registry.port(
          List.of(p, text),
          () -> {
            if (p.port().isEmpty()) {
              return new Port(p.protocol(), PortRange.MIN_PORT, PortRange.MAX_PORT, null, text);
            }
            if (p.port().get() instanceof PortRef.Number num) {
              return new Port(p.protocol(), num.port(), p.endPort().orElse(num.port()), null, text);
            }
            return new Port(p.protocol(), 0, 0, ((PortRef.Name) p.port().get()).name(), text);
          });
    }

    private Rule[] adminRules(Tier tier, ObjectRef ref, List<AdminPolicyRule> rules) {
      Rule[] out = new Rule[rules.size()];
      for (int i = 0; i < rules.size(); i++) {
        AdminPolicyRule r = rules.get(i);
        Peer[] ps = new Peer[r.peers().size()];
        for (int j = 0; j < ps.length; j++) {
          ps[j] = adminPeer(r.peers().get(j));
        }
        Port[] pts = null;
        if (!r.ports().isEmpty()) {
          pts = new Port[r.ports().size()];
          for (int j = 0; j < pts.length; j++) {
            pts[j] = adminPort(r.ports().get(j));
          }
        }
        out[i] = new Rule(tier, ref, i, r.name(), r.action(), ps, pts);
      }
      return out;
    }

    private Peer adminPeer(AdminPeer p) {
      String text = Texts.peer(p);
      if (p instanceof AdminPeer.Namespaces || p instanceof AdminPeer.Pods) {
        int g = group(adminKey(p));
        return registry.peer(List.of(p, text), () -> new GroupPeer(text, g));
      }
      if (p instanceof AdminPeer.Networks nets) {
        return registry.peer(List.of(p, text), () -> new NetworksPeer(text, nets.cidrs()));
      }
      // Node addresses are not cached: a Node change recompiles, but the registry lives on.
      Set<IpAddress> ips = new HashSet<>();
      if (p instanceof AdminPeer.Nodes sel) {
        for (Node node : nodes.nodes()) {
          if (sel.selector().matches(node.metadata().labels())) {
            node.addresses().forEach(a -> a.ip().ifPresent(ips::add));
          }
        }
      }
      return new AddressesPeer(text, ips); // domainNames: no addresses, fails closed
    }

    private Port adminPort(AdminPort p) {
      String text = Texts.port(p);
      return registry.port(
          List.of(p, text),
          () -> {
            if (p instanceof AdminPort.Number num) {
              return new Port(num.protocol(), num.port(), num.port(), null, text);
            }
            if (p instanceof AdminPort.Range r) {
              return new Port(r.protocol(), r.start(), r.end(), null, text);
            }
            return new Port(null, 0, 0, ((AdminPort.Named) p).name(), text);
          });
    }

    /** Builds the ingress and egress rule sets of the pods selected by these subject groups. */
    private RuleSet[] build(int[] ids) {
      List<Unit> nps = new ArrayList<>();
      List<Unit> admin = new ArrayList<>();
      List<Unit> baseline = new ArrayList<>();
      for (int id : ids) {
        for (Unit u : unitsBySubject.getOrDefault(id, List.of())) {
          (u.kind() == 0 ? nps : u.kind() == 1 ? admin : baseline).add(u);
        }
      }
      nps.sort(Comparator.comparing(Unit::ref));
      admin.sort(UNIT_ORDER);
      baseline.sort(UNIT_ORDER);
      return new RuleSet[] {
        ruleSet(PolicyType.INGRESS, admin, nps, baseline),
        ruleSet(PolicyType.EGRESS, admin, nps, baseline)
      };
    }

    private static RuleSet ruleSet(
        PolicyType d, List<Unit> admin, List<Unit> nps, List<Unit> baseline) {
      boolean ingress = d == PolicyType.INGRESS;
      List<ObjectRef> isolatedBy = new ArrayList<>();
      Map<List<Object>, Rule> npRules = new LinkedHashMap<>();
      for (Unit u : nps) {
        if (ingress ? u.ingressType() : u.egressType()) {
          isolatedBy.add(u.ref());
          for (Rule r : ingress ? u.ingress() : u.egress()) {
            npRules.putIfAbsent(r.key(), r);
          }
        }
      }
      return new RuleSet(
          d,
          flatten(admin, ingress),
          !isolatedBy.isEmpty(),
          npRules.values().toArray(new Rule[0]),
          List.copyOf(isolatedBy),
          flatten(baseline, ingress));
    }

    private static Rule[] flatten(List<Unit> units, boolean ingress) {
      List<Rule> rules = new ArrayList<>();
      for (Unit u : units) {
        rules.addAll(Arrays.asList(ingress ? u.ingress() : u.egress()));
      }
      return rules.toArray(new Rule[0]);
    }
  }

  /**
   * What a lineage of engines (one compilation and the updates derived from it) shares: group ids
   * by selector, and interned peers and ports. Append-only and guarded by its lock, so that updates
   * never copy it and two updates of the same engine may run concurrently.
   */
  private static final class Registry {
    private final Map<GroupKey, Integer> groupIds = new HashMap<>();
    private final List<GroupKey> groupKeys = new ArrayList<>();
    private final Map<List<Object>, Peer> peers = new HashMap<>();
    private final Map<List<Object>, Port> ports = new HashMap<>();

    synchronized int id(GroupKey key) {
      Integer id = groupIds.get(key);
      if (id == null) {
        id = groupKeys.size();
        groupKeys.add(key);
        groupIds.put(key, id);
      }
      return id;
    }

    synchronized GroupKey key(int id) {
      return groupKeys.get(id);
    }

    synchronized Peer peer(List<Object> key, java.util.function.Supplier<Peer> make) {
      return peers.computeIfAbsent(key, k -> make.get());
    }

    synchronized Port port(List<Object> key, java.util.function.Supplier<Port> make) {
      return ports.computeIfAbsent(key, k -> make.get());
    }
  }

  private record SigKey(int[] ids) {
    @Override
    public boolean equals(Object o) {
      return o instanceof SigKey k && Arrays.equals(ids, k.ids);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(ids);
    }

    @Override
    public String toString() {
      return Arrays.toString(ids);
    }
  }
}
