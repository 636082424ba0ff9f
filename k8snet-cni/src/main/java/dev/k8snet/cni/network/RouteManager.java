package dev.k8snet.cni.network;

import dev.k8snet.cni.network.internal.Dataplane;
import dev.k8snet.cni.network.internal.DesiredState;
import dev.k8snet.cni.network.internal.DesiredState.PeerPath;
import dev.k8snet.cni.network.internal.DesiredState.Topology;
import dev.k8snet.cni.network.internal.KernelDiff;
import dev.k8snet.cni.network.internal.KernelOp;
import dev.k8snet.cni.network.internal.KernelState;
import dev.k8snet.cni.network.internal.MasqueradeRules;
import dev.k8snet.cni.network.internal.NetworkPlan;
import dev.k8snet.cni.network.internal.NetworkPlan.NodePlan;
import dev.k8snet.cni.network.internal.VtepMacStore;
import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.MacAddress;
import dev.k8snet.core.cluster.ClusterSource;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.cluster.ClusterUpdate;
import dev.k8snet.core.model.Node;
import dev.k8snet.core.netlink.Address;
import dev.k8snet.core.netlink.AddressFlag;
import dev.k8snet.core.netlink.InterfaceAddress;
import dev.k8snet.core.netlink.Link;
import dev.k8snet.core.netlink.LinkKind;
import dev.k8snet.core.netlink.LinkSpec;
import dev.k8snet.core.netlink.Netlink;
import dev.k8snet.core.netlink.NetlinkEvent;
import dev.k8snet.core.netlink.NetlinkException;
import dev.k8snet.core.netlink.NetlinkGroup;
import dev.k8snet.core.netlink.NetlinkSubscription;
import dev.k8snet.core.netlink.RouteProtocol;
import dev.k8snet.core.nftables.Nftables;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Programs the flat pod network on one node, as Flannel does: for every other node, the way to its
 * pod CIDR, over host-gw routes or a VXLAN overlay, plus the masquerade rules for pod traffic that
 * leaves the cluster.
 *
 * <p>A desired-state reconciler: the kernel objects it owns (routes tagged with {@link
 * #DEFAULT_ROUTE_PROTOCOL}, permanent neighbours and FDB entries on its VXLAN devices) are computed
 * from the Node objects, compared with what is known to be in the kernel, and only the difference
 * is written, always as <em>replace</em>. {@link #sync(ClusterState)} compares with the state it
 * committed last (no kernel reads; a sync where nothing changed makes zero writes); {@link
 * #reconcile(ClusterState)} reads the kernel first and garbage-collects orphans (entries of nodes
 * deleted while it was not running, an old VTEP MAC's FDB entry). {@link #start(ClusterSource)}
 * runs both in a loop: a sync per cluster update, a reconcile at start, periodically and after
 * netlink events that show our objects disturbed (a route deleted by a link flap, a device deleted
 * or brought down, an address changed).
 *
 * <p>The VTEP MAC of a VXLAN device is persisted in the state directory and never changed on a live
 * device (that flushes its neighbours); a device with incompatible settings (VNI, port, local
 * address, underlay device) is recreated with the same MAC and every peer re-added. Bad node data
 * (no podCIDR, overlapping CIDRs, a foreign VNI) is reported in the peer's status while every other
 * peer keeps working.
 *
 * <pre>{@code
 * try (Netlink nl = Netlink.open();
 *     RouteManager m = RouteManager.builder(nl, NetConf.read(path), "node-1")
 *         .stateDir(Path.of("/var/lib/k8snet/network")).nftables(nft).build()) {
 *   m.start(source);
 *   NetworkStatus s = m.status();
 * }
 * }</pre>
 *
 * <p>Thread-safe; the methods that program the kernel are serialised.
 *
 * @since 0.1
 */
public final class RouteManager implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RouteManager.class);

  /** The route protocol number that marks our routes ({@code proto 107} in {@code ip route}). */
  public static final int DEFAULT_ROUTE_PROTOCOL = 107;

  /** The default period of the full reconcile. */
  public static final Duration DEFAULT_RESYNC = Duration.ofSeconds(30);

  private final NetConf conf;
  private final String nodeName;
  private final Dataplane dataplane;
  private final Optional<Nftables> nftables;
  private final VtepMacStore macs;
  private final Duration resync;
  private final Clock clock;

  private volatile KernelState committed = KernelState.EMPTY;
  private volatile Map<IpFamily, Topology> topology = Map.of();
  // the steady-state cache: what the last full sync planned, updated per changed node
  private boolean fastReady;
  private Map<String, Node> lastNodes = new HashMap<>();
  private Map<String, NodePlan> peerPlans = new HashMap<>();
  private Map<String, PeerPath> paths = new HashMap<>();
  private NavigableMap<IpAddress, Map.Entry<Cidr, String>> owners = new TreeMap<>();
  private Map<KernelState.FdbKey, String> fdbOwners = new HashMap<>();
  private TreeMap<String, PeerStatus> statuses = new TreeMap<>();
  private Map<Cidr, KernelState.RouteEntry> cRoutes = new HashMap<>();
  private Map<KernelState.NeighKey, KernelState.NeighEntry> cNeigh = new HashMap<>();
  private Map<KernelState.FdbKey, KernelState.FdbEntry> cFdb = new HashMap<>();
  private Optional<String> appliedMasquerade;
  private long syncs;
  private final AtomicReference<NetworkStatus> status;

  private final Object signal = new Object();
  private ClusterState pendingState;
  private boolean pendingReconcile;
  private volatile boolean closed;
  private Thread loop;
  private Thread events;
  private NetlinkSubscription subscription;

  private RouteManager(Builder b) {
    this.conf = b.conf;
    this.nodeName = b.nodeName;
    this.dataplane = new Dataplane(b.netlink, RouteProtocol.valueOf(b.protocol));
    this.nftables = Optional.ofNullable(b.nftables);
    this.macs = new VtepMacStore(Optional.ofNullable(b.stateDir));
    this.resync = b.resync;
    this.clock = b.clock;
    this.appliedMasquerade = null;
    this.status =
        new AtomicReference<>(
            new NetworkStatus(
                nodeName,
                conf.backend().type(),
                List.of(),
                OptionalInt.empty(),
                Optional.empty(),
                List.of(),
                List.of("not synced yet"),
                0,
                0,
                0,
                Optional.empty()));
  }

  /**
   * Starts a manager that programs the namespace of {@code netlink} for node {@code nodeName}.
   *
   * @param netlink the handle of the node's network namespace (stays owned by the caller)
   * @param conf the cluster's pod network configuration
   * @param nodeName this node's Node name
   * @return a builder with the defaults documented on its setters
   */
  public static Builder builder(Netlink netlink, NetConf conf, String nodeName) {
    return new Builder(netlink, conf, nodeName);
  }

  /**
   * Returns the configuration.
   *
   * @return the configuration given to the builder
   */
  public NetConf config() {
    return conf;
  }

  /**
   * Returns the last status snapshot.
   *
   * @return the status of the last sync or reconcile
   */
  public NetworkStatus status() {
    return status.get();
  }

  /**
   * Returns the annotations this node should carry so that peers that do not derive VTEP MACs (such
   * as Flannel) find it: {@code flannel.alpha.coreos.com/backend-type}, {@code backend-data} with
   * VNI and VTEP MAC, and {@code public-ip}. Empty before the first sync.
   *
   * @return the annotations, empty before the first sync
   */
  public synchronized Map<String, String> nodeAnnotations() {
    NetworkStatus s = status.get();
    Map<String, String> out = new LinkedHashMap<>();
    if (s.syncs() == 0) {
      return Map.of();
    }
    String p = NetworkPlan.ANNOTATION_PREFIX;
    out.put(p + "backend-type", conf.backend().type().text());
    out.put(p + "kube-subnet-manager", "true");
    s.vtepMac()
        .ifPresent(
            m ->
                out.put(
                    p + "backend-data",
                    "{\"VNI\":" + conf.backend().vni() + ",\"VtepMAC\":\"" + m + "\"}"));
    NodePlan local = peerPlansLocal;
    if (local != null) {
      IpAddress v4 = local.underlay().get(IpFamily.IPV4);
      IpAddress v6 = local.underlay().get(IpFamily.IPV6);
      if (v4 != null) {
        out.put(p + "public-ip", v4.toString());
      }
      if (v6 != null) {
        out.put(p + "public-ipv6", v6.toString());
      }
    }
    return Map.copyOf(out);
  }

  /**
   * The CNI bridge network configuration for pods on this node, as Flannel's CNI plugin hands to
   * the bridge plugin: our {@code k8snet-bridge} and {@code k8snet-ipam} plugins, the node's pod
   * CIDRs as IPAM ranges (one range set per family), a route to each cluster network, the pod MTU,
   * and no per-pod masquerading (this manager masquerades).
   *
   * @param networkName the CNI network name
   * @param bridge the bridge name
   * @param dataDir the IPAM data directory
   * @return the JSON text, or empty while this node has no pod CIDR or MTU yet
   */
  public Optional<String> cniConfig(String networkName, String bridge, Path dataDir) {
    NetworkStatus s = status.get();
    if (s.podCidrs().isEmpty() || s.podMtu().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        NodeSubnets.bridgeConfig(
            conf, s.podCidrs(), s.podMtu().getAsInt(), networkName, bridge, dataDir));
  }

  // ------------------------------------------------------------------ syncing

  /**
   * Brings the kernel to the state {@code state} asks for, comparing with what this manager
   * committed last; reads the kernel only the first time and when a device had to be (re)created.
   *
   * @return the status after the sync
   * @param state the cluster state to program
   */
  public synchronized NetworkStatus sync(ClusterState state) {
    return run(state, false);
  }

  /**
   * Like {@link #sync} but reads the kernel first: repairs what was deleted or tampered with and
   * deletes orphans of ours.
   *
   * @param state the cluster state to program
   * @return the status after the reconcile
   */
  public synchronized NetworkStatus reconcile(ClusterState state) {
    return run(state, true);
  }

  private NetworkStatus run(ClusterState state, boolean readKernel) {
    if (!readKernel && fastReady) {
      Optional<NetworkStatus> fast = incremental(state.nodes());
      if (fast.isPresent()) {
        status.set(fast.get());
        return fast.get();
      }
    }
    return full(state, readKernel);
  }

  /**
   * The steady-state path: only the nodes that changed since the last sync are planned, diffed and
   * written. Empty when a full sync is needed (this node changed, or overlaps are involved).
   */
  @SuppressWarnings("ReferenceEquality") // identity first: sources reuse unchanged objects
  private Optional<NetworkStatus> incremental(List<Node> nodes) {
    long before = dataplane.writes();
    List<Node> changed = new ArrayList<>();
    int seen = 0;
    for (Node n : nodes) {
      Node old = lastNodes.get(n.metadata().name());
      if (old != null) {
        seen++;
      }
      if (old != n && !n.equals(old)) {
        if (n.metadata().name().equals(nodeName)) {
          return Optional.empty();
        }
        changed.add(n);
      }
    }
    List<String> removed = new ArrayList<>();
    if (seen < lastNodes.size()) {
      Set<String> names = new HashSet<>();
      for (Node n : nodes) {
        names.add(n.metadata().name());
      }
      for (String name : lastNodes.keySet()) {
        if (!names.contains(name)) {
          if (name.equals(nodeName)) {
            return Optional.empty();
          }
          removed.add(name);
        }
      }
    }
    NetworkStatus last = status.get();
    if (changed.isEmpty() && removed.isEmpty()) {
      syncs++;
      return Optional.of(withPeers(last, statuses, 0));
    }
    // release the old objects and CIDRs of every changed node, then plan them again
    List<String> touched = new ArrayList<>(removed);
    for (Node n : changed) {
      touched.add(n.metadata().name());
    }
    List<Object> oldObjects = new ArrayList<>();
    for (String name : touched) {
      NodePlan p = peerPlans.get(name);
      if (p != null) {
        if (p.problems().stream().anyMatch(x -> x.contains("overlaps"))) {
          fastReady = false;
          return Optional.empty();
        }
        for (Cidr c : p.podCidrs().values()) {
          owners.remove(c.first());
        }
      }
      PeerPath path = paths.get(name);
      if (path != null) {
        oldObjects.addAll(path.objects());
        for (Object o : path.objects()) {
          if (o instanceof KernelState.FdbEntry f) {
            fdbOwners.remove(f.key());
          }
        }
      }
    }
    Optional<NodePlan> local = Optional.ofNullable(peerPlansLocal);
    Map<String, NodePlan> newPlans = new LinkedHashMap<>();
    Map<String, PeerPath> newPaths = new LinkedHashMap<>();
    List<Object> newObjects = new ArrayList<>();
    for (Node n : changed) {
      NodePlan p = NetworkPlan.plan(conf, n, owners);
      PeerPath path = DesiredState.peerPath(conf, local, p, topology, fdbOwners.keySet());
      if (p.problems().stream().anyMatch(x -> x.contains("overlaps"))
          || path.problems().stream().anyMatch(x -> x.contains("used by another node"))) {
        fastReady = false;
        return Optional.empty();
      }
      for (Object o : path.objects()) {
        if (o instanceof KernelState.FdbEntry f) {
          fdbOwners.put(f.key(), p.name());
        }
      }
      newPlans.put(p.name(), p);
      newPaths.put(p.name(), path);
      newObjects.addAll(path.objects());
    }
    KernelState desiredSub = stateOf(newObjects);
    KernelState actualSub = committedFor(oldObjects, newObjects);
    List<KernelOp> ops = KernelDiff.diff(desiredSub, actualSub);
    Map<KernelOp, NetlinkException> failed = dataplane.apply(ops);
    commit(ops, failed);
    Map<Object, String> errors = errors(failed);
    for (String name : removed) {
      lastNodes.remove(name);
      peerPlans.remove(name);
      paths.remove(name);
      statuses.remove(name);
    }
    for (Node n : changed) {
      String name = n.metadata().name();
      lastNodes.put(name, n);
      peerPlans.put(name, newPlans.get(name));
      paths.put(name, newPaths.get(name));
      statuses.put(name, peerStatus(newPlans.get(name), newPaths.get(name), errors));
    }
    syncs++;
    if (!ops.isEmpty()) {
      log.info("pod network: {} kernel writes, {} failed", ops.size(), failed.size());
    }
    return Optional.of(withPeers(last, statuses, dataplane.writes() - before));
  }

  private NodePlan peerPlansLocal;

  private NetworkStatus withPeers(NetworkStatus last, Map<String, PeerStatus> peers, long writes) {
    return new NetworkStatus(
        last.node(),
        last.backend(),
        last.podCidrs(),
        last.podMtu(),
        last.vtepMac(),
        List.copyOf(peers.values()),
        last.problems(),
        writes,
        dataplane.writes(),
        syncs,
        Optional.of(clock.instant()));
  }

  private static KernelState stateOf(List<Object> objects) {
    Map<Cidr, KernelState.RouteEntry> routes = new HashMap<>();
    Map<KernelState.NeighKey, KernelState.NeighEntry> neigh = new HashMap<>();
    Map<KernelState.FdbKey, KernelState.FdbEntry> fdb = new HashMap<>();
    for (Object o : objects) {
      if (o instanceof KernelState.RouteEntry r) {
        routes.put(r.destination(), r);
      } else if (o instanceof KernelState.NeighEntry n) {
        neigh.put(n.key(), n);
      } else if (o instanceof KernelState.FdbEntry d) {
        fdb.put(d.key(), d);
      }
    }
    return new KernelState(routes, neigh, fdb);
  }

  /** What was committed under the keys of {@code a} and {@code b}. */
  private KernelState committedFor(List<Object> a, List<Object> b) {
    Map<Cidr, KernelState.RouteEntry> routes = new HashMap<>();
    Map<KernelState.NeighKey, KernelState.NeighEntry> neigh = new HashMap<>();
    Map<KernelState.FdbKey, KernelState.FdbEntry> fdb = new HashMap<>();
    for (List<Object> list : List.of(a, b)) {
      for (Object o : list) {
        if (o instanceof KernelState.RouteEntry r) {
          KernelState.RouteEntry c = cRoutes.get(r.destination());
          if (c != null) {
            routes.put(c.destination(), c);
          }
        } else if (o instanceof KernelState.NeighEntry n) {
          KernelState.NeighEntry c = cNeigh.get(n.key());
          if (c != null) {
            neigh.put(c.key(), c);
          }
        } else if (o instanceof KernelState.FdbEntry d) {
          KernelState.FdbEntry c = cFdb.get(d.key());
          if (c != null) {
            fdb.put(c.key(), c);
          }
        }
      }
    }
    return new KernelState(routes, neigh, fdb);
  }

  /** Records the successful ops in the committed maps. */
  private void commit(List<KernelOp> ops, Map<KernelOp, NetlinkException> failed) {
    for (KernelOp op : ops) {
      if (failed.containsKey(op)) {
        continue;
      }
      if (op instanceof KernelOp.ReplaceRoute r) {
        cRoutes.put(r.route().destination(), r.route());
      } else if (op instanceof KernelOp.DeleteRoute r) {
        cRoutes.remove(r.route().destination());
      } else if (op instanceof KernelOp.ReplaceNeigh n) {
        cNeigh.put(n.neighbour().key(), n.neighbour());
      } else if (op instanceof KernelOp.DeleteNeigh n) {
        cNeigh.remove(n.neighbour().key());
      } else if (op instanceof KernelOp.ReplaceFdb f) {
        cFdb.put(f.fdb().key(), f.fdb());
      } else if (op instanceof KernelOp.DeleteFdb f) {
        cFdb.remove(f.fdb().key());
      }
    }
    committedRoutes = Set.copyOf(cRoutes.keySet());
  }

  private volatile Set<Cidr> committedRoutes = Set.of();

  private static Map<Object, String> errors(Map<KernelOp, NetlinkException> failed) {
    Map<Object, String> errors = new HashMap<>();
    for (Map.Entry<KernelOp, NetlinkException> e : failed.entrySet()) {
      errors.put(entryOf(e.getKey()), e.getValue().getMessage());
    }
    return errors;
  }

  private static PeerStatus peerStatus(NodePlan p, PeerPath path, Map<Object, String> errors) {
    List<String> why = new ArrayList<>(path.problems());
    for (Object o : path.objects()) {
      if (errors.containsKey(o)) {
        why.add(errors.get(o));
      }
    }
    Optional<MacAddress> mac =
        path.mode() == PathMode.VXLAN
            ? p.vtepMacs().values().stream().findFirst()
            : Optional.empty();
    return new PeerStatus(
        p.name(),
        p.podCidrList(),
        p.underlayList(),
        mac,
        path.mode(),
        why.isEmpty() && !path.objects().isEmpty(),
        path.mtu(),
        why.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", why)));
  }

  private NetworkStatus full(ClusterState state, boolean readKernel) {
    long before = dataplane.writes();
    List<String> problems = new ArrayList<>();
    NetworkPlan plan = NetworkPlan.compute(conf, state.nodes(), nodeName);
    Optional<NodePlan> local = plan.local();
    Map<IpFamily, Topology> topo = new EnumMap<>(IpFamily.class);
    Map<IpFamily, MacAddress> ownMacs = new EnumMap<>(IpFamily.class);
    boolean devicesChanged = false;
    if (local.isEmpty()) {
      problems.add("node " + nodeName + ": no such Node object");
    } else {
      problems.addAll(
          local.get().problems().stream().map(p -> "node " + nodeName + ": " + p).toList());
      for (Map.Entry<IpFamily, Cidr> e : local.get().podCidrs().entrySet()) {
        try {
          devicesChanged |= ensureFamily(e.getKey(), local.get(), topo, ownMacs, problems);
        } catch (NetlinkException ex) {
          problems.add(e.getKey() + ": " + ex.getMessage());
        }
      }
    }
    DesiredState desired = DesiredState.compute(conf, plan, topo);
    KernelState actual = new KernelState(cRoutes, cNeigh, cFdb);
    if (readKernel || devicesChanged || syncs == 0 || !topo.equals(topology)) {
      actual =
          dataplane.read(
              topo.keySet(),
              topo.values().stream()
                  .filter(t -> t.vxlanIndex().isPresent())
                  .map(t -> t.vxlanIndex().getAsInt())
                  .toList(),
              desired.state().routes().keySet());
    }
    List<KernelOp> ops = KernelDiff.diff(desired.state(), actual);
    Map<KernelOp, NetlinkException> failed = dataplane.apply(ops);
    List<KernelOp> done = new ArrayList<>(ops);
    done.removeAll(failed.keySet());
    committed = KernelDiff.apply(actual, done);
    topology = Map.copyOf(topo);
    cRoutes = new HashMap<>(committed.routes());
    cNeigh = new HashMap<>(committed.neighbours());
    cFdb = new HashMap<>(committed.fdb());
    committedRoutes = Set.copyOf(cRoutes.keySet());
    cache(state.nodes(), plan, desired, errors(failed));
    if (!ops.isEmpty()) {
      log.info("pod network: {} kernel writes, {} failed", ops.size(), failed.size());
    }
    programMasquerade(local.map(NodePlan::podCidrList).orElse(List.of()), readKernel, problems);
    syncs++;
    NetworkStatus s = status(plan, desired, failed, topo, ownMacs, problems, before);
    status.set(s);
    return s;
  }

  /** Rebuilds the steady-state cache after a full sync. */
  private void cache(
      List<Node> nodes, NetworkPlan plan, DesiredState desired, Map<Object, String> errors) {
    lastNodes = new HashMap<>();
    for (Node n : nodes) {
      lastNodes.put(n.metadata().name(), n);
    }
    peerPlansLocal = plan.local().orElse(null);
    peerPlans = new HashMap<>();
    owners = new TreeMap<>();
    boolean overlaps = false;
    for (NodePlan p : plan.peers()) {
      peerPlans.put(p.name(), p);
      overlaps |= p.problems().stream().anyMatch(x -> x.contains("overlaps"));
    }
    for (NodePlan p : plan.local().map(List::of).orElse(List.of())) {
      for (Cidr c : p.podCidrs().values()) {
        owners.put(c.first(), Map.entry(c, p.name()));
      }
    }
    for (NodePlan p : plan.peers()) {
      for (Cidr c : p.podCidrs().values()) {
        owners.put(c.first(), Map.entry(c, p.name()));
      }
    }
    paths = new HashMap<>(desired.paths());
    fdbOwners = new HashMap<>();
    statuses = new TreeMap<>();
    for (PeerPath path : desired.paths().values()) {
      overlaps |= path.problems().stream().anyMatch(x -> x.contains("used by another node"));
      for (Object o : path.objects()) {
        if (o instanceof KernelState.FdbEntry f) {
          fdbOwners.put(f.key(), path.node());
        }
      }
    }
    for (NodePlan p : plan.peers()) {
      statuses.put(p.name(), peerStatus(p, desired.paths().get(p.name()), errors));
    }
    fastReady = plan.local().isPresent() && !overlaps;
  }

  private boolean ensureFamily(
      IpFamily f,
      NodePlan local,
      Map<IpFamily, Topology> topo,
      Map<IpFamily, MacAddress> ownMacs,
      List<String> problems) {
    Netlink nl = dataplane.netlink();
    IpAddress own = local.underlay().get(f);
    if (own == null) {
      return false;
    }
    List<Address> all = nl.addresses(f);
    Optional<Address> holder =
        all.stream().filter(a -> a.address().address().equals(own)).findFirst();
    if (holder.isEmpty()) {
      problems.add(f + ": this node's underlay address " + own + " is not on any link");
      return false;
    }
    int ul = holder.get().linkIndex();
    Link underlay = nl.link(ul).orElseThrow();
    List<Cidr> connected =
        all.stream()
            .filter(a -> a.linkIndex() == ul)
            .map(a -> Cidr.containing(a.address().address(), a.address().prefixLength()))
            .distinct()
            .toList();
    if (conf.backend().type() == BackendType.HOST_GW) {
      topo.put(f, new Topology(ul, underlay.mtu(), connected, OptionalInt.empty(), 0));
      return false;
    }
    int overhead = f == IpFamily.IPV4 ? 50 : 70;
    int max = underlay.mtu() - overhead;
    int mtu = conf.backend().mtu().orElse(max);
    if (mtu > max) {
      problems.add(
          "Backend.MTU: "
              + mtu
              + " (expected: at most "
              + max
              + " = underlay "
              + underlay.name()
              + " MTU "
              + underlay.mtu()
              + " − "
              + overhead
              + " of VXLAN over "
              + f
              + ")");
      return false;
    }
    String name = deviceName(f);
    LinkKind.Vxlan wanted =
        LinkKind.vxlan(conf.backend().vni())
            .port(conf.backend().port())
            .learning(false)
            .local(own)
            .deviceIndex(ul);
    Optional<Link> existing = nl.link(name);
    boolean changed = false;
    if (existing.isPresent() && !wanted.equals(existing.get().vxlan().orElse(null))) {
      log.warn(
          "{}: settings {} differ from {}; recreating it",
          name,
          existing.get().vxlan().map(Object::toString).orElse(existing.get().kind().orElse("?")),
          wanted);
      MacAddress keep = existing.get().mac().orElse(null);
      nl.deleteLink(existing.get());
      dataplane.countWrite();
      if (keep != null && macs.load(name).isEmpty()) {
        macs.save(name, keep);
      }
      existing = Optional.empty();
    }
    Link vx;
    if (existing.isEmpty()) {
      MacAddress mac = macs.load(name).orElse(local.vtepMacs().get(f));
      nl.addLink(LinkSpec.builder(name, wanted).mac(mac).mtu(mtu).up(true).build());
      dataplane.countWrite();
      macs.save(name, mac);
      vx = nl.link(name).orElseThrow();
      changed = true;
    } else {
      vx = existing.get();
      MacAddress live = vx.mac().orElseThrow();
      if (!macs.load(name).equals(Optional.of(live))) {
        macs.save(name, live); // the live device's MAC wins: changing it flushes neighbours
      }
      if (vx.mtu() != mtu) {
        nl.setMtu(vx, mtu);
        dataplane.countWrite();
      }
      if (!vx.up()) {
        nl.setUp(vx);
        dataplane.countWrite();
        changed = true; // down/up deleted the routes through it
      }
    }
    ownMacs.put(f, vx.mac().orElseThrow());
    Cidr pod = local.podCidrs().get(f);
    InterfaceAddress tunnelIp = new InterfaceAddress(pod.first(), f.bitLength());
    List<Address> onVx = all.stream().filter(a -> a.linkIndex() == vx.index()).toList();
    if (onVx.stream().noneMatch(a -> a.address().equals(tunnelIp))) {
      Address a = Address.of(vx, tunnelIp);
      nl.replaceAddress(f == IpFamily.IPV6 ? a.flags(Set.of(AddressFlag.NODAD)) : a);
      dataplane.countWrite();
    }
    for (Address a : onVx) {
      if (!a.address().equals(tunnelIp) && !a.address().address().isLinkLocal()) {
        nl.deleteAddress(a);
        dataplane.countWrite();
      }
    }
    topo.put(f, new Topology(ul, underlay.mtu(), connected, OptionalInt.of(vx.index()), vx.mtu()));
    return changed;
  }

  /**
   * The VXLAN device name of a family: {@code k8snet.VNI} or {@code k8snv6.VNI}.
   *
   * @param f the family
   * @return the device name
   */
  public String deviceName(IpFamily f) {
    return NetworkPlan.vxlanDeviceName(conf, f);
  }

  private void programMasquerade(List<Cidr> localPods, boolean verify, List<String> problems) {
    if (nftables.isEmpty()) {
      return;
    }
    Optional<String> table = MasqueradeRules.render(conf, localPods);
    boolean same = table.equals(appliedMasquerade);
    if (same && verify) {
      same = nftables.get().listJson("tables").contains("\"k8snet-podnet\"") == table.isPresent();
    }
    if (same) {
      return;
    }
    try {
      nftables.get().apply(MasqueradeRules.transaction(table));
      dataplane.countWrite();
      appliedMasquerade = table;
    } catch (RuntimeException e) {
      problems.add("masquerade: " + e.getMessage());
    }
  }

  private NetworkStatus status(
      NetworkPlan plan,
      DesiredState desired,
      Map<KernelOp, NetlinkException> failed,
      Map<IpFamily, Topology> topo,
      Map<IpFamily, MacAddress> ownMacs,
      List<String> problems,
      long before) {
    Map<Object, String> errors = errors(failed);
    List<PeerStatus> peers = new ArrayList<>();
    for (NodePlan p : plan.peers()) {
      peers.add(peerStatus(p, desired.paths().get(p.name()), errors));
    }
    peers.sort(java.util.Comparator.comparing(PeerStatus::node));
    List<Cidr> pods = plan.local().map(NodePlan::podCidrList).orElse(List.of());
    OptionalInt podMtu = OptionalInt.empty();
    for (Topology t : topo.values()) {
      int m =
          t.vxlanIndex().isPresent() ? t.vxlanMtu() : conf.backend().mtu().orElse(t.underlayMtu());
      podMtu = OptionalInt.of(podMtu.isPresent() ? Math.min(podMtu.getAsInt(), m) : m);
    }
    long writes = dataplane.writes() - before;
    return new NetworkStatus(
        nodeName,
        conf.backend().type(),
        pods,
        podMtu,
        ownMacs.values().stream().findFirst(),
        peers,
        problems,
        writes,
        dataplane.writes(),
        syncs,
        Optional.of(clock.instant()));
  }

  private static Object entryOf(KernelOp op) {
    if (op instanceof KernelOp.ReplaceRoute r) {
      return r.route();
    } else if (op instanceof KernelOp.DeleteRoute r) {
      return r.route();
    } else if (op instanceof KernelOp.ReplaceNeigh n) {
      return n.neighbour();
    } else if (op instanceof KernelOp.DeleteNeigh n) {
      return n.neighbour();
    } else if (op instanceof KernelOp.ReplaceFdb f) {
      return f.fdb();
    } else {
      return ((KernelOp.DeleteFdb) op).fdb();
    }
  }

  // ------------------------------------------------------------------ running

  /**
   * Starts the loop: starts {@code source} (its first snapshot is reconciled before this method
   * returns), then syncs on each update, reconciles periodically and after netlink events that
   * disturbed our objects. Stop it with {@link #close()}; the source stays the caller's.
   *
   * @param source the cluster source, started by this method
   * @throws IllegalStateException if already started
   */
  public void start(ClusterSource source) {
    Objects.requireNonNull(source, "source");
    synchronized (signal) {
      if (loop != null) {
        throw new IllegalStateException("route manager already started");
      }
      loop = new Thread(this::loop, "k8snet-podnet-" + nodeName);
      loop.setDaemon(true);
    }
    subscription =
        dataplane
            .netlink()
            .subscribe(
                EnumSet.of(
                    NetlinkGroup.LINK,
                    NetlinkGroup.NEIGHBOUR,
                    NetlinkGroup.IPV4_ADDRESS,
                    NetlinkGroup.IPV4_ROUTE,
                    NetlinkGroup.IPV6_ADDRESS,
                    NetlinkGroup.IPV6_ROUTE));
    source.start(this::offer);
    reconcile(source.current());
    events = new Thread(this::watchKernel, "k8snet-podnet-events-" + nodeName);
    events.setDaemon(true);
    events.start();
    loop.start();
  }

  private void offer(ClusterUpdate update) {
    synchronized (signal) {
      pendingState = update.current();
      signal.notifyAll();
    }
  }

  private void requestReconcile() {
    synchronized (signal) {
      pendingReconcile = true;
      signal.notifyAll();
    }
  }

  private void loop() {
    long next = System.nanoTime() + resync.toNanos();
    ClusterState last = null;
    while (!closed) {
      ClusterState state;
      boolean full;
      synchronized (signal) {
        long wait = next - System.nanoTime();
        while (!closed && pendingState == null && !pendingReconcile && wait > 0) {
          try {
            signal.wait(Math.max(1, wait / 1_000_000));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
          wait = next - System.nanoTime();
        }
        if (closed) {
          return;
        }
        state = pendingState != null ? pendingState : last;
        full = pendingReconcile || wait <= 0;
        pendingState = null;
        pendingReconcile = false;
      }
      if (full) {
        next = System.nanoTime() + resync.toNanos();
      }
      if (state == null) {
        continue;
      }
      last = state;
      try {
        if (full) {
          reconcile(state);
        } else {
          sync(state);
        }
      } catch (RuntimeException e) {
        log.warn("pod network sync failed: {}", e.toString());
      }
    }
  }

  private void watchKernel() {
    while (!closed) {
      Optional<NetlinkEvent> e;
      try {
        e = subscription.poll(Duration.ofMillis(500));
      } catch (RuntimeException ex) {
        if (!closed) {
          log.debug("netlink events: {}", ex.toString());
          requestReconcile();
        }
        continue;
      }
      if (e.isPresent() && disturbs(e.get())) {
        log.debug("netlink event disturbs the pod network: {}", e.get());
        // let a burst (a flap deletes many routes) settle into one reconcile
        try {
          Thread.sleep(20);
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          return;
        }
        requestReconcile();
      }
    }
  }

  private boolean disturbs(NetlinkEvent e) {
    Map<IpFamily, Topology> topo = topology;
    Set<Integer> links = new HashSet<>();
    for (Topology t : topo.values()) {
      links.add(t.underlayIndex());
      t.vxlanIndex().ifPresent(links::add);
    }
    if (e instanceof NetlinkEvent.Overflow) {
      return true;
    } else if (e instanceof NetlinkEvent.LinkEvent l) {
      return links.contains(l.link().index())
          || l.link().name().equals(deviceName(IpFamily.IPV4))
          || l.link().name().equals(deviceName(IpFamily.IPV6));
    } else if (e instanceof NetlinkEvent.AddressEvent) {
      return true;
    } else if (e instanceof NetlinkEvent.RouteEvent r) {
      boolean ours = r.route().protocol().equals(dataplane.protocol());
      boolean known = committedRoutes.contains(r.route().destination());
      return r.change() == NetlinkEvent.Change.DELETED ? ours && known : !ours && known;
    } else if (e instanceof NetlinkEvent.NeighbourEvent n) {
      return n.change() == NetlinkEvent.Change.DELETED
          && links.contains(n.neighbour().linkIndex())
          && n.neighbour().permanent();
    }
    return false;
  }

  /** Stops the loop and the event watcher; leaves the kernel objects in place. Idempotent. */
  @Override
  public void close() {
    closed = true;
    synchronized (signal) {
      signal.notifyAll();
    }
    for (Thread t : new Thread[] {loop, events}) {
      if (t != null) {
        try {
          t.join(5000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    if (subscription != null) {
      subscription.close();
    }
  }

  /**
   * Builds a {@link RouteManager}; not thread-safe.
   *
   * @since 0.1
   */
  public static final class Builder {
    private final Netlink netlink;
    private final NetConf conf;
    private final String nodeName;
    private Path stateDir;
    private Nftables nftables;
    private int protocol = DEFAULT_ROUTE_PROTOCOL;
    private Duration resync = DEFAULT_RESYNC;
    private Clock clock = Clock.systemUTC();

    private Builder(Netlink netlink, NetConf conf, String nodeName) {
      this.netlink = Objects.requireNonNull(netlink, "netlink");
      this.conf = Objects.requireNonNull(conf, "conf");
      this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
      if (nodeName.isEmpty()) {
        throw new IllegalArgumentException("nodeName: \"\" (expected: a Node name)");
      }
    }

    /**
     * Persists the VTEP MACs in {@code dir} (default: not persisted).
     *
     * @param dir the directory of the VTEP MAC file
     * @return this builder
     */
    public Builder stateDir(Path dir) {
      this.stateDir = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /**
     * Programs the masquerade table through {@code nft} (default: no nftables programming).
     *
     * @param nft the nftables handle of the node's namespace
     * @return this builder
     */
    public Builder nftables(Nftables nft) {
      this.nftables = Objects.requireNonNull(nft, "nft");
      return this;
    }

    /**
     * Tags our routes with this protocol number (1 to 255, default 107).
     *
     * @param value the protocol number, 1 to 255
     * @return this builder
     */
    public Builder routeProtocol(int value) {
      RouteProtocol.valueOf(value);
      this.protocol = value;
      return this;
    }

    /**
     * Sets the period of the full reconcile (default 30 s).
     *
     * @param value the period, &gt; 0
     * @return this builder
     */
    public Builder resyncInterval(Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("resyncInterval: " + value + " (expected: > 0)");
      }
      this.resync = value;
      return this;
    }

    /**
     * Sets the clock of status timestamps.
     *
     * @param value the clock
     * @return this builder
     */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "value");
      return this;
    }

    /**
     * Returns the manager; nothing is programmed until a sync.
     *
     * @return a new manager
     */
    public RouteManager build() {
      return new RouteManager(this);
    }
  }
}
