package dev.k8snet.policy.internal;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.PortRange;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.AdminNetworkPolicy;
import dev.k8snet.core.model.AdminPeer;
import dev.k8snet.core.model.AdminPolicyAction;
import dev.k8snet.core.model.AdminPolicyRule;
import dev.k8snet.core.model.AdminPort;
import dev.k8snet.core.model.BaselineAdminNetworkPolicy;
import dev.k8snet.core.model.ClusterNetworkPolicy;
import dev.k8snet.core.model.ContainerPort;
import dev.k8snet.core.model.IpBlock;
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
import java.util.IdentityHashMap;
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
 */
public final class CompiledEngine implements PolicyEngine {
  private final Resolver resolver;
  private final IdentityHashMap<Pod, PodEntry> entries;
  private final Map<Endpoint.PodRef, PodEntry> byName;
  private final Map<IpAddress, PodEntry> byIp;

  private CompiledEngine(
      Resolver resolver,
      IdentityHashMap<Pod, PodEntry> entries,
      Map<Endpoint.PodRef, PodEntry> byName,
      Map<IpAddress, PodEntry> byIp) {
    this.resolver = resolver;
    this.entries = entries;
    this.byName = byName;
    this.byIp = byIp;
  }

  /** A pod subject to policy, with its rule sets and what the hot path needs precomputed. */
  static final class PodEntry {
    final Pod pod;
    final int index;
    RuleSet ingress;
    RuleSet egress;
    final Decision ingressDefault;
    final Decision egressDefault;
    final IpAddress[] ips;
    final Set<IpAddress> ownNodeIps;
    final String[] portNames;
    final Protocol[] portProtocols;
    final int[] portNumbers;

    PodEntry(Pod pod, int index, Set<IpAddress> ownNodeIps) {
      this.pod = pod;
      this.index = index;
      String name = Texts.podName(pod);
      this.ingressDefault =
          Texts.defaultAllow(PolicyType.INGRESS, Texts.defaultNote(name, PolicyType.INGRESS));
      this.egressDefault =
          Texts.defaultAllow(PolicyType.EGRESS, Texts.defaultNote(name, PolicyType.EGRESS));
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
      return d == PolicyType.INGRESS ? ingressDefault : egressDefault;
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

  /** A peer: membership by pod or by address. */
  abstract static class Peer {
    final Optional<String> text;

    Peer(String text) {
      this.text = Optional.of(text);
    }

    abstract boolean matches(PodEntry pod, IpAddress ip);
  }

  static final class GroupPeer extends Peer {
    final BitSet members;

    GroupPeer(String text, BitSet members) {
      super(text);
      this.members = members;
    }

    @Override
    boolean matches(PodEntry pod, IpAddress ip) {
      return pod != null && members.get(pod.index);
    }
  }

  static final class BlockPeer extends Peer {
    final IpBlock block;

    BlockPeer(String text, IpBlock block) {
      super(text);
      this.block = block;
    }

    @Override
    boolean matches(PodEntry pod, IpAddress ip) {
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
    boolean matches(PodEntry pod, IpAddress ip) {
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
    boolean matches(PodEntry pod, IpAddress ip) {
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
        boolean matches(PodEntry pod, IpAddress ip) {
          return true;
        }
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
    Decision egress =
        from == null
            ? Texts.none(PolicyType.EGRESS, Texts.notAPod(c.from().toString(), PolicyType.EGRESS))
            : evaluate(PolicyType.EGRESS, from, from.egress, to, toIp, to, c.protocol(), c.port());
    Decision ingress;
    if (to == null) {
      ingress =
          Texts.none(PolicyType.INGRESS, Texts.notAPod(c.to().toString(), PolicyType.INGRESS));
    } else if (fromIp != null && to.ownNodeIps.contains(fromIp)) {
      ingress = Texts.none(PolicyType.INGRESS, Texts.ownNode(fromIp.toString()));
    } else {
      ingress =
          evaluate(PolicyType.INGRESS, to, to.ingress, from, fromIp, to, c.protocol(), c.port());
    }
    return new Verdict(c, egress, ingress);
  }

  /** Any endpoint: external IPs, nodes, host-network pods, unknown pods (which throw). */
  private Verdict slowCheck(Connection c) {
    Side[] sides = resolver.resolve(c);
    PodEntry from = sides[0].pod() == null ? null : entries.get(sides[0].pod());
    PodEntry to = sides[1].pod() == null ? null : entries.get(sides[1].pod());
    if (from != null && from == to) {
      return new Verdict(c, LOOPBACK_EGRESS, LOOPBACK_INGRESS);
    }
    return verdict(c, from, sides[0].ip(), to, sides[1].ip());
  }

  private static Decision evaluate(
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
      Peer peer = matchPeer(r, other, otherIp);
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
        Peer peer = matchPeer(r, other, otherIp);
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
      Peer peer = matchPeer(r, other, otherIp);
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

  private static final Port ANY_PORT = new Port(Protocol.TCP, 0, 0, null, "any");

  private static Peer matchPeer(Rule r, PodEntry other, IpAddress ip) {
    if (r.peers == null) {
      return ANY_PEER;
    }
    for (Peer p : r.peers) {
      if (p.matches(other, ip)) {
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
  // Compilation

  /**
   * Compiles a snapshot.
   *
   * @param state the snapshot
   * @return the engine
   */
  public static CompiledEngine compile(ClusterState state) {
    return new Compiler(state).compile();
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
      boolean ingressType,
      boolean egressType,
      Rule[] ingress,
      Rule[] egress) {}

  private static final Comparator<Unit> UNIT_ORDER =
      Comparator.comparingInt(Unit::priority)
          .thenComparingInt(Unit::kindOrder)
          .thenComparing(u -> u.ref().name());

  private static final class Compiler {
    private final ClusterState state;
    private final Resolver resolver;
    private final IdentityHashMap<Pod, PodEntry> entries = new IdentityHashMap<>();
    private final Map<Endpoint.PodRef, PodEntry> byName = new HashMap<>();
    private final Map<IpAddress, PodEntry> byIp = new HashMap<>();
    private final List<PodEntry> byIndex = new ArrayList<>();
    private final List<String> namespaceNames;
    private final Map<GroupKey, BitSet> groups = new HashMap<>();
    private final Map<List<Object>, Peer> peers = new HashMap<>();
    private final Map<List<Object>, Port> ports = new HashMap<>();
    private final Map<Object, Integer> subjectIds = new HashMap<>();
    private final List<BitSet> subjectMembers = new ArrayList<>();
    private final List<List<Unit>> subjectUnits = new ArrayList<>();

    Compiler(ClusterState state) {
      this.state = state;
      this.resolver = new Resolver(state);
      for (Pod p : state.pods()) {
        if (!p.hostNetwork()) {
          Set<IpAddress> own =
              p.nodeName().isPresent() ? resolver.nodeIps(p.nodeName().get()) : Set.of();
          PodEntry e = new PodEntry(p, byIndex.size(), own);
          byIndex.add(e);
          entries.put(p, e);
          byName.put(new Endpoint.PodRef(p.metadata().namespace(), p.metadata().name()), e);
          for (IpAddress ip : p.podIps()) {
            if (p.equals(state.podByIp(ip).orElse(null))) {
              byIp.put(ip, e);
            }
          }
        }
      }
      this.namespaceNames = Resolver.sortedNamespaceNames(state);
    }

    CompiledEngine compile() {
      for (NetworkPolicy np : state.all(NetworkPolicy.class)) {
        GroupKey subject =
            new GroupKey(
                np.metadata().namespace(), Optional.of(np.podSelector()), Optional.empty());
        ObjectRef ref = np.ref();
        String ns = np.metadata().namespace();
        Unit u =
            new Unit(
                ref,
                0,
                0,
                0,
                np.isolates(PolicyType.INGRESS),
                np.isolates(PolicyType.EGRESS),
                npRules(ref, ns, np.ingress()),
                npRules(ref, ns, np.egress()));
        attach(subject, u);
      }
      for (ClusterNetworkPolicy c : state.all(ClusterNetworkPolicy.class)) {
        boolean admin = c.tier() == ClusterNetworkPolicy.Tier.ADMIN;
        Tier tier = admin ? Tier.ADMIN : Tier.BASELINE;
        attach(
            adminKey(c.subject()),
            new Unit(
                c.ref(),
                admin ? 1 : 2,
                c.priority(),
                0,
                true,
                true,
                adminRules(tier, c.ref(), c.ingress()),
                adminRules(tier, c.ref(), c.egress())));
      }
      for (AdminNetworkPolicy a : state.all(AdminNetworkPolicy.class)) {
        attach(
            adminKey(a.subject()),
            new Unit(
                a.ref(),
                1,
                a.priority(),
                1,
                true,
                true,
                adminRules(Tier.ADMIN, a.ref(), a.ingress()),
                adminRules(Tier.ADMIN, a.ref(), a.egress())));
      }
      for (BaselineAdminNetworkPolicy b : state.all(BaselineAdminNetworkPolicy.class)) {
        attach(
            adminKey(b.subject()),
            new Unit(
                b.ref(),
                2,
                1001,
                1,
                true,
                true,
                adminRules(Tier.BASELINE, b.ref(), b.ingress()),
                adminRules(Tier.BASELINE, b.ref(), b.egress())));
      }

      // Signatures: the subject groups each pod belongs to.
      int n = byIndex.size();
      int[][] sigs = new int[n][];
      int[] counts = new int[n];
      for (int id = 0; id < subjectMembers.size(); id++) {
        BitSet members = subjectMembers.get(id);
        for (int i = members.nextSetBit(0); i >= 0; i = members.nextSetBit(i + 1)) {
          int[] s = sigs[i];
          if (s == null) {
            s = sigs[i] = new int[4];
          } else if (counts[i] == s.length) {
            s = sigs[i] = Arrays.copyOf(s, s.length * 2);
          }
          s[counts[i]++] = id;
        }
      }
      Map<SigKey, RuleSet[]> interned = new HashMap<>();
      RuleSet[] none = build(new int[0]);
      for (int i = 0; i < n; i++) {
        RuleSet[] sets;
        if (sigs[i] == null) {
          sets = none;
        } else {
          int[] sig = Arrays.copyOf(sigs[i], counts[i]);
          sets = interned.computeIfAbsent(new SigKey(sig), k -> build(k.ids));
        }
        PodEntry e = byIndex.get(i);
        e.ingress = sets[0];
        e.egress = sets[1];
      }
      return new CompiledEngine(resolver, entries, byName, byIp);
    }

    private void attach(Object subjectKey, Unit u) {
      Integer id = subjectIds.get(subjectKey);
      if (id == null) {
        id = subjectMembers.size();
        subjectIds.put(subjectKey, id);
        subjectMembers.add(members((GroupKey) subjectKey));
        subjectUnits.add(new ArrayList<>());
      }
      subjectUnits.get(id).add(u);
    }

    private static GroupKey adminKey(AdminPeer p) {
      if (p instanceof AdminPeer.Namespaces ns) {
        return new GroupKey("", Optional.empty(), Optional.of(ns.selector()));
      }
      AdminPeer.Pods pods = (AdminPeer.Pods) p;
      return new GroupKey(
          "", Optional.of(pods.podSelector()), Optional.of(pods.namespaceSelector()));
    }

    /** The pods a key selects, computed once per distinct key. */
    private BitSet members(GroupKey key) {
      BitSet cached = groups.get(key);
      if (cached != null) {
        return cached;
      }
      BitSet bits = new BitSet(byIndex.size());
      LabelSelector podSelector = key.pods().orElse(LabelSelector.EVERYTHING);
      if (key.namespaces().isEmpty()) {
        addPods(bits, key.namespace(), podSelector);
      } else {
        LabelSelector nsSelector = key.namespaces().get();
        for (String ns : namespaceNames) {
          if (nsSelector.matches(Texts.namespaceLabels(state, ns))) {
            addPods(bits, ns, podSelector);
          }
        }
      }
      groups.put(key, bits);
      return bits;
    }

    private void addPods(BitSet bits, String namespace, LabelSelector selector) {
      for (Pod p : state.pods(namespace, selector)) {
        PodEntry e = entries.get(p);
        if (e != null) {
          bits.set(e.index);
        }
      }
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
        return peers.computeIfAbsent(List.of(block, text), k -> new BlockPeer(text, block));
      }
      GroupKey key =
          new GroupKey(
              p.namespaceSelector().isPresent() ? "" : ns, p.podSelector(), p.namespaceSelector());
      return peers.computeIfAbsent(List.of(key, text), k -> new GroupPeer(text, members(key)));
    }

    private Port npPort(NetworkPolicyPort p) {
      String text = Texts.port(p);
      return ports.computeIfAbsent(
          List.of(p, text),
          k -> {
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
      return peers.computeIfAbsent(
          List.of(p, text),
          k -> {
            if (p instanceof AdminPeer.Namespaces || p instanceof AdminPeer.Pods) {
              return new GroupPeer(text, members(adminKey(p)));
            }
            if (p instanceof AdminPeer.Networks nets) {
              return new NetworksPeer(text, nets.cidrs());
            }
            Set<IpAddress> ips = new HashSet<>();
            if (p instanceof AdminPeer.Nodes nodes) {
              for (Node node : state.nodes()) {
                if (nodes.selector().matches(node.metadata().labels())) {
                  node.addresses().forEach(a -> a.ip().ifPresent(ips::add));
                }
              }
            }
            return new AddressesPeer(text, ips); // domainNames: no addresses, fails closed
          });
    }

    private Port adminPort(AdminPort p) {
      String text = Texts.port(p);
      return ports.computeIfAbsent(
          List.of(p, text),
          k -> {
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
        for (Unit u : subjectUnits.get(id)) {
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
