package dev.k8snet.proxy.internal;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.proxy.ProxyConfig;
import dev.k8snet.proxy.ServiceEndpoint;
import dev.k8snet.proxy.ServicePortInfo;
import dev.k8snet.proxy.ServiceTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The nftables layout of one family's service table: a fixed skeleton of base chains (upstream
 * kube-proxy's hooks and priorities), named sets and maps, and a few shared dispatch chains named
 * by endpoint count; every service is only map/set elements, so changing one service touches only
 * its elements.
 *
 * <p>Dispatch: {@code service-ips} (and {@code service-nodeports}) map a frontend to a shared chain
 * such as {@code tcp-svc-3}; that chain marks for masquerade as the frontend kind requires and
 * jumps to {@code tcp-pick-3}, whose single rule {@code dnat to ip daddr . tcp dport . numgen
 * random mod 3 map @slots-tcp} picks one of the frontend's three slot elements, each an endpoint.
 * So selection is exactly uniform, the data path is two map lookups whatever the number of
 * services, and the number of chains is bounded by the distinct endpoint counts.
 */
public final class NftLayout {
  /** Maps and sets holding per-service elements, in the order additions are emitted. */
  public static final List<String> ELEMENT_SETS =
      List.of(
          "slots-tcp",
          "slots-udp",
          "slots-sctp",
          "local-slots-tcp",
          "local-slots-udp",
          "local-slots-sctp",
          "np-slots-tcp",
          "np-slots-udp",
          "np-slots-sctp",
          "np-local-slots-tcp",
          "np-local-slots-udp",
          "np-local-slots-sctp",
          "firewall-allow",
          "firewall-ips",
          "hairpin",
          "service-ips",
          "service-nodeports",
          "no-endpoint-services",
          "no-endpoint-nodeports",
          "cluster-ips");

  private static final List<String> PROTOCOLS = List.of("tcp", "udp", "sctp");

  private final ServiceTable table;
  private final IpFamily family;
  private final String tableName;
  private final String af;
  private final String ip;
  private final String addrType;
  private final ProxyConfig config;

  /**
   * Creates the layout of one table.
   *
   * @param table the service table
   * @param tableName the nftables table name
   */
  public NftLayout(ServiceTable table, String tableName) {
    this.table = table;
    this.family = table.family();
    this.tableName = tableName;
    this.af = family == IpFamily.IPV4 ? "ip" : "ip6";
    this.ip = af;
    this.addrType = family == IpFamily.IPV4 ? "ipv4_addr" : "ipv6_addr";
    this.config = table.config();
  }

  public String family() {
    return af;
  }

  public String tableName() {
    return tableName;
  }

  /** {@code ip k8snet-proxy}. */
  public String qualified() {
    return af + " " + tableName;
  }

  private String mark() {
    return String.format(Locale.ROOT, "0x%x", config.masqueradeMark());
  }

  private String podCidrs() {
    List<Cidr> c = config.clusterCidrs(family);
    return c.size() == 1
        ? c.get(0).toString()
        : c.stream().map(Cidr::toString).collect(Collectors.joining(", ", "{ ", " }"));
  }

  /**
   * Returns the skeleton: the table with its sets, maps and fixed chains, without elements and
   * without dispatch chains.
   *
   * @return nft text
   */
  public String skeleton() {
    return skeleton(fingerprint());
  }

  /**
   * Returns a hash of everything the layout derives from the settings (the skeleton and the rules
   * of the shared chains), kept in the table's comment so that a table read back at start-up can be
   * told to have been written with the same settings.
   *
   * @return 16 hex digits
   */
  public String fingerprint() {
    StringBuilder sb = new StringBuilder(skeleton(""));
    for (String c :
        List.of(
            "tcp-svc-1",
            "tcp-ext-1",
            "tcp-ext-local-1-1",
            "tcp-pick-1",
            "np-udp-pick-m" + Math.max(1, config.maglevTableSize()))) {
      sb.append(c).append(dispatchRules(c));
    }
    try {
      byte[] h =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(h, 0, 8);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Returns the name of the empty chain that carries the fingerprint (nft 1.0.6 does not list a
   * table's comment in JSON, so the comment alone cannot be read back).
   *
   * @return {@code layout-} and the fingerprint
   */
  public String fingerprintChain() {
    return "layout-" + fingerprint();
  }

  /**
   * Returns the fixed chains of the skeleton with the number of rules each has.
   *
   * @return chain name to rule count
   */
  public Map<String, Integer> skeletonChains() {
    Map<String, Integer> out = new LinkedHashMap<>();
    String current = null;
    for (String line : skeleton("").split("\n")) {
      if (line.startsWith("  chain ")) {
        current = line.substring(8, line.length() - 2);
        out.put(current, 0);
      } else if (line.equals("  }")) {
        current = null;
      } else if (current != null && line.startsWith("    ") && !line.startsWith("    type ")) {
        out.merge(current, 1, Integer::sum);
      }
    }
    return out;
  }

  /**
   * Returns the named sets and maps of the skeleton.
   *
   * @return their names
   */
  public List<String> skeletonSets() {
    List<String> out = new ArrayList<>(ELEMENT_SETS);
    out.add("nodeport-ips");
    return out;
  }

  private String skeleton(String fingerprint) {
    String fe = ip + " daddr . meta l4proto . th dport";
    String np = "meta l4proto . th dport";
    StringBuilder sb = new StringBuilder();
    sb.append("table ").append(qualified()).append(" {\n");
    sb.append("  comment \"k8snet service proxy")
        .append(fingerprint.isEmpty() ? "" : " " + fingerprint)
        .append("\"\n");
    if (!fingerprint.isEmpty()) {
      sb.append("  chain layout-").append(fingerprint).append(" {\n  }\n");
    }
    String key = addrType + " . inet_proto . inet_service";
    map(sb, "service-ips", "type " + key + " : verdict");
    map(sb, "service-nodeports", "type inet_proto . inet_service : verdict");
    map(sb, "no-endpoint-services", "type " + key + " : verdict");
    map(sb, "no-endpoint-nodeports", "type inet_proto . inet_service : verdict");
    set(sb, "firewall-ips", "type " + key);
    set(sb, "firewall-allow", "type " + key + " . " + addrType + "\n    flags interval");
    set(sb, "cluster-ips", "type " + addrType);
    set(sb, "nodeport-ips", "type " + addrType);
    set(sb, "hairpin", "type " + addrType + " . " + addrType);
    // One slot map per protocol, typed with "tcp dport" and the like: a "th dport" in a map's
    // data trips nft 1.0.6 once it reads the map back from the kernel ("conflicting protocols"),
    // and the protocol-specific forms make the dnat statement match its own protocol only.
    for (String p : PROTOCOLS) {
      String slotValue = " : " + ip + " daddr . " + p + " dport";
      map(
          sb,
          "slots-" + p,
          "typeof " + ip + " daddr . " + p + " dport . numgen random mod 1" + slotValue);
      map(
          sb,
          "local-slots-" + p,
          "typeof " + ip + " daddr . " + p + " dport . numgen random mod 1" + slotValue);
      map(sb, "np-slots-" + p, "typeof " + p + " dport . numgen random mod 1" + slotValue);
      map(sb, "np-local-slots-" + p, "typeof " + p + " dport . numgen random mod 1" + slotValue);
    }
    chain(sb, "mark-for-masquerade", "meta mark set meta mark or " + mark());
    chain(
        sb,
        "masquerading",
        "meta mark & " + mark() + " == 0 return",
        "meta mark set meta mark xor " + mark(),
        "masquerade fully-random");
    chain(sb, "reject-chain", "reject");
    chain(
        sb,
        "firewall-check",
        fe + " @firewall-ips " + fe + " . " + ip + " saddr != @firewall-allow drop");
    chain(sb, "service-endpoints-check", fe + " vmap @no-endpoint-services");
    String npMatch =
        table.nodePortsOnAllLocalAddresses()
            ? "fib daddr type local "
                + ip
                + " daddr != "
                + (family == IpFamily.IPV4 ? "127.0.0.0/8" : "::1")
            : ip + " daddr @nodeport-ips";
    chain(sb, "nodeport-endpoints-check", npMatch + " " + np + " vmap @no-endpoint-nodeports");
    List<String> cipRules = new ArrayList<>();
    cipRules.add(ip + " daddr @cluster-ips reject");
    List<Cidr> scidrs = config.serviceCidrs(family);
    if (!scidrs.isEmpty()) {
      cipRules.add(
          ip
              + " daddr "
              + scidrs.stream().map(Cidr::toString).collect(Collectors.joining(", ", "{ ", " }"))
              + " drop");
    }
    chain(sb, "cluster-ips-check", cipRules.toArray(String[]::new));
    chain(
        sb, "services", fe + " vmap @service-ips", npMatch + " " + np + " vmap @service-nodeports");
    base(
        sb,
        "filter-prerouting-pre-dnat",
        "filter",
        "prerouting",
        "-110",
        "ct state new jump firewall-check");
    base(
        sb,
        "filter-output-pre-dnat",
        "filter",
        "output",
        "-110",
        "ct state new jump firewall-check");
    List<String> forward = new ArrayList<>();
    if (!config.conntrack().tcpBeLiberal()) {
      // kube-proxy: an INVALID packet would otherwise reach the endpoint un-NATed and be answered
      // with a reset that kills the connection (#74839).
      forward.add("ct state invalid drop");
    }
    forward.add("ct state new jump service-endpoints-check");
    forward.add("ct state new jump cluster-ips-check");
    base(sb, "filter-forward", "filter", "forward", "0", forward.toArray(String[]::new));
    base(
        sb,
        "filter-input",
        "filter",
        "input",
        "0",
        "ct state new jump nodeport-endpoints-check",
        "ct state new jump service-endpoints-check");
    base(
        sb,
        "filter-output",
        "filter",
        "output",
        "0",
        "ct state new jump service-endpoints-check",
        "ct state new jump cluster-ips-check");
    base(sb, "nat-prerouting", "nat", "prerouting", "-100", "jump services");
    base(sb, "nat-output", "nat", "output", "-100", "jump services");
    base(
        sb,
        "nat-postrouting",
        "nat",
        "postrouting",
        "100",
        "ct status dnat " + ip + " saddr . " + ip + " daddr @hairpin jump mark-for-masquerade",
        "jump masquerading");
    sb.append("}\n");
    return sb.toString();
  }

  private static void map(StringBuilder sb, String name, String body) {
    sb.append("  map ").append(name).append(" {\n    ").append(body).append("\n  }\n");
  }

  private static void set(StringBuilder sb, String name, String body) {
    sb.append("  set ").append(name).append(" {\n    ").append(body).append("\n  }\n");
  }

  private static void chain(StringBuilder sb, String name, String... rules) {
    sb.append("  chain ").append(name).append(" {\n");
    for (String r : rules) {
      sb.append("    ").append(r).append('\n');
    }
    sb.append("  }\n");
  }

  private static void base(
      StringBuilder sb, String name, String type, String hook, String prio, String... rules) {
    sb.append("  chain ")
        .append(name)
        .append(" {\n    type ")
        .append(type)
        .append(" hook ")
        .append(hook)
        .append(" priority ")
        .append(prio)
        .append("; policy accept;\n");
    for (String r : rules) {
      sb.append("    ").append(r).append('\n');
    }
    sb.append("  }\n");
  }

  /**
   * Returns the rules of a dispatch chain, from its name alone.
   *
   * @param name e.g. {@code svc-3}, {@code np-ext-local-2-1}
   * @return the rules
   */
  public List<String> dispatchRules(String name) {
    boolean nodePort = name.startsWith("np-");
    String rest = nodePort ? name.substring(3) : name;
    int dash = rest.indexOf('-');
    String proto = rest.substring(0, Math.max(dash, 0));
    if (dash < 0 || !PROTOCOLS.contains(proto)) {
      throw new IllegalArgumentException("chain: " + name + " (expected: a dispatch chain)");
    }
    rest = rest.substring(dash + 1);
    String prefix = (nodePort ? "np-" : "") + proto + "-";
    String[] parts = rest.split("-");
    List<String> rules = new ArrayList<>();
    if (rest.startsWith("local-pick-") || rest.startsWith("pick-")) {
      boolean local = rest.startsWith("local-");
      String token = parts[parts.length - 1];
      String keyExpr = (nodePort ? "" : ip + " daddr . ") + proto + " dport";
      String pick =
          token.startsWith("m")
              ? String.format(
                  Locale.ROOT,
                  "jhash %s saddr . %s sport . %s dport mod %d seed 0x%x",
                  ip,
                  proto,
                  proto,
                  Integer.parseInt(token.substring(1)),
                  config.maglevSeed())
              : "numgen random mod " + Integer.parseInt(token);
      rules.add(
          "dnat to "
              + keyExpr
              + " . "
              + pick
              + " map @"
              + (nodePort ? "np-" : "")
              + (local ? "local-slots-" : "slots-")
              + proto);
    } else if (rest.startsWith("svc-")) {
      rules.addAll(frontRules("svc", prefix + "pick-" + parts[1], null));
    } else if (rest.startsWith("ext-local-")) {
      String c = parts[2];
      String l = parts[3];
      rules.addAll(
          frontRules(
              "ext-local",
              c.equals("0") ? null : prefix + "pick-" + c,
              l.equals("0") ? null : prefix + "local-pick-" + l));
    } else if (rest.startsWith("ext-")) {
      rules.addAll(frontRules("ext", prefix + "pick-" + parts[1], null));
    } else {
      throw new IllegalArgumentException("chain: " + name + " (expected: a dispatch chain)");
    }
    return rules;
  }

  /**
   * The rules of a frontend chain: {@code svc} (ClusterIP: masquerade non-pod sources, then pick),
   * {@code ext} (external, Cluster policy: always masquerade) or {@code ext-local} (external, Local
   * policy: pod sources short-circuit to the cluster pick, node sources are masqueraded to it, the
   * rest go to the local pick). A null pick means that set is empty.
   */
  private List<String> frontRules(String kind, String clusterPick, String localPick) {
    List<String> rules = new ArrayList<>();
    List<Cidr> pods = config.clusterCidrs(family);
    switch (kind) {
      case "svc" -> {
        if (config.masqueradeAll()) {
          rules.add("jump mark-for-masquerade");
        } else if (!pods.isEmpty()) {
          rules.add(ip + " saddr != " + podCidrs() + " jump mark-for-masquerade");
        }
        rules.add("goto " + clusterPick);
      }
      case "ext" -> {
        rules.add("jump mark-for-masquerade");
        rules.add("goto " + clusterPick);
      }
      default -> {
        if (clusterPick != null) {
          if (!pods.isEmpty()) {
            rules.add(ip + " saddr " + podCidrs() + " goto " + clusterPick);
          }
          rules.add("fib saddr type local jump mark-for-masquerade");
          rules.add("fib saddr type local goto " + clusterPick);
        }
        if (localPick != null) {
          rules.add("goto " + localPick);
        }
      }
    }
    return rules;
  }

  /** The prefix of every object that belongs to one service port (ClientIP affinity). */
  public static final String AFFINITY_PREFIX = "affinity-";

  /** Whether a chain or set name belongs to one service port rather than being shared. */
  public static boolean isPortObject(String name) {
    return name.startsWith(AFFINITY_PREFIX);
  }

  /** The name stem of a service port's affinity objects: name and timeout hashed. */
  private static String affinityStem(ServicePortInfo p) {
    String id = p.name() + "/" + p.affinityTimeout().orElseThrow().getSeconds();
    try {
      byte[] h =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return AFFINITY_PREFIX + java.util.HexFormat.of().formatHex(h, 0, 6);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String epName(ServiceEndpoint e) {
    return e.ip().toString().replace(':', '.') + "-" + e.port();
  }

  /**
   * Returns the sets and chains that belong to one service port alone, in creation order (what they
   * reference first), as name to definition ({@code "set\n" + body} or {@code "chain\n" + rules});
   * empty for ports without ClientIP affinity.
   *
   * <p>Affinity is kube-proxy's: per endpoint a set of client addresses with the service's timeout,
   * refreshed by the endpoint's chain on every new connection it takes; before picking (at random,
   * or by Maglev), the pick chain sends a client found in an endpoint's set to that endpoint. The
   * key is the client address alone, so the affinity holds across every frontend of the port.
   *
   * @param p the service port
   * @return the objects
   */
  public Map<String, String> portObjects(ServicePortInfo p) {
    Map<String, String> out = new LinkedHashMap<>();
    if (p.affinityTimeout().isEmpty() || !p.hasEndpoints()) {
      return out;
    }
    String stem = affinityStem(p);
    long timeout = Math.max(1, p.affinityTimeout().get().getSeconds());
    String proto = p.protocol().lowerCaseName();
    java.util.TreeSet<ServiceEndpoint> all = new java.util.TreeSet<>(p.clusterEndpoints());
    boolean usesLocal = p.internalPolicyLocal() || p.externalPolicyLocal();
    if (usesLocal) {
      all.addAll(p.localEndpoints());
    }
    for (ServiceEndpoint e : all) {
      out.put(
          stem + "-" + epName(e),
          "set\ntype " + addrType + "; flags dynamic,timeout; timeout " + timeout + "s;");
    }
    for (ServiceEndpoint e : all) {
      String target = e.ip().isIpv6() ? "[" + e.ip() + "]:" + e.port() : e.hostPort();
      out.put(
          stem + "-ep-" + epName(e),
          "chain\nupdate @"
              + stem
              + "-"
              + epName(e)
              + " { "
              + ip
              + " saddr }\nmeta l4proto "
              + proto
              + " dnat to "
              + target);
    }
    String pick = null;
    String localPick = null;
    if (!p.clusterEndpoints().isEmpty()) {
      pick = stem + "-pick";
      out.put(pick, "chain\n" + String.join("\n", affinityPick(stem, p, p.clusterEndpoints())));
    }
    if (usesLocal && !p.localEndpoints().isEmpty()) {
      localPick = stem + "-local-pick";
      out.put(localPick, "chain\n" + String.join("\n", affinityPick(stem, p, p.localEndpoints())));
    }
    String internal = p.internalPolicyLocal() ? localPick : pick;
    if (internal != null) {
      out.put(stem + "-svc", "chain\n" + String.join("\n", frontRules("svc", internal, null)));
    }
    if (p.externallyAccessible()) {
      if (p.externalPolicyLocal()) {
        out.put(
            stem + "-ext-local",
            "chain\n" + String.join("\n", frontRules("ext-local", pick, localPick)));
      } else if (pick != null) {
        out.put(stem + "-ext", "chain\n" + String.join("\n", frontRules("ext", pick, null)));
      }
    }
    return out;
  }

  private List<String> affinityPick(String stem, ServicePortInfo p, List<ServiceEndpoint> eps) {
    List<String> rules = new ArrayList<>();
    for (ServiceEndpoint e : eps) {
      rules.add(ip + " saddr @" + stem + "-" + epName(e) + " goto " + stem + "-ep-" + epName(e));
    }
    int m = config.maglevTableSize();
    List<String> vmap = new ArrayList<>();
    String selector;
    if (m > 0) {
      List<String> names = eps.stream().map(ServiceEndpoint::hostPort).toList();
      int[] t = Maglev.table(names, m, config.maglevSeed());
      for (int i = 0; i < m; i++) {
        vmap.add(i + " : goto " + stem + "-ep-" + epName(eps.get(t[i])));
      }
      String proto = p.protocol().lowerCaseName();
      selector =
          String.format(
              Locale.ROOT,
              "jhash %s saddr . %s sport . %s dport mod %d seed 0x%x",
              ip,
              proto,
              proto,
              m,
              config.maglevSeed());
    } else {
      for (int i = 0; i < eps.size(); i++) {
        vmap.add(i + " : goto " + stem + "-ep-" + epName(eps.get(i)));
      }
      selector = "numgen random mod " + eps.size();
    }
    rules.add(selector + " vmap { " + String.join(", ", vmap) + " }");
    return rules;
  }

  /**
   * Returns the nft command that creates a port object (see {@link #portObjects}).
   *
   * @param name the object name
   * @param definition its definition
   * @param exists whether the chain exists already (it is flushed and refilled)
   * @return nft text, one or more lines
   */
  public String portObjectCommands(String name, String definition, boolean exists) {
    String q = qualified();
    StringBuilder sb = new StringBuilder();
    if (definition.startsWith("set\n")) {
      sb.append("add set ")
          .append(q)
          .append(' ')
          .append(name)
          .append(" { ")
          .append(definition.substring(4))
          .append(" }\n");
      return sb.toString();
    }
    sb.append(exists ? "flush chain " : "add chain ").append(q).append(' ').append(name);
    sb.append('\n');
    for (String r : definition.substring(6).split("\n")) {
      sb.append("add rule ").append(q).append(' ').append(name).append(' ').append(r).append('\n');
    }
    return sb.toString();
  }

  /**
   * Returns the dispatch chains a dispatch chain jumps to.
   *
   * @param name a dispatch chain
   * @return the chains it references
   */
  public List<String> dependencies(String name) {
    List<String> out = new ArrayList<>();
    for (String r : dispatchRules(name)) {
      int i = r.lastIndexOf("goto ");
      if (i >= 0) {
        out.add(r.substring(i + 5).trim());
      }
    }
    return out;
  }

  private String addr(IpAddress a) {
    return a.toString();
  }

  private String key(IpAddress a, ServicePortInfo p, int port) {
    return addr(a) + " . " + p.protocol().lowerCaseName() + " . " + port;
  }

  private static String slotKey(IpAddress a, int port) {
    return a + " . " + port;
  }

  private static String ep(ServiceEndpoint e) {
    return e.ip() + " . " + e.port();
  }

  /**
   * Returns the elements of one service port: set name to key to value (empty for plain sets).
   *
   * @param p the service port
   * @return elements by set, in {@link #ELEMENT_SETS} order
   */
  public Map<String, Map<String, String>> elements(ServicePortInfo p) {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    for (String s : ELEMENT_SETS) {
      out.put(s, new LinkedHashMap<>());
    }
    String proto = p.protocol().lowerCaseName();
    boolean affinity = p.affinityTimeout().isPresent();
    out.get("cluster-ips").put(addr(p.clusterIp()), "");
    String k = key(p.clusterIp(), p, p.port());
    if (!p.hasEndpoints()) {
      out.get("no-endpoint-services").put(k, "goto reject-chain");
    } else if (!p.hasInternalEndpoints()) {
      out.get("no-endpoint-services").put(k, "drop");
    } else if (affinity) {
      out.get("service-ips").put(k, "goto " + affinityStem(p) + "-svc");
    } else {
      List<ServiceEndpoint> eps = p.internalEndpoints();
      out.get("service-ips").put(k, "goto " + proto + "-svc-" + sel(eps));
      slots(out.get("slots-" + proto), slotKey(p.clusterIp(), p.port()), eps);
    }
    String extVerdict =
        p.externalPolicyLocal()
            ? proto + "-ext-local-" + sel(p.clusterEndpoints()) + "-" + sel(p.localEndpoints())
            : proto + "-ext-" + sel(p.clusterEndpoints());
    if (affinity) {
      extVerdict = affinityStem(p) + (p.externalPolicyLocal() ? "-ext-local" : "-ext");
    }
    String noExt = p.hasEndpoints() ? "drop" : "goto reject-chain";
    List<IpAddress> externals = new ArrayList<>(p.externalIps());
    for (IpAddress lb : p.loadBalancerIps()) {
      if (!externals.contains(lb)) {
        externals.add(lb);
      }
    }
    for (IpAddress x : externals) {
      String kx = key(x, p, p.port());
      if (p.hasEndpoints()) {
        out.get("service-ips").put(kx, "goto " + extVerdict);
        if (!affinity) {
          slots(out.get("slots-" + proto), slotKey(x, p.port()), p.clusterEndpoints());
        }
        if (!affinity && p.externalPolicyLocal()) {
          slots(out.get("local-slots-" + proto), slotKey(x, p.port()), p.localEndpoints());
        }
      }
      if (!p.hasExternalEndpoints()) {
        out.get("no-endpoint-services").put(kx, noExt);
      }
    }
    if (!p.sourceRanges().isEmpty()) {
      for (IpAddress lb : p.loadBalancerIps()) {
        String kx = key(lb, p, p.port());
        out.get("firewall-ips").put(kx, "");
        for (Cidr c : p.firewallAllowed()) {
          out.get("firewall-allow").put(kx + " . " + c, "");
        }
      }
    }
    if (p.nodePort().isPresent()) {
      String kn = proto + " . " + p.nodePort().getAsInt();
      if (p.hasEndpoints() && affinity) {
        out.get("service-nodeports").put(kn, "goto " + extVerdict);
      } else if (p.hasEndpoints()) {
        out.get("service-nodeports").put(kn, "goto np-" + extVerdict);
        String sk = Integer.toString(p.nodePort().getAsInt());
        slots(out.get("np-slots-" + proto), sk, p.clusterEndpoints());
        if (p.externalPolicyLocal()) {
          slots(out.get("np-local-slots-" + proto), sk, p.localEndpoints());
        }
      }
      if (!p.hasExternalEndpoints()) {
        out.get("no-endpoint-nodeports").put(kn, noExt);
      }
    }
    for (ServiceEndpoint e : p.clusterEndpoints()) {
      out.get("hairpin").put(e.ip() + " . " + e.ip(), "");
    }
    for (ServiceEndpoint e : p.localEndpoints()) {
      out.get("hairpin").put(e.ip() + " . " + e.ip(), "");
    }
    return out;
  }

  private void slots(Map<String, String> into, String key, List<ServiceEndpoint> eps) {
    int m = config.maglevTableSize();
    if (m > 0 && !eps.isEmpty()) {
      List<String> names = eps.stream().map(ServiceEndpoint::hostPort).toList();
      int[] t = Maglev.table(names, m, config.maglevSeed());
      for (int i = 0; i < m; i++) {
        into.put(key + " . " + i, ep(eps.get(t[i])));
      }
      return;
    }
    for (int i = 0; i < eps.size(); i++) {
      into.put(key + " . " + i, ep(eps.get(i)));
    }
  }

  /** The selection token of a chain name: the endpoint count, or m + table size for Maglev. */
  private String sel(List<ServiceEndpoint> eps) {
    int m = config.maglevTableSize();
    return m > 0 && !eps.isEmpty() ? "m" + m : Integer.toString(eps.size());
  }

  /**
   * Returns the node-port addresses ({@code nodeport-ips} elements).
   *
   * @return the addresses
   */
  public List<String> nodePortIps() {
    return table.nodePortIps().stream().map(IpAddress::toString).toList();
  }

  public ServiceTable table() {
    return table;
  }
}
