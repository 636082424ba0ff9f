package dev.k8snet.policy.internal;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.PortRange;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.cluster.ClusterChange;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.AdminPeer;
import dev.k8snet.core.model.AdminPolicyAction;
import dev.k8snet.core.model.AdminPolicyRule;
import dev.k8snet.core.model.AdminPort;
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
import dev.k8snet.policy.internal.NftModel.ChainDef;
import dev.k8snet.policy.internal.NftModel.SetDef;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compiles the policies of a snapshot to one {@code inet} table enforcing them for the pods of one
 * node, identified by their IPs.
 *
 * <p>Layout. Two base chains at the forward hook (egress of local pods at priority {@code filter},
 * ingress to local pods at {@code filter + 1}) and one at the input hook (egress of local pods to
 * the node itself) accept {@code established,related} first, then send new connections of local
 * pods (set {@code local4}/{@code local6}) through one chain per direction: own-node sources and a
 * pod's traffic to itself are accepted; the Admin tier is one chain that jumps, in priority order,
 * to each admin policy's chain when its subject set holds the pod; a rule's Allow is {@code accept}
 * (ending that base chain: the other direction is still evaluated by its own), Deny is {@code
 * drop}, Pass is {@code goto} the NetworkPolicy tier. The NetworkPolicy tier dispatches by pod IP
 * to the chain of the pod's namespace (a verdict map), which jumps to each NetworkPolicy chain of
 * that namespace; each starts by returning unless its subject set holds the pod, then accepts on
 * any rule. Pods in an {@code isolated-*} set are then dropped; the others go on to the Baseline
 * tier, laid out like the Admin tier, and are accepted at its end.
 *
 * <p>Everything that depends on pods is set elements: peer groups (one set per distinct selector,
 * shared by every rule and policy), subject sets, the isolated sets, the namespace dispatch maps
 * and named-port sets ({@code ip . protocol . port} of each pod that declares the name). Chains and
 * rules depend only on policies, so a pod's label change, addition or removal changes elements
 * alone, and the rule count grows with policies and rules, not with pods.
 */
public final class NftPolicyRenderer {
  private static final String[] DIRS = {"ingress", "egress"};

  private final ClusterState state;
  private final String nodeName;
  private final String table;
  private final boolean log;
  private final int logRate;

  private final Map<String, SetDef> sets = new TreeMap<>();
  private final Map<String, GroupKey> groups = new HashMap<>(); // by IPv4 set name
  private final Set<String> isolationLogs = new HashSet<>(); // log chains of isolation denials
  private final Map<String, ChainDef> chains = new LinkedHashMap<>();
  private final Map<ObjectRef, List<IpAddress>> owned = new HashMap<>();
  private final List<Pod> pods = new ArrayList<>();
  private final Map<String, Map<String, String>> nsLabels = new HashMap<>();
  private List<String> namespaceNames;

  private NftPolicyRenderer(
      ClusterState state, String nodeName, String table, boolean log, int logRate) {
    this.state = state;
    this.nodeName = nodeName;
    this.table = table;
    this.log = log;
    this.logRate = logRate;
  }

  /**
   * Renders the table.
   *
   * @param state the snapshot
   * @param nodeName the node whose pods ({@code spec.nodeName}) are enforced
   * @param table the table name
   * @param log whether denied connections are logged (rate-limited, tagged with the policy)
   * @param logRate log lines per second per denying rule
   * @return the table
   */
  public static Rendered render(
      ClusterState state, String nodeName, String table, boolean log, int logRate) {
    NftPolicyRenderer r = new NftPolicyRenderer(state, nodeName, table, log, logRate);
    NftModel model = r.render();
    Map<String, List<String>> index = new HashMap<>();
    r.groups.forEach(
        (name, key) ->
            index
                .computeIfAbsent(
                    key.namespaces() == null ? key.namespace() : "", k -> new ArrayList<>())
                .add(name));
    Map<String, List<NetworkPolicy>> nps = new HashMap<>();
    for (NetworkPolicy np : state.all(NetworkPolicy.class)) {
      nps.computeIfAbsent(np.metadata().namespace(), k -> new ArrayList<>()).add(np);
    }
    nps.values().forEach(l -> l.sort(Comparator.comparing(NetworkPolicy::ref)));
    return new Rendered(
        model, state, nodeName, table, log, logRate, r.groups, index, nps, r.isolationLogs);
  }

  /**
   * A rendered table with what an update needs: the snapshot and the selector of each pod group.
   *
   * @param model the table
   * @param state the snapshot it was rendered from
   * @param nodeName the node
   * @param table the table name
   * @param log whether denials are logged
   * @param logRate log lines per second
   * @param groups the selector of each group, by the name of its IPv4 set
   * @param groupsByNamespace the IPv4 set names of the groups by the one namespace they select in,
   *     {@code ""} for groups that select by namespace labels
   * @param networkPolicies the NetworkPolicies by namespace, sorted
   * @param isolationLogs the log chains of isolation denials (they depend on pods)
   */
  public record Rendered(
      NftModel model,
      ClusterState state,
      String nodeName,
      String table,
      boolean log,
      int logRate,
      Map<String, GroupKey> groups,
      Map<String, List<String>> groupsByNamespace,
      Map<String, List<NetworkPolicy>> networkPolicies,
      Set<String> isolationLogs) {
    /** Copies the collections. */
    public Rendered {
      groups = Map.copyOf(groups);
      groupsByNamespace = Map.copyOf(groupsByNamespace);
      networkPolicies = Map.copyOf(networkPolicies);
      isolationLogs = Set.copyOf(isolationLogs);
    }
  }

  /**
   * Renders the table of {@code next}, a later snapshot of {@code previous}'s cluster, equal to
   * {@link #render} of {@code next} (up to element order). When only pods changed, the work follows
   * the change: the changed pods' addresses leave and join the sets they belong to, and every other
   * set and every chain is shared with {@code previous} (so that the diff skips them); otherwise,
   * or when an address changed hands between pods, it renders anew.
   *
   * @param previous the table rendered before
   * @param next the new snapshot
   * @param changes what differs between {@code previous.state()} and {@code next}
   * @return the table for {@code next}
   */
  public static Rendered update(Rendered previous, ClusterState next, List<ClusterChange> changes) {
    Rendered full = null;
    for (ClusterChange c : changes) {
      if (!c.ref().kind().equals("Pod")) {
        full = render(next, previous.nodeName, previous.table, previous.log, previous.logRate);
        break;
      }
    }
    if (full != null) {
      return full;
    }
    PodDelta d = new PodDelta(previous);
    for (ClusterChange c : changes) {
      Pod before = (Pod) c.before().orElse(null);
      Pod after = (Pod) c.after().orElse(null);
      if (!d.owns(before, previous.state) || !d.owns(after, next)) {
        return render(next, previous.nodeName, previous.table, previous.log, previous.logRate);
      }
    }
    for (ClusterChange c : changes) {
      c.before().ifPresent(p -> d.apply((Pod) p, previous.state, false));
    }
    for (ClusterChange c : changes) {
      c.after().ifPresent(p -> d.apply((Pod) p, next, true));
    }
    if (d.fallBack) {
      return render(next, previous.nodeName, previous.table, previous.log, previous.logRate);
    }
    Map<String, SetDef> sets = new LinkedHashMap<>(previous.model.sets());
    d.copies.forEach(
        (name, elements) -> {
          SetDef old = sets.get(name);
          sets.put(name, new SetDef(name, old.declaration(), old.map(), elements));
        });
    Map<String, ChainDef> chains = previous.model.chains();
    Set<String> isolationLogs = previous.isolationLogs;
    if (previous.log) {
      // Log chains of isolation combinations no pod has any more go, as a fresh rendering drops
      // them.
      Set<String> used = new HashSet<>();
      for (String dir : DIRS) {
        for (String f : new String[] {"4", "6"}) {
          for (String v : sets.get("isolated-" + dir + f).elements().values()) {
            used.add(v.substring("goto ".length()));
          }
        }
      }
      if (!used.containsAll(isolationLogs) || !isolationLogs.containsAll(used)) {
        Set<String> stale = new HashSet<>(isolationLogs);
        stale.removeAll(used);
        Map<String, ChainDef> kept = new LinkedHashMap<>(chains);
        kept.keySet().removeAll(stale);
        chains = kept;
        isolationLogs = used;
      }
    }
    return new Rendered(
        new NftModel(previous.table, sets, chains),
        next,
        previous.nodeName,
        previous.table,
        previous.log,
        previous.logRate,
        previous.groups,
        previous.groupsByNamespace,
        previous.networkPolicies,
        isolationLogs);
  }

  /** The element changes of a pods-only update, copied on first write per set. */
  private static final class PodDelta {
    final Rendered previous;
    final Map<String, Map<String, String>> copies = new HashMap<>();
    boolean fallBack;

    PodDelta(Rendered previous) {
      this.previous = previous;
    }

    /** Whether each address of the pod belongs to it in the snapshot (no duplicates). */
    boolean owns(Pod p, ClusterState s) {
      if (p == null || p.hostNetwork()) {
        return true;
      }
      for (IpAddress ip : p.podIps()) {
        Optional<Pod> owner = s.podByIp(ip);
        if (owner.isPresent() && !owner.get().ref().equals(p.ref())) {
          return false;
        }
        if (owner.isEmpty()) {
          return false; // finished pods lose their addresses: render anew
        }
      }
      return true;
    }

    Map<String, String> elements(String set) {
      return copies.computeIfAbsent(
          set, k -> new LinkedHashMap<>(previous.model.sets().get(k).elements()));
    }

    void put(String set, String key, String value, boolean add) {
      if (add) {
        elements(set).put(key, value);
      } else {
        elements(set).remove(key);
      }
    }

    /** Removes ({@code add} false) or adds the pod's elements as of snapshot {@code s}. */
    void apply(Pod p, ClusterState s, boolean add) {
      if (p.hostNetwork() || p.podIps().isEmpty()) {
        return;
      }
      boolean local = p.nodeName().equals(Optional.of(previous.nodeName));
      for (IpAddress ip : p.podIps()) {
        String f = ip.isIpv4() ? "4" : "6";
        if (local) {
          put("local" + f, ip.toString(), "", add);
          put("self" + f, ip + " . " + ip, "", add);
        }
      }
      Map<String, Map<String, String>> nsLabels = new HashMap<>();
      for (String ns : List.of(p.metadata().namespace(), "")) {
        for (String g : previous.groupsByNamespace.getOrDefault(ns, List.of())) {
          if (previous.groups.get(g).matches(p, s, nsLabels)) {
            String six = "pods6-" + g.substring("pods4-".length());
            for (IpAddress ip : p.podIps()) {
              put(ip.isIpv4() ? g : six, ip.toString(), "", add);
            }
          }
        }
      }
      Set<String> seen = new HashSet<>();
      for (ContainerPort cp : p.containerPorts()) {
        if (cp.name().isEmpty()
            || !previous.model.sets().containsKey("named4-" + cp.name().get())
            || !seen.add(cp.name().get() + "/" + cp.protocol())) {
          continue;
        }
        String proto = cp.protocol().name().toLowerCase(Locale.ROOT);
        for (IpAddress ip : p.podIps()) {
          put(
              (ip.isIpv4() ? "named4-" : "named6-") + cp.name().get(),
              ip + " . " + proto + " . " + cp.containerPort(),
              "",
              add);
        }
      }
      if (!local) {
        return;
      }
      String ns = p.metadata().namespace();
      for (String dir : DIRS) {
        PolicyType d = dir.equals("ingress") ? PolicyType.INGRESS : PolicyType.EGRESS;
        List<String> isolating = new ArrayList<>();
        for (NetworkPolicy np : previous.networkPolicies.getOrDefault(ns, List.of())) {
          if (np.isolates(d) && np.podSelector().matches(p.metadata().labels())) {
            isolating.add(np.ref().namespace() + "/" + np.ref().name());
          }
        }
        boolean nsChain = previous.model.chains().containsKey("ns/" + ns + "/" + dir);
        String value = "";
        if (previous.log && !isolating.isEmpty()) {
          String chain =
              logChain(dir + " denied: isolated by NetworkPolicy " + String.join(", ", isolating));
          if (!previous.model.chains().containsKey(chain)) {
            fallBack = true; // a new combination needs a new log chain
            return;
          }
          value = "goto " + chain;
        }
        for (IpAddress ip : p.podIps()) {
          String f = ip.isIpv4() ? "4" : "6";
          if (nsChain) {
            put("ns-" + dir + f, ip.toString(), "jump ns/" + ns + "/" + dir, add);
          }
          if (!isolating.isEmpty()) {
            put("isolated-" + dir + f, ip.toString(), value, add);
          }
        }
      }
    }
  }

  private NftModel render() {
    // Addresses: each pod IP belongs to the pod the snapshot says owns it (ClusterState.podByIp).
    for (Pod p : state.pods()) {
      if (p.hostNetwork()) {
        continue;
      }
      List<IpAddress> ips = new ArrayList<>();
      for (IpAddress ip : p.podIps()) {
        Optional<Pod> owner = state.podByIp(ip);
        if (owner.isPresent() && owner.get().ref().equals(p.ref())) {
          ips.add(ip);
        }
      }
      owned.put(p.ref(), ips);
      pods.add(p);
    }
    List<Pod> local = new ArrayList<>();
    for (Pod p : pods) {
      if (p.nodeName().equals(Optional.of(nodeName)) && !owned.get(p.ref()).isEmpty()) {
        local.add(p);
      }
    }

    // Fixed sets.
    Map<String, String> local4 = new LinkedHashMap<>();
    Map<String, String> local6 = new LinkedHashMap<>();
    Map<String, String> self4 = new LinkedHashMap<>();
    Map<String, String> self6 = new LinkedHashMap<>();
    for (Pod p : local) {
      for (IpAddress ip : owned.get(p.ref())) {
        (ip.isIpv4() ? local4 : local6).put(ip.toString(), "");
        (ip.isIpv4() ? self4 : self6).put(ip + " . " + ip, "");
      }
    }
    addSet("local4", "type ipv4_addr; comment \"pods of node " + quote(nodeName) + "\";", local4);
    addSet("local6", "type ipv6_addr; comment \"pods of node " + quote(nodeName) + "\";", local6);
    addSet("self4", "type ipv4_addr . ipv4_addr; comment \"a pod to itself\";", self4);
    addSet("self6", "type ipv6_addr . ipv6_addr; comment \"a pod to itself\";", self6);
    Map<String, String> node4 = new LinkedHashMap<>();
    Map<String, String> node6 = new LinkedHashMap<>();
    state
        .node(nodeName)
        .ifPresent(
            n ->
                n.addresses()
                    .forEach(
                        a ->
                            a.ip()
                                .ifPresent(
                                    ip -> (ip.isIpv4() ? node4 : node6).put(ip.toString(), ""))));
    addSet("node4", "type ipv4_addr; comment \"addresses of this node\";", node4);
    addSet("node6", "type ipv6_addr; comment \"addresses of this node\";", node6);

    // Base chains.
    String est = "ct state established,related accept";
    chains.put(
        "forward-egress",
        new ChainDef(
            "forward-egress",
            "type filter hook forward priority filter; policy accept;",
            List.of(est, "ip saddr @local4 goto egress", "ip6 saddr @local6 goto egress")));
    chains.put(
        "forward-ingress",
        new ChainDef(
            "forward-ingress",
            "type filter hook forward priority filter + 1; policy accept;",
            List.of(est, "ip daddr @local4 goto ingress", "ip6 daddr @local6 goto ingress")));
    chains.put(
        "input-egress",
        new ChainDef(
            "input-egress",
            "type filter hook input priority filter; policy accept;",
            List.of(est, "ip saddr @local4 goto egress", "ip6 saddr @local6 goto egress")));
    chains.put(
        "ingress",
        new ChainDef(
            "ingress",
            "",
            List.of(
                "ip saddr @node4 accept",
                "ip6 saddr @node6 accept",
                "ip saddr . ip daddr @self4 accept",
                "ip6 saddr . ip6 daddr @self6 accept",
                "goto ingress-admin")));
    chains.put(
        "egress",
        new ChainDef(
            "egress",
            "",
            List.of(
                "ip saddr . ip daddr @self4 accept",
                "ip6 saddr . ip6 daddr @self6 accept",
                "goto egress-admin")));

    List<Texts.AdminEntry> admin = Texts.adminTier(state);
    List<Texts.AdminEntry> baseline = Texts.baselineTier(state);
    for (String dir : DIRS) {
      PolicyType d = dir.equals("ingress") ? PolicyType.INGRESS : PolicyType.EGRESS;
      tier(dir, d, admin, "-admin", "goto " + dir + "-np");
      networkPolicyTier(dir, d, local);
      tier(dir, d, baseline, "-baseline", "accept");
    }
    return new NftModel(table, sets, chains);
  }

  /** The name of the log chain of a denial reason (see {@link #deny}). */
  private static String logChain(String why) {
    return "log/" + hash(logPrefix(why));
  }

  private static String logPrefix(String why) {
    String prefix = "k8snet-policy " + why;
    if (prefix.length() > 120) {
      prefix = prefix.substring(0, 117) + "...";
    }
    return prefix + ": ";
  }

  // -----------------------------------------------------------------------------------------------
  // Tiers

  private void tier(
      String dir, PolicyType d, List<Texts.AdminEntry> entries, String suffix, String last) {
    boolean adminTier = suffix.equals("-admin");
    String subj = dir.equals("ingress") ? "daddr" : "saddr";
    List<String> dispatch = new ArrayList<>();
    for (Texts.AdminEntry e : entries) {
      List<AdminPolicyRule> rules = e.rules(d);
      if (rules.isEmpty()) {
        continue;
      }
      String chain = policyChain(e.ref(), dir);
      List<String> body = new ArrayList<>();
      for (int i = 0; i < rules.size(); i++) {
        AdminPolicyRule r = rules.get(i);
        String verdict;
        if (r.action() == AdminPolicyAction.DENY) {
          verdict =
              deny(
                  dir
                      + " denied by "
                      + e.ref().kind()
                      + " "
                      + e.ref().name()
                      + " rule "
                      + i
                      + (r.name().isEmpty() ? "" : " " + r.name()));
        } else if (r.action() == AdminPolicyAction.PASS && adminTier) {
          verdict = "goto " + dir + "-np";
        } else {
          verdict = "accept"; // Allow/Accept, and Pass in the Baseline tier
        }
        String comment = comment(e.ref() + " " + dir + "[" + i + "]");
        List<List<Frag>> peers = new ArrayList<>();
        for (AdminPeer p : r.peers()) {
          List<Frag> f = adminPeer(p, dir);
          if (f != null) {
            peers.add(f);
          }
        }
        List<List<Frag>> ports = r.ports().isEmpty() ? null : adminPorts(r.ports());
        body.addAll(combine(peers, ports, verdict + comment));
      }
      chains.put(chain, new ChainDef(chain, "", body));
      String[] g = group(adminKey(e.subject()));
      dispatch.add("ip " + subj + " @" + g[0] + " jump " + chain);
      dispatch.add("ip6 " + subj + " @" + g[1] + " jump " + chain);
    }
    dispatch.add(last);
    chains.put(dir + suffix, new ChainDef(dir + suffix, "", dispatch));
  }

  private void networkPolicyTier(String dir, PolicyType d, List<Pod> local) {
    String subj = dir.equals("ingress") ? "daddr" : "saddr";
    // The NetworkPolicies isolating each local pod for this direction.
    Map<String, List<NetworkPolicy>> byNamespace = new TreeMap<>();
    for (NetworkPolicy np : state.all(NetworkPolicy.class)) {
      if (np.isolates(d)) {
        byNamespace.computeIfAbsent(np.metadata().namespace(), k -> new ArrayList<>()).add(np);
      }
    }
    Map<String, String> ns4 = new LinkedHashMap<>();
    Map<String, String> ns6 = new LinkedHashMap<>();
    Map<String, String> iso4 = new LinkedHashMap<>();
    Map<String, String> iso6 = new LinkedHashMap<>();
    Set<String> withChains = new TreeSet<>();
    for (Map.Entry<String, List<NetworkPolicy>> en : byNamespace.entrySet()) {
      List<NetworkPolicy> nps = en.getValue();
      nps.sort(Comparator.comparing(NetworkPolicy::ref));
      List<String> jumps = new ArrayList<>();
      for (NetworkPolicy np : nps) {
        List<NetworkPolicyRule> rules = d == PolicyType.INGRESS ? np.ingress() : np.egress();
        if (rules.isEmpty()) {
          continue; // isolates only: the isolated set says so
        }
        String[] g = group(new GroupKey(en.getKey(), Optional.of(np.podSelector()), null));
        String chain = policyChain(np.ref(), dir);
        List<String> body = new ArrayList<>();
        body.add("ip " + subj + " != @" + g[0] + " return");
        body.add("ip6 " + subj + " != @" + g[1] + " return");
        for (int i = 0; i < rules.size(); i++) {
          NetworkPolicyRule r = rules.get(i);
          List<List<Frag>> peers = null;
          if (!r.peers().isEmpty()) {
            peers = new ArrayList<>();
            for (NetworkPolicyPeer p : r.peers()) {
              peers.add(npPeer(en.getKey(), p, dir));
            }
          }
          List<List<Frag>> ports = r.ports().isEmpty() ? null : npPorts(r.ports());
          String comment = comment(np.ref() + " " + dir + "[" + i + "]");
          body.addAll(combine(peers, ports, "accept" + comment));
        }
        chains.put(chain, new ChainDef(chain, "", body));
        jumps.add("jump " + chain);
      }
      if (!jumps.isEmpty()) {
        String nsChain = "ns/" + en.getKey() + "/" + dir;
        chains.put(nsChain, new ChainDef(nsChain, "", jumps));
        withChains.add(en.getKey());
      }
    }
    Map<String, String> labels = new HashMap<>();
    for (Pod p : local) {
      String ns = p.metadata().namespace();
      List<NetworkPolicy> nps = byNamespace.getOrDefault(ns, List.of());
      List<String> isolating = new ArrayList<>();
      for (NetworkPolicy np : nps) {
        if (np.podSelector().matches(p.metadata().labels())) {
          isolating.add(np.ref().namespace() + "/" + np.ref().name());
        }
      }
      for (IpAddress ip : owned.get(p.ref())) {
        if (withChains.contains(ns)) {
          (ip.isIpv4() ? ns4 : ns6).put(ip.toString(), "jump ns/" + ns + "/" + dir);
        }
        if (!isolating.isEmpty()) {
          String value = "";
          if (log) {
            String key = String.join(",", isolating);
            value =
                labels.computeIfAbsent(
                    key,
                    k -> {
                      String v =
                          deny(
                              dir
                                  + " denied: isolated by NetworkPolicy "
                                  + String.join(", ", isolating));
                      isolationLogs.add(v.substring("goto ".length()));
                      return v;
                    });
          }
          (ip.isIpv4() ? iso4 : iso6).put(ip.toString(), value);
        }
      }
    }
    addMap("ns-" + dir + "4", "type ipv4_addr : verdict;", ns4);
    addMap("ns-" + dir + "6", "type ipv6_addr : verdict;", ns6);
    List<String> body = new ArrayList<>();
    body.add("ip " + subj + " vmap @ns-" + dir + "4");
    body.add("ip6 " + subj + " vmap @ns-" + dir + "6");
    if (log) {
      addMap("isolated-" + dir + "4", "type ipv4_addr : verdict;", iso4);
      addMap("isolated-" + dir + "6", "type ipv6_addr : verdict;", iso6);
      body.add("ip " + subj + " vmap @isolated-" + dir + "4");
      body.add("ip6 " + subj + " vmap @isolated-" + dir + "6");
    } else {
      addSet("isolated-" + dir + "4", "type ipv4_addr;", iso4);
      addSet("isolated-" + dir + "6", "type ipv6_addr;", iso6);
      body.add("ip " + subj + " @isolated-" + dir + "4 drop");
      body.add("ip6 " + subj + " @isolated-" + dir + "6 drop");
    }
    body.add("goto " + dir + "-baseline");
    chains.put(dir + "-np", new ChainDef(dir + "-np", "", body));
  }

  /**
   * The verdict of a denial: drop, or a jump to a rate-limited log chain tagged with {@code why}.
   */
  private String deny(String why) {
    if (!log) {
      return "drop";
    }
    String prefix = logPrefix(why);
    String name = logChain(why);
    chains.put(
        name,
        new ChainDef(
            name,
            "",
            List.of(
                "limit rate "
                    + logRate
                    + "/second burst "
                    + logRate
                    + " packets log prefix \""
                    + quote(prefix)
                    + "\" level info",
                "drop")));
    return "goto " + name;
  }

  // -----------------------------------------------------------------------------------------------
  // Match fragments

  /** A match fragment: nft text and the family it is bound to (null: either). */
  private record Frag(String text, IpFamily family) {}

  /**
   * Expands a rule: one nft rule per (peer fragment, port fragment) whose families agree. {@code
   * peers} null: any peer; empty: matches nothing (no rule). {@code ports} null: any port.
   */
  private static List<String> combine(
      List<List<Frag>> peers, List<List<Frag>> ports, String verdict) {
    List<String> out = new ArrayList<>();
    List<List<Frag>> ps = peers == null ? List.of(List.of(new Frag("", null))) : peers;
    List<List<Frag>> qs = ports == null ? List.of(List.of(new Frag("", null))) : ports;
    for (List<Frag> peer : ps) {
      for (Frag p : peer) {
        for (List<Frag> port : qs) {
          for (Frag q : port) {
            if (p.family != null && q.family != null && p.family != q.family) {
              continue;
            }
            String text = (p.text + " " + q.text).strip();
            out.add(text.isEmpty() ? verdict.strip() : text + " " + verdict.strip());
          }
        }
      }
    }
    return out;
  }

  private List<Frag> npPeer(String namespace, NetworkPolicyPeer p, String dir) {
    String other = dir.equals("ingress") ? "saddr" : "daddr";
    if (p.ipBlock().isPresent()) {
      return List.of(block(p.ipBlock().get(), other));
    }
    GroupKey key =
        p.namespaceSelector().isPresent()
            ? new GroupKey("", p.podSelector(), p.namespaceSelector().get())
            : new GroupKey(namespace, p.podSelector(), null);
    return groupFrags(key, other);
  }

  private List<Frag> groupFrags(GroupKey key, String other) {
    String[] g = group(key);
    return List.of(
        new Frag("ip " + other + " @" + g[0], IpFamily.IPV4),
        new Frag("ip6 " + other + " @" + g[1], IpFamily.IPV6));
  }

  private Frag block(IpBlock b, String other) {
    boolean v4 = b.cidr().family() == IpFamily.IPV4;
    String ip = v4 ? "ip " : "ip6 ";
    if (b.except().isEmpty()) {
      return new Frag(ip + other + " " + b.cidr(), b.cidr().family());
    }
    List<Cidr> parts = b.cidr().except(b.except());
    Map<String, String> els = new LinkedHashMap<>();
    for (Cidr c : parts) {
      els.put(c.toString(), "");
    }
    String text = "ipBlock " + b.cidr() + " except " + b.except();
    String name = (v4 ? "cidr4-" : "cidr6-") + hash(text);
    addSet(
        name,
        "type "
            + (v4 ? "ipv4_addr" : "ipv6_addr")
            + "; flags interval; comment \""
            + quote(text)
            + "\";",
        els);
    return new Frag(ip + other + " @" + name, b.cidr().family());
  }

  /** Null when the peer matches nothing (domain names: fail closed, as the evaluator). */
  private List<Frag> adminPeer(AdminPeer p, String dir) {
    String other = dir.equals("ingress") ? "saddr" : "daddr";
    if (p instanceof AdminPeer.Namespaces || p instanceof AdminPeer.Pods) {
      return groupFrags(adminKey(p), other);
    }
    if (p instanceof AdminPeer.Networks n) {
      List<Frag> out = new ArrayList<>();
      for (IpFamily f : IpFamily.values()) {
        List<Cidr> cidrs = new ArrayList<>();
        for (Cidr c : n.cidrs()) {
          if (c.family() == f) {
            cidrs.add(c);
          }
        }
        if (cidrs.isEmpty()) {
          continue;
        }
        // Disjoint for an interval set: CIDRs either nest or do not overlap.
        List<Cidr> disjoint = new ArrayList<>();
        for (Cidr c : cidrs) {
          boolean covered = false;
          for (Cidr o : cidrs) {
            if (!o.equals(c) && o.contains(c)) {
              covered = true;
              break;
            }
          }
          if (!covered && !disjoint.contains(c)) {
            disjoint.add(c);
          }
        }
        disjoint.sort(null);
        boolean v4 = f == IpFamily.IPV4;
        String ip = v4 ? "ip " : "ip6 ";
        if (disjoint.size() == 1) {
          out.add(new Frag(ip + other + " " + disjoint.get(0), f));
          continue;
        }
        Map<String, String> els = new LinkedHashMap<>();
        disjoint.forEach(c -> els.put(c.toString(), ""));
        String text = "networks " + disjoint;
        String name = (v4 ? "cidr4-" : "cidr6-") + hash(text);
        addSet(
            name,
            "type "
                + (v4 ? "ipv4_addr" : "ipv6_addr")
                + "; flags interval; comment \""
                + quote(text)
                + "\";",
            els);
        out.add(new Frag(ip + other + " @" + name, f));
      }
      return out;
    }
    if (p instanceof AdminPeer.Nodes n) {
      Map<String, String> e4 = new LinkedHashMap<>();
      Map<String, String> e6 = new LinkedHashMap<>();
      for (Node node : state.nodes()) {
        if (n.selector().matches(node.metadata().labels())) {
          node.addresses()
              .forEach(a -> a.ip().ifPresent(ip -> (ip.isIpv4() ? e4 : e6).put(ip.toString(), "")));
        }
      }
      String text = "nodes " + Texts.selector(n.selector());
      String h = hash(text);
      addSet("nodes4-" + h, "type ipv4_addr; comment \"" + quote(text) + "\";", e4);
      addSet("nodes6-" + h, "type ipv6_addr; comment \"" + quote(text) + "\";", e6);
      return List.of(
          new Frag("ip " + other + " @nodes4-" + h, IpFamily.IPV4),
          new Frag("ip6 " + other + " @nodes6-" + h, IpFamily.IPV6));
    }
    return null;
  }

  private List<List<Frag>> npPorts(List<NetworkPolicyPort> ports) {
    Map<Protocol, List<int[]>> numeric = new TreeMap<>();
    List<List<Frag>> out = new ArrayList<>();
    for (NetworkPolicyPort p : ports) {
      if (p.port().isEmpty()) {
        numeric
            .computeIfAbsent(p.protocol(), k -> new ArrayList<>())
            .add(new int[] {PortRange.MIN_PORT, PortRange.MAX_PORT});
      } else if (p.port().get() instanceof PortRef.Number n) {
        numeric
            .computeIfAbsent(p.protocol(), k -> new ArrayList<>())
            .add(new int[] {n.port(), p.endPort().orElse(n.port())});
      } else {
        out.add(named(((PortRef.Name) p.port().get()).name(), p.protocol()));
      }
    }
    List<List<Frag>> result = numericFrags(numeric);
    result.addAll(out);
    return result;
  }

  private List<List<Frag>> adminPorts(List<AdminPort> ports) {
    Map<Protocol, List<int[]>> numeric = new TreeMap<>();
    List<List<Frag>> out = new ArrayList<>();
    for (AdminPort p : ports) {
      if (p instanceof AdminPort.Number n) {
        numeric
            .computeIfAbsent(n.protocol(), k -> new ArrayList<>())
            .add(new int[] {n.port(), n.port()});
      } else if (p instanceof AdminPort.Range r) {
        numeric
            .computeIfAbsent(r.protocol(), k -> new ArrayList<>())
            .add(new int[] {r.start(), r.end()});
      } else {
        // The container port of that name decides the protocol.
        out.add(named(((AdminPort.Named) p).name(), null));
      }
    }
    List<List<Frag>> result = numericFrags(numeric);
    result.addAll(out);
    return result;
  }

  private List<List<Frag>> numericFrags(Map<Protocol, List<int[]>> numeric) {
    List<List<Frag>> out = new ArrayList<>();
    for (Map.Entry<Protocol, List<int[]>> e : numeric.entrySet()) {
      String proto = e.getKey().name().toLowerCase(Locale.ROOT);
      List<int[]> ranges = merge(e.getValue());
      if (ranges.size() == 1
          && ranges.get(0)[0] == PortRange.MIN_PORT
          && ranges.get(0)[1] == PortRange.MAX_PORT) {
        out.add(List.of(new Frag("meta l4proto " + proto, null)));
      } else if (ranges.size() == 1) {
        out.add(List.of(new Frag(proto + " dport " + range(ranges.get(0)), null)));
      } else {
        Map<String, String> els = new LinkedHashMap<>();
        ranges.forEach(r -> els.put(range(r), ""));
        String name = "ports-" + proto + "-" + hash(String.join(",", els.keySet()));
        addSet(name, "type inet_service; flags interval;", els);
        out.add(List.of(new Frag(proto + " dport @" + name, null)));
      }
    }
    return out;
  }

  private static String range(int[] r) {
    return r[0] == r[1] ? Integer.toString(r[0]) : r[0] + "-" + r[1];
  }

  private static List<int[]> merge(List<int[]> ranges) {
    List<int[]> sorted = new ArrayList<>(ranges);
    sorted.sort(Comparator.comparingInt((int[] r) -> r[0]));
    List<int[]> out = new ArrayList<>();
    for (int[] r : sorted) {
      if (!out.isEmpty() && out.get(out.size() - 1)[1] >= r[0] - 1) {
        int[] last = out.get(out.size() - 1);
        last[1] = Math.max(last[1], r[1]);
      } else {
        out.add(new int[] {r[0], r[1]});
      }
    }
    return out;
  }

  /**
   * A named port, resolved on the destination pod: its address, protocol and number are elements of
   * the name's set, so the match is {@code ip daddr . meta l4proto . th dport @named4-NAME}.
   */
  private List<Frag> named(String name, Protocol protocol) {
    String n4 = "named4-" + name;
    String n6 = "named6-" + name;
    if (!sets.containsKey(n4)) {
      Map<String, String> e4 = new LinkedHashMap<>();
      Map<String, String> e6 = new LinkedHashMap<>();
      for (Pod p : pods) {
        Set<Protocol> seen = new LinkedHashSet<>();
        for (ContainerPort cp : p.containerPorts()) {
          if (cp.name().isPresent() && cp.name().get().equals(name) && seen.add(cp.protocol())) {
            String proto = cp.protocol().name().toLowerCase(Locale.ROOT);
            for (IpAddress ip : owned.get(p.ref())) {
              (ip.isIpv4() ? e4 : e6).put(ip + " . " + proto + " . " + cp.containerPort(), "");
            }
          }
        }
      }
      addSet(
          n4,
          "type ipv4_addr . inet_proto . inet_service; comment \"named port " + name + "\";",
          e4);
      addSet(
          n6,
          "type ipv6_addr . inet_proto . inet_service; comment \"named port " + name + "\";",
          e6);
    }
    String guard =
        protocol == null
            ? "meta l4proto { tcp, udp, sctp }"
            : "meta l4proto " + protocol.name().toLowerCase(Locale.ROOT);
    return List.of(
        new Frag(guard + " ip daddr . meta l4proto . th dport @" + n4, IpFamily.IPV4),
        new Frag(guard + " ip6 daddr . meta l4proto . th dport @" + n6, IpFamily.IPV6));
  }

  // -----------------------------------------------------------------------------------------------
  // Groups

  /**
   * Pods by selector: a pod selector in one namespace ({@code namespaces} null), or in the
   * namespaces a selector picks ({@code namespace} ignored).
   */
  record GroupKey(String namespace, Optional<LabelSelector> pods, LabelSelector namespaces) {
    /** Whether the group holds {@code p} in snapshot {@code s}. */
    boolean matches(Pod p, ClusterState s, Map<String, Map<String, String>> nsLabels) {
      if (p.hostNetwork()) {
        return false;
      }
      String ns = p.metadata().namespace();
      if (namespaces == null) {
        if (!ns.equals(namespace)) {
          return false;
        }
      } else if (!namespaces.matches(
          nsLabels.computeIfAbsent(ns, n -> Texts.namespaceLabels(s, n)))) {
        return false;
      }
      return pods.orElse(LabelSelector.EVERYTHING).matches(p.metadata().labels());
    }

    String text() {
      String p = "podSelector " + pods.map(Texts::selector).orElse("{}");
      return namespaces == null
          ? "namespace " + namespace + " " + p
          : "namespaceSelector " + Texts.selector(namespaces) + " " + p;
    }
  }

  private static GroupKey adminKey(AdminPeer p) {
    if (p instanceof AdminPeer.Namespaces ns) {
      return new GroupKey("", Optional.empty(), ns.selector());
    }
    AdminPeer.Pods pods = (AdminPeer.Pods) p;
    return new GroupKey("", Optional.of(pods.podSelector()), pods.namespaceSelector());
  }

  /** The names of a group's IPv4 and IPv6 sets, filling them when new. */
  private String[] group(GroupKey key) {
    String text = key.text();
    String h = hash(text);
    String[] names = {"pods4-" + h, "pods6-" + h};
    if (sets.containsKey(names[0])) {
      return names;
    }
    groups.put(names[0], key);
    Map<String, String> e4 = new LinkedHashMap<>();
    Map<String, String> e6 = new LinkedHashMap<>();
    LabelSelector podSelector = key.pods().orElse(LabelSelector.EVERYTHING);
    List<String> namespaces = new ArrayList<>();
    if (key.namespaces() == null) {
      namespaces.add(key.namespace());
    } else {
      if (namespaceNames == null) {
        namespaceNames = Resolver.sortedNamespaceNames(state);
      }
      for (String ns : namespaceNames) {
        Map<String, String> labels =
            nsLabels.computeIfAbsent(ns, n -> Texts.namespaceLabels(state, n));
        if (key.namespaces().matches(labels)) {
          namespaces.add(ns);
        }
      }
    }
    for (String ns : namespaces) {
      for (Pod p : state.pods(ns, podSelector)) {
        for (IpAddress ip : owned.getOrDefault(p.ref(), List.of())) {
          (ip.isIpv4() ? e4 : e6).put(ip.toString(), "");
        }
      }
    }
    String comment = " comment \"" + quote(text) + "\";";
    addSet(names[0], "type ipv4_addr;" + comment, e4);
    addSet(names[1], "type ipv6_addr;" + comment, e6);
    return names;
  }

  // -----------------------------------------------------------------------------------------------
  // Names

  private void addSet(String name, String declaration, Map<String, String> elements) {
    sets.put(name, new SetDef(name, declaration, false, elements));
  }

  private void addMap(String name, String declaration, Map<String, String> elements) {
    sets.put(name, new SetDef(name, declaration, true, elements));
  }

  /** {@code np/NS/NAME/DIR}, {@code anp/NAME/DIR}, … shortened with a hash past 200 chars. */
  static String policyChain(ObjectRef ref, String dir) {
    String kind =
        switch (ref.kind()) {
          case "NetworkPolicy" -> "np";
          case "AdminNetworkPolicy" -> "anp";
          case "BaselineAdminNetworkPolicy" -> "banp";
          default -> "cnp";
        };
    String name =
        kind + "/" + (ref.namespace().isEmpty() ? "" : ref.namespace() + "/") + ref.name();
    if (name.length() > 200) {
      name = name.substring(0, 180) + "~" + hash(name);
    }
    return name + "/" + dir;
  }

  private static String comment(String text) {
    String t = quote(text);
    if (t.length() > 120) {
      t = t.substring(0, 117) + "...";
    }
    return " comment \"" + t + "\"";
  }

  /** Text inside double quotes: nft has no escapes, so quotes become apostrophes. */
  private static String quote(String s) {
    return s.replace('"', '\'').replace('\n', ' ');
  }

  static String hash(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 5);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
