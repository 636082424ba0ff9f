package dev.k8snet.proxy;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.EndpointSlice;
import dev.k8snet.core.model.IpMode;
import dev.k8snet.core.model.LoadBalancerIngress;
import dev.k8snet.core.model.Service;
import dev.k8snet.core.model.ServicePort;
import dev.k8snet.core.model.ServiceType;
import dev.k8snet.core.model.SessionAffinity;
import dev.k8snet.core.model.TrafficPolicy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The service table of one IP family on one node: every service port with its frontends and usable
 * endpoints, computed from a {@link ClusterState} exactly as kube-proxy does, and a tracer that
 * explains the proxy's verdict for a packet. Pure: no I/O, immutable and thread-safe.
 *
 * <p>What it models (kube-proxy {@code pkg/proxy}): ExternalName and headless services and services
 * without a ClusterIP of this family are skipped; load-balancer IPs with {@code ipMode: Proxy} are
 * not captured; endpoint slices' ports are matched by name and protocol, duplicates of one {@code
 * ip:port} collapse preferring the local copy; topology hints (zone, and node when {@link
 * ProxyConfig#preferSameNode()}) only narrow the cluster set; ready endpoints beat serving and
 * terminating ones, decided separately for the cluster and local sets.
 *
 * <p>Bad input does not break the rest: a port whose node port or frontend is already taken by
 * another service is skipped and reported in {@link #problems()}.
 *
 * <pre>{@code
 * ServiceTable t = ServiceTable.build(state, node, ProxyConfig.DEFAULT, IpFamily.IPV4);
 * TraceResult r = t.trace(IpAddress.parse("10.0.0.2"), IpAddress.parse("172.30.0.41"), 80,
 *     Protocol.TCP);
 * }</pre>
 *
 * @since 0.1.0
 */
public final class ServiceTable {
  private final IpFamily family;
  private final ProxyNode node;
  private final ProxyConfig config;
  private final Map<ServicePortName, ServicePortInfo> ports;
  private final TreeMap<ServicePortName, ServicePortInfo> sorted;
  private final List<String> problems;
  private final List<IpAddress> nodePortIps;
  private final boolean nodePortsOnAllLocal;
  // Lookup index for trace() and update(), built on first use.
  private Index index;
  // Set by update(): the table this one was derived from and the services recomputed, so that
  // changedServices(parent) is O(change) instead of a comparison of every port.
  private ServiceTable parent;
  private Set<String> recomputed = Set.of();

  private ServiceTable(
      IpFamily family,
      ProxyNode node,
      ProxyConfig config,
      Map<ServicePortName, ServicePortInfo> ports,
      List<String> problems) {
    this.family = family;
    this.node = node;
    this.config = config;
    this.sorted =
        ports instanceof TreeMap<ServicePortName, ServicePortInfo> tm ? tm : new TreeMap<>(ports);
    this.ports = Collections.unmodifiableMap(sorted);
    this.problems = List.copyOf(problems);
    boolean all = false;
    boolean primary = config.nodePortAddresses().isEmpty();
    List<Cidr> cidrs = new ArrayList<>();
    for (String a : config.nodePortAddresses()) {
      if (a.equals("primary")) {
        primary = true;
        continue;
      }
      Cidr c = Cidr.parseLegacy(a.trim());
      if (c.family() != family) {
        continue;
      }
      if (c.prefixLength() == 0) {
        all = true;
      }
      cidrs.add(c);
    }
    List<IpAddress> np = new ArrayList<>();
    Optional<IpAddress> primaryIp = node.primaryIp(family);
    for (IpAddress ip : node.ips()) {
      if (ip.family() != family || ip.isLoopback()) {
        continue;
      }
      boolean in =
          (primary && primaryIp.isPresent() && primaryIp.get().equals(ip))
              || cidrs.stream().anyMatch(c -> c.contains(ip));
      if (in && !np.contains(ip)) {
        np.add(ip);
      }
    }
    this.nodePortIps = List.copyOf(np);
    this.nodePortsOnAllLocal = all;
  }

  /** Frontend, node port and ClusterIP lookups over every port. */
  private record Index(
      Map<Frontend, ServicePortInfo> frontends,
      Map<String, ServicePortInfo> nodePorts,
      Map<IpAddress, Integer> clusterIps) {

    static Index of(Collection<ServicePortInfo> ports) {
      Index x = new Index(new HashMap<>(), new HashMap<>(), new HashMap<>());
      ports.forEach(x::add);
      return x;
    }

    static List<Frontend> frontendsOf(ServicePortInfo p) {
      List<Frontend> fes = new ArrayList<>();
      fes.add(new Frontend(p.clusterIp(), p.protocol(), p.port()));
      p.externalIps().forEach(ip -> fes.add(new Frontend(ip, p.protocol(), p.port())));
      p.loadBalancerIps().forEach(ip -> fes.add(new Frontend(ip, p.protocol(), p.port())));
      return fes;
    }

    void add(ServicePortInfo p) {
      clusterIps.merge(p.clusterIp(), 1, Integer::sum);
      frontendsOf(p).forEach(f -> frontends.put(f, p));
      p.nodePort().ifPresent(n -> nodePorts.put(p.protocol() + "/" + n, p));
    }

    void remove(ServicePortInfo p) {
      clusterIps.computeIfPresent(p.clusterIp(), (k, n) -> n <= 1 ? null : n - 1);
      frontendsOf(p).forEach(f -> frontends.remove(f, p));
      p.nodePort().ifPresent(n -> nodePorts.remove(p.protocol() + "/" + n, p));
    }
  }

  private synchronized Index index() {
    if (index == null) {
      index = Index.of(ports.values());
    }
    return index;
  }

  /** A destination address, protocol and port. */
  private record Frontend(IpAddress ip, Protocol protocol, int port) {}

  /**
   * Computes the table.
   *
   * @param state the cluster snapshot
   * @param node the node the proxy runs on
   * @param config the proxy settings
   * @param family the family of this table (kube-proxy runs one proxier per family)
   * @return the table
   */
  public static ServiceTable build(
      ClusterState state, ProxyNode node, ProxyConfig config, IpFamily family) {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(family, "family");
    Map<ServicePortName, ServicePortInfo> ports = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    Set<Frontend> taken = new HashSet<>();
    Set<String> takenNodePorts = new HashSet<>();
    for (Service svc : state.services()) {
      for (ServicePortInfo p : portsOf(state, svc, node, config, family)) {
        List<Frontend> fes = new ArrayList<>();
        fes.add(new Frontend(p.clusterIp(), p.protocol(), p.port()));
        p.externalIps().forEach(ip -> fes.add(new Frontend(ip, p.protocol(), p.port())));
        p.loadBalancerIps().forEach(ip -> fes.add(new Frontend(ip, p.protocol(), p.port())));
        Optional<Frontend> clash = fes.stream().filter(taken::contains).findFirst();
        if (clash.isPresent()) {
          problems.add(
              p.name()
                  + ": frontend "
                  + clash.get().ip()
                  + ":"
                  + clash.get().port()
                  + "/"
                  + p.protocol()
                  + " is already used by another service (skipped)");
          continue;
        }
        if (p.nodePort().isPresent()
            && !takenNodePorts.add(p.protocol() + "/" + p.nodePort().getAsInt())) {
          problems.add(
              p.name()
                  + ": nodePort "
                  + p.nodePort().getAsInt()
                  + "/"
                  + p.protocol()
                  + " is already used by another service (skipped)");
          continue;
        }
        // A frontend may repeat within one port (an externalIP equal to an LB IP): harmless.
        taken.addAll(fes);
        ports.put(p.name(), p);
      }
    }
    return new ServiceTable(family, node, config, ports, problems);
  }

  /**
   * Returns a table for the same node and settings in which the given services were recomputed from
   * {@code state}; every other port is carried over unchanged. Equal to {@code build(state, …)}
   * when {@code services} holds every service that changed.
   *
   * @param state the new snapshot
   * @param services the changed services, as {@code namespace/name}
   * @return the updated table
   */
  public ServiceTable update(ClusterState state, Collection<String> services) {
    if (services.isEmpty()) {
      return this;
    }
    Set<String> changed = new HashSet<>(services);
    TreeMap<ServicePortName, ServicePortInfo> next = new TreeMap<>(sorted);
    // The lookup index moves to the new table (this one rebuilds it if it is ever traced again),
    // so a chain of updates does not copy it: O(change) per update.
    Index x;
    synchronized (this) {
      x = index();
      index = null;
    }
    for (String svc : changed) {
      for (ServicePortInfo p : servicePorts(svc)) {
        next.remove(p.name());
        x.remove(p);
      }
    }
    boolean clashes = !problems.isEmpty();
    for (String s : changed) {
      int slash = s.indexOf('/');
      Optional<Service> svc = state.service(s.substring(0, slash), s.substring(slash + 1));
      if (svc.isEmpty()) {
        continue;
      }
      for (ServicePortInfo p : portsOf(state, svc.get(), node, config, family)) {
        boolean clash = Index.frontendsOf(p).stream().anyMatch(x.frontends()::containsKey);
        clash |=
            p.nodePort().isPresent()
                && x.nodePorts().containsKey(p.protocol() + "/" + p.nodePort().getAsInt());
        if (clash) {
          clashes = true;
          break;
        }
        next.put(p.name(), p);
        x.add(p);
      }
    }
    if (clashes) {
      // Which of two clashing services wins depends on the whole snapshot: recompute it all.
      return build(state, node, config, family);
    }
    ServiceTable t = new ServiceTable(family, node, config, next, List.of());
    t.index = x;
    t.parent = this;
    t.recomputed = Set.copyOf(changed);
    return t;
  }

  /**
   * Returns the ports of one service, sorted.
   *
   * @param service {@code namespace/name}
   * @return the ports; empty if the service has none in this table
   */
  public List<ServicePortInfo> servicePorts(String service) {
    int slash = service.indexOf('/');
    if (slash < 0) {
      return List.of();
    }
    return portsOf(this, service, slash);
  }

  private static List<ServicePortInfo> portsOf(
      ClusterState state, Service svc, ProxyNode node, ProxyConfig config, IpFamily family) {
    if (svc.type() == ServiceType.EXTERNAL_NAME || svc.headless()) {
      return List.of();
    }
    Optional<IpAddress> clusterIp = svc.clusterIp(family);
    if (clusterIp.isEmpty()) {
      return List.of();
    }
    List<IpAddress> externalIps =
        svc.externalIps().stream().filter(ip -> ip.family() == family).distinct().toList();
    List<IpAddress> lbIps = new ArrayList<>();
    if (svc.type() == ServiceType.LOAD_BALANCER) {
      for (LoadBalancerIngress in : svc.loadBalancerIngress()) {
        if (in.ip().isPresent()
            && in.ip().get().family() == family
            && in.ipMode().orElse(IpMode.VIP) != IpMode.PROXY
            && !lbIps.contains(in.ip().get())) {
          lbIps.add(in.ip().get());
        }
      }
    }
    List<Cidr> ranges =
        svc.type() == ServiceType.LOAD_BALANCER
            ? svc.loadBalancerSourceRanges().stream().filter(c -> c.family() == family).toList()
            : List.of();
    List<Cidr> allowed = new ArrayList<>(ranges);
    Optional<IpAddress> primary = node.primaryIp(family);
    if (primary.isPresent() && ranges.stream().anyMatch(c -> c.contains(primary.get()))) {
      lbIps.forEach(ip -> allowed.add(Cidr.host(ip)));
    }
    Optional<java.time.Duration> affinity =
        svc.sessionAffinity() == SessionAffinity.CLIENT_IP
            ? Optional.of(svc.sessionAffinityTimeout().orElse(Service.DEFAULT_AFFINITY_TIMEOUT))
            : Optional.empty();
    List<EndpointSlice> slices =
        state.endpointSlices(svc.metadata().namespace(), svc.metadata().name()).stream()
            .filter(s -> s.addressType() == family)
            .toList();
    List<ServicePortInfo> out = new ArrayList<>();
    for (ServicePort sp : svc.ports()) {
      ServicePortName name =
          new ServicePortName(
              svc.metadata().namespace(), svc.metadata().name(), sp.name(), sp.protocol());
      OptionalInt nodePort =
          (svc.type() == ServiceType.NODE_PORT || svc.type() == ServiceType.LOAD_BALANCER)
              ? sp.nodePort()
              : OptionalInt.empty();
      boolean accessible = nodePort.isPresent() || !lbIps.isEmpty() || !externalIps.isEmpty();
      boolean eLocal = accessible && svc.externalTrafficPolicy() == TrafficPolicy.LOCAL;
      boolean iLocal = svc.internalTrafficPolicy() == TrafficPolicy.LOCAL;
      List<Ep> eps = endpoints(slices, sp, node);
      List<ServiceEndpoint> all = eps.stream().map(Ep::e).toList();
      boolean usesCluster = !iLocal || accessible;
      boolean usesLocal = iLocal || eLocal;
      List<ServiceEndpoint> cluster = List.of();
      List<ServiceEndpoint> local = List.of();
      boolean hasAny = false;
      if (usesCluster) {
        cluster = clusterSet(eps, node, config);
        hasAny = !cluster.isEmpty();
      }
      if (usesLocal) {
        boolean localReady = false;
        boolean localTerminating = false;
        for (ServiceEndpoint e : all) {
          if (e.ready()) {
            hasAny = true;
            localReady |= e.local();
          } else if (e.serving() && e.terminating()) {
            hasAny = true;
            localTerminating |= e.local();
          }
        }
        if (localReady) {
          local = all.stream().filter(e -> e.local() && e.ready()).toList();
        } else if (localTerminating) {
          local = all.stream().filter(e -> e.local() && e.serving() && e.terminating()).toList();
        }
      }
      OptionalInt hc =
          svc.type() == ServiceType.LOAD_BALANCER && eLocal
              ? svc.healthCheckNodePort()
              : OptionalInt.empty();
      out.add(
          new ServicePortInfo(
              name,
              family,
              clusterIp.get(),
              sp.port(),
              nodePort,
              externalIps,
              lbIps,
              ranges,
              ranges.isEmpty() ? List.of() : allowed,
              affinity,
              iLocal,
              eLocal,
              cluster,
              local,
              hasAny,
              hc,
              all.stream().filter(ServiceEndpoint::serving).toList()));
    }
    return out;
  }

  /**
   * Returns the endpoints that traffic to one port of a service goes to from {@code node}, chosen
   * exactly as for the service's ClusterIP (ready endpoints narrowed by topology hints, or when
   * none is ready the serving and terminating ones), whatever the service's type: also for headless
   * services, which have no ClusterIP. This is what an L7 proxy such as the Ingress controller
   * forwards to.
   *
   * @param state the cluster snapshot
   * @param service the service
   * @param port one of the service's ports
   * @param node the node the traffic leaves from
   * @param config the proxy settings (topology preferences)
   * @param family the family of the endpoints
   * @return the endpoints, sorted
   */
  public static List<ServiceEndpoint> clusterEndpoints(
      ClusterState state,
      Service service,
      ServicePort port,
      ProxyNode node,
      ProxyConfig config,
      IpFamily family) {
    List<EndpointSlice> slices =
        state.endpointSlices(service.metadata().namespace(), service.metadata().name()).stream()
            .filter(s -> s.addressType() == family)
            .toList();
    return clusterSet(endpoints(slices, port, node), node, config);
  }

  /** An endpoint with the hints of the slice entry it came from. */
  private record Ep(ServiceEndpoint e, List<String> zones, List<String> nodes) {}

  private static List<Ep> endpoints(List<EndpointSlice> slices, ServicePort sp, ProxyNode node) {
    Map<String, Ep> byHostPort = new TreeMap<>();
    for (EndpointSlice slice : slices) {
      for (EndpointSlice.Port port : slice.ports()) {
        if (!port.name().equals(sp.name())
            || port.protocol() != sp.protocol()
            || port.port().isEmpty()) {
          continue;
        }
        for (EndpointSlice.Endpoint e : slice.endpoints()) {
          IpAddress ip = e.addresses().get(0);
          boolean local = e.nodeName().map(node.name()::equals).orElse(false);
          ServiceEndpoint se =
              new ServiceEndpoint(
                  ip,
                  port.port().getAsInt(),
                  local,
                  e.conditions().ready(),
                  // kube-proxy reads an absent serving as true, not as ready.
                  e.conditions().kubeProxyServing(),
                  e.conditions().terminating());
          Ep old = byHostPort.get(se.hostPort());
          if (old == null || (!old.e().local() && local)) {
            byHostPort.put(se.hostPort(), new Ep(se, e.hintsForZones(), e.hintsForNodes()));
          }
        }
      }
    }
    List<Ep> out = new ArrayList<>(byHostPort.values());
    out.sort((a, b) -> a.e().compareTo(b.e()));
    return out;
  }

  private static List<ServiceEndpoint> clusterSet(
      List<Ep> all, ProxyNode node, ProxyConfig config) {
    boolean allNodeHints = true;
    boolean forNode = false;
    boolean allZoneHints = true;
    boolean forZone = false;
    Optional<String> zone = node.zone();
    for (Ep e : all) {
      if (!e.e().ready()) {
        continue;
      }
      if (e.nodes().isEmpty()) {
        allNodeHints = false;
      } else if (e.nodes().contains(node.name())) {
        forNode = true;
      }
      if (e.zones().isEmpty()) {
        allZoneHints = false;
      } else if (zone.isPresent() && e.zones().contains(zone.get())) {
        forZone = true;
      }
    }
    String mode = "";
    if (config.preferSameNode() && allNodeHints && forNode) {
      mode = "node";
    } else if (allZoneHints && forZone) {
      mode = "zone";
    }
    List<ServiceEndpoint> out = new ArrayList<>();
    for (Ep e : all) {
      if (!e.e().ready()) {
        continue;
      }
      if (mode.equals("node") && !e.nodes().contains(node.name())) {
        continue;
      }
      if (mode.equals("zone") && !e.zones().contains(zone.orElse(""))) {
        continue;
      }
      out.add(e.e());
    }
    if (out.isEmpty()) {
      for (Ep e : all) {
        if (e.e().serving() && e.e().terminating()) {
          out.add(e.e());
        }
      }
    }
    return out;
  }

  /**
   * Returns the family of this table.
   *
   * @return the family
   */
  public IpFamily family() {
    return family;
  }

  /**
   * Returns the node.
   *
   * @return the node
   */
  public ProxyNode node() {
    return node;
  }

  /**
   * Returns the settings.
   *
   * @return the settings
   */
  public ProxyConfig config() {
    return config;
  }

  /**
   * Returns every service port, by name.
   *
   * @return the ports, sorted by name
   */
  public Map<ServicePortName, ServicePortInfo> ports() {
    return ports;
  }

  /**
   * Returns the problems found in the input (skipped ports), one sentence each.
   *
   * @return the problems
   */
  public List<String> problems() {
    return problems;
  }

  /**
   * Returns the node addresses on which node ports are opened (empty with {@link
   * #nodePortsOnAllLocalAddresses()}, which opens them on every local address but loopback).
   *
   * @return the addresses
   */
  public List<IpAddress> nodePortIps() {
    return nodePortIps;
  }

  /**
   * Returns whether node ports are opened on every local non-loopback address ({@code 0.0.0.0/0} in
   * {@code nodePortAddresses}).
   *
   * @return true for match-all
   */
  public boolean nodePortsOnAllLocalAddresses() {
    return nodePortsOnAllLocal;
  }

  /**
   * Returns the services ({@code namespace/name}) whose ports differ between {@code older} and this
   * table: added, removed or changed in any way, endpoints included.
   *
   * @param older an earlier table
   * @return the changed services, sorted
   */
  public Set<String> changedServices(ServiceTable older) {
    Set<String> out = new TreeSet<>();
    if (older == parent) {
      // Only the recomputed services can differ; report those that really do.
      for (String svc : recomputed) {
        int slash = svc.indexOf('/');
        if (!portsOf(older, svc, slash).equals(portsOf(this, svc, slash))) {
          out.add(svc);
        }
      }
      return out;
    }
    Map<String, List<ServicePortInfo>> a = byService(older.ports.values());
    Map<String, List<ServicePortInfo>> b = byService(ports.values());
    for (Map.Entry<String, List<ServicePortInfo>> e : a.entrySet()) {
      if (!e.getValue().equals(b.get(e.getKey()))) {
        out.add(e.getKey());
      }
    }
    for (String k : b.keySet()) {
      if (!a.containsKey(k)) {
        out.add(k);
      }
    }
    return out;
  }

  private static List<ServicePortInfo> portsOf(ServiceTable t, String svc, int slash) {
    ServicePortName from =
        new ServicePortName(svc.substring(0, slash), svc.substring(slash + 1), "", Protocol.TCP);
    List<ServicePortInfo> out = new ArrayList<>();
    for (ServicePortInfo p : t.sorted.tailMap(from, true).values()) {
      if (!p.name().service().equals(svc)) {
        break;
      }
      out.add(p);
    }
    return out;
  }

  private static Map<String, List<ServicePortInfo>> byService(Collection<ServicePortInfo> ports) {
    Map<String, List<ServicePortInfo>> m = new LinkedHashMap<>();
    for (ServicePortInfo p : ports) {
      m.computeIfAbsent(p.name().service(), k -> new ArrayList<>()).add(p);
    }
    return m;
  }

  /**
   * Returns the service port that owns a frontend: a ClusterIP, externalIP or load-balancer IP with
   * a port and protocol.
   *
   * @param ip the frontend address
   * @param protocol the protocol
   * @param port the service port number
   * @return the port, if some service uses that frontend
   */
  public synchronized Optional<ServicePortInfo> frontend(
      IpAddress ip, Protocol protocol, int port) {
    return Optional.ofNullable(index().frontends().get(new Frontend(ip, protocol, port)));
  }

  /**
   * Returns the service port that owns a node port.
   *
   * @param protocol the protocol
   * @param nodePort the node port
   * @return the port, if some service uses that node port
   */
  public synchronized Optional<ServicePortInfo> nodePort(Protocol protocol, int nodePort) {
    return Optional.ofNullable(index().nodePorts().get(protocol + "/" + nodePort));
  }

  /**
   * Returns whether an address is a node-port address of this node.
   *
   * @param ip the destination
   * @return true if node ports are served on it
   */
  public boolean isNodePortAddress(IpAddress ip) {
    if (ip.family() != family || ip.isLoopback()) {
      return false;
    }
    return nodePortsOnAllLocal ? node.isLocal(ip) : nodePortIps.contains(ip);
  }

  /**
   * Explains what happens to the first packet of a new connection from {@code src} to {@code
   * dst:port}, arriving from outside the node or from a pod (the prerouting path; node-local
   * sources are recognised by their address being one of the node's).
   *
   * @param src the source address
   * @param dst the destination address
   * @param port the destination port
   * @param protocol the protocol
   * @return the verdict, every possible destination and whether the source may be masqueraded
   * @throws IllegalArgumentException if an address is not of this table's family
   */
  public synchronized TraceResult trace(IpAddress src, IpAddress dst, int port, Protocol protocol) {
    if (src.family() != family || dst.family() != family) {
      throw new IllegalArgumentException(
          "src, dst: " + src + ", " + dst + " (expected: " + family.kubernetesName() + ")");
    }
    List<String> why = new ArrayList<>();
    Frontend fe = new Frontend(dst, protocol, port);
    Index x = index();
    ServicePortInfo p = x.frontends().get(fe);
    // filter prerouting pre-dnat: firewall-check (load-balancer source ranges)
    if (p != null && p.loadBalancerIps().contains(dst) && !p.sourceRanges().isEmpty()) {
      if (p.firewallAllowed().stream().noneMatch(c -> c.contains(src))) {
        why.add(p.name() + ": " + src + " is outside loadBalancerSourceRanges " + p.sourceRanges());
        return new TraceResult(TraceResult.Verdict.DROP, List.of(), false, why);
      }
      why.add(p.name() + ": source allowed by loadBalancerSourceRanges");
    }
    boolean external = false;
    if (p != null) {
      external = !dst.equals(p.clusterIp());
      why.add(p.name() + ": " + (external ? "external" : "cluster") + " IP " + dst);
    } else if (isNodePortAddress(dst) && x.nodePorts().containsKey(protocol + "/" + port)) {
      p = x.nodePorts().get(protocol + "/" + port);
      external = true;
      why.add(p.name() + ": node port " + port + "/" + protocol + " on " + dst);
    }
    if (p == null) {
      if (x.clusterIps().containsKey(dst)) {
        why.add(dst + " is a ClusterIP without port " + port + "/" + protocol);
        return new TraceResult(TraceResult.Verdict.REJECT, List.of(), false, why);
      }
      if (config.serviceCidrs(family).stream().anyMatch(c -> c.contains(dst))) {
        why.add(dst + " is an unallocated address in a service CIDR");
        return new TraceResult(TraceResult.Verdict.DROP, List.of(), false, why);
      }
      why.add("not a service frontend");
      return new TraceResult(TraceResult.Verdict.ACCEPT, List.of(), false, why);
    }
    if (!p.hasEndpoints()) {
      why.add("no usable endpoints: reject");
      return new TraceResult(TraceResult.Verdict.REJECT, List.of(), false, why);
    }
    List<Cidr> podCidrs = config.clusterCidrs(family);
    boolean fromPod = podCidrs.stream().anyMatch(c -> c.contains(src));
    boolean masquerade;
    List<ServiceEndpoint> targets;
    if (!external) {
      if (!p.hasInternalEndpoints()) {
        why.add("internalTrafficPolicy Local and no local endpoints: drop");
        return new TraceResult(TraceResult.Verdict.DROP, List.of(), false, why);
      }
      targets = p.internalEndpoints();
      masquerade = config.masqueradeAll() || (!podCidrs.isEmpty() && !fromPod);
      if (masquerade) {
        why.add(
            config.masqueradeAll()
                ? "masqueradeAll"
                : "source outside the cluster CIDR: masquerade");
      }
    } else if (!p.externalPolicyLocal()) {
      targets = p.clusterEndpoints();
      masquerade = true;
      why.add("externalTrafficPolicy Cluster: masquerade");
    } else if (!podCidrs.isEmpty() && fromPod) {
      targets = p.clusterEndpoints();
      masquerade = false;
      why.add("externalTrafficPolicy Local, pod source: short-circuit to the cluster set");
    } else if (node.isLocal(src)) {
      targets = p.clusterEndpoints();
      masquerade = true;
      why.add("externalTrafficPolicy Local, node source: masquerade, cluster set");
    } else if (p.localEndpoints().isEmpty()) {
      why.add("externalTrafficPolicy Local and no local endpoints: drop");
      return new TraceResult(TraceResult.Verdict.DROP, List.of(), false, why);
    } else {
      targets = p.localEndpoints();
      masquerade = false;
      why.add("externalTrafficPolicy Local: local endpoints, source preserved");
    }
    List<String> dest = new ArrayList<>();
    for (ServiceEndpoint e : targets) {
      dest.add(e.hostPort());
      if (e.ip().equals(src)) {
        masquerade = true;
        why.add("hairpin through " + e.hostPort() + ": masquerade");
      }
    }
    Collections.sort(dest);
    return new TraceResult(TraceResult.Verdict.DNAT, dest, masquerade, why);
  }

  @Override
  public String toString() {
    return "ServiceTable[" + family.kubernetesName() + ", " + ports.size() + " ports]";
  }
}
