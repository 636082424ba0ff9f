package dev.k8snet.cni.network;

import dev.k8snet.cni.network.PathExplanation.Step;
import dev.k8snet.cni.network.internal.DesiredState;
import dev.k8snet.cni.network.internal.DesiredState.PeerPath;
import dev.k8snet.cni.network.internal.DesiredState.Topology;
import dev.k8snet.cni.network.internal.KernelState.FdbEntry;
import dev.k8snet.cni.network.internal.KernelState.NeighEntry;
import dev.k8snet.cni.network.internal.KernelState.RouteEntry;
import dev.k8snet.cni.network.internal.MasqueradeRules;
import dev.k8snet.cni.network.internal.NetworkPlan;
import dev.k8snet.cni.network.internal.NetworkPlan.NodePlan;
import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.Pod;
import dev.k8snet.core.netlink.Address;
import dev.k8snet.core.netlink.Link;
import dev.k8snet.core.netlink.Neighbour;
import dev.k8snet.core.netlink.Route;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Explains the path of a packet between pods across nodes, in the kernel objects the route manager
 * programs: a pure function of the configuration and the cluster, optionally checked against what
 * the source node's kernel holds ({@link KernelView}).
 *
 * @since 0.1
 */
public final class NetworkExplain {
  private static final int UNDERLAY = 1_000_001;
  private static final int TUNNEL = 1_000_002;

  private NetworkExplain() {}

  /**
   * Explains the path from pod {@code from} to pod {@code to}.
   *
   * @param conf the pod network configuration
   * @param state the cluster state with the nodes and pods
   * @param from the source pod
   * @param to the destination pod; its first IP of the network's families is used
   * @param kernel the source node's kernel state to compare each step with, if read
   * @return the steps of the path, each with the kernel object it needs
   * @throws IllegalArgumentException when a pod has no IP or no node
   */
  public static PathExplanation explain(
      NetConf conf, ClusterState state, Pod from, Pod to, Optional<KernelView> kernel) {
    return explain(conf, state, from, firstIp(to, conf), kernel);
  }

  /**
   * Explains the path from pod {@code from} to {@code destination} (a pod IP or any address).
   *
   * @param conf the pod network configuration
   * @param state the cluster state with the nodes and pods
   * @param from the source pod
   * @param destination the destination address
   * @param kernel the source node's kernel state to compare each step with, if read
   * @return the steps of the path, each with the kernel object it needs
   * @throws IllegalArgumentException when the source pod has no IP or no node
   */
  public static PathExplanation explain(
      NetConf conf,
      ClusterState state,
      Pod from,
      IpAddress destination,
      Optional<KernelView> kernel) {
    IpAddress src = firstIp(from, conf, destination.family());
    String srcNode =
        from.nodeName()
            .orElseThrow(
                () -> new IllegalArgumentException(name(from) + ": spec.nodeName: absent"));
    NetworkPlan plan = NetworkPlan.compute(conf, state.nodes(), srcNode);
    List<Step> steps = new ArrayList<>();
    boolean ok = true;
    Optional<NodePlan> local = plan.local();
    List<Cidr> localPods = local.map(NodePlan::podCidrList).orElse(List.of());
    if (local.isEmpty()) {
      steps.add(new Step("problem", "node " + srcNode + ": no such Node object", Optional.empty()));
      ok = false;
    } else {
      for (String p : local.get().problems()) {
        steps.add(new Step("problem", "node " + srcNode + ": " + p, Optional.empty()));
        ok = false;
      }
    }
    Optional<NodePlan> dstNode =
        plan.peers().stream()
            .filter(p -> p.podCidrs().values().stream().anyMatch(c -> c.contains(destination)))
            .findFirst();
    PathMode mode = PathMode.NONE;
    if (localPods.stream().anyMatch(c -> c.contains(destination))) {
      steps.add(
          new Step(
              "deliver",
              destination
                  + " is in "
                  + srcNode
                  + "'s pod CIDR: the node bridge delivers it,"
                  + " no route or tunnel",
              Optional.empty()));
    } else if (dstNode.isPresent()) {
      Names names = new Names(conf, kernel);
      Map<IpFamily, Topology> topo = topology(conf, local, plan, kernel);
      DesiredState desired = DesiredState.compute(conf, plan, topo);
      PeerPath path = desired.paths().get(dstNode.get().name());
      mode = path.mode();
      for (String p : path.problems()) {
        steps.add(new Step("problem", dstNode.get().name() + ": " + p, Optional.empty()));
        ok = false;
      }
      for (Object o : path.objects()) {
        Step st = step(o, destination.family(), names, kernel);
        if (st == null) {
          continue;
        }
        steps.add(st);
        ok &= st.kernel().map("present"::equals).orElse(true);
        if (o instanceof FdbEntry f) {
          Step u = underlay(f.remote(), kernel, names, conf);
          steps.add(u);
          ok &= !u.object().contains("no route");
        } else if (o instanceof RouteEntry r && !r.onlink()) {
          Step u = underlay(r.gateway(), kernel, names, conf);
          steps.add(u);
          ok &= !u.object().contains("no route");
        }
      }
      if (path.objects().isEmpty()) {
        ok = false;
      }
    } else {
      Optional<Route> dflt = kernel.flatMap(k -> longestMatch(k.routes(), destination));
      steps.add(
          new Step(
              "route",
              destination
                  + " is outside every node's pod CIDR: the node's own routing"
                  + dflt.map(r -> " (" + describe(r, names(conf, kernel)) + ")").orElse(""),
              kernel.map(k -> dflt.isPresent() ? "present" : "missing")));
      ok &= kernel.isEmpty() || dflt.isPresent();
    }
    MasqueradeRules.Verdict v = MasqueradeRules.verdict(conf, localPods, src, destination, false);
    steps.add(
        new Step(
            "masquerade",
            (v.masquerade() ? "yes: source becomes the node's address (" : "no: (")
                + v.rule()
                + ")",
            Optional.empty()));
    dstNode.ifPresent(
        d ->
            steps.add(
                new Step(
                    "deliver",
                    "on "
                        + d.name()
                        + ": "
                        + d.podCidrs().get(destination.family())
                        + " is local (pod bridge) -> "
                        + destination,
                    Optional.empty())));
    return new PathExplanation(
        src, destination, srcNode, dstNode.map(NodePlan::name), mode, steps, v.masquerade(), ok);
  }

  private static IpAddress firstIp(Pod p, NetConf conf) {
    if (p.podIps().isEmpty()) {
      throw new IllegalArgumentException(name(p) + ": status.podIPs: absent (expected: a pod IP)");
    }
    return p.podIps().stream()
        .filter(ip -> conf.network(ip.family()).isPresent())
        .findFirst()
        .orElse(p.podIps().get(0));
  }

  private static IpAddress firstIp(Pod p, NetConf conf, IpFamily family) {
    return p.podIps().stream()
        .filter(ip -> ip.family() == family)
        .findFirst()
        .orElseGet(() -> firstIp(p, conf));
  }

  private static String name(Pod p) {
    return p.metadata().namespace() + "/" + p.metadata().name();
  }

  /** Link names: from the kernel when read, else nominal. */
  private record Names(NetConf conf, Optional<KernelView> kernel) {
    String of(int index, IpFamily f) {
      if (index == UNDERLAY) {
        return "<underlay link>";
      }
      if (index == TUNNEL) {
        return NetworkPlan.vxlanDeviceName(conf, f);
      }
      return kernel
          .flatMap(
              k -> k.links().stream().filter(l -> l.index() == index).map(Link::name).findFirst())
          .orElse("if" + index);
    }
  }

  private static Names names(NetConf conf, Optional<KernelView> kernel) {
    return new Names(conf, kernel);
  }

  private static Map<IpFamily, Topology> topology(
      NetConf conf, Optional<NodePlan> local, NetworkPlan plan, Optional<KernelView> kernel) {
    Map<IpFamily, Topology> topo = new EnumMap<>(IpFamily.class);
    if (local.isEmpty()) {
      return topo;
    }
    for (Map.Entry<IpFamily, IpAddress> e : local.get().underlay().entrySet()) {
      IpFamily f = e.getKey();
      if (kernel.isEmpty()) {
        // no kernel: take every node as adjacent, name devices nominally
        List<Cidr> all =
            plan.peers().stream()
                .flatMap(p -> p.underlay().values().stream())
                .filter(ip -> ip.family() == f)
                .map(Cidr::host)
                .toList();
        topo.put(f, new Topology(UNDERLAY, 1500, all, OptionalInt.of(TUNNEL), 1500));
        continue;
      }
      KernelView k = kernel.get();
      Optional<Address> holder =
          k.addresses().stream()
              .filter(a -> a.address().address().equals(e.getValue()))
              .findFirst();
      if (holder.isEmpty()) {
        continue;
      }
      int ul = holder.get().linkIndex();
      List<Cidr> connected =
          k.addresses().stream()
              .filter(a -> a.linkIndex() == ul)
              .map(a -> Cidr.containing(a.address().address(), a.address().prefixLength()))
              .toList();
      String dev = NetworkPlan.vxlanDeviceName(conf, f);
      Optional<Link> vx = k.links().stream().filter(l -> l.name().equals(dev)).findFirst();
      int mtu =
          k.links().stream()
              .filter(l -> l.index() == ul)
              .mapToInt(Link::mtu)
              .findFirst()
              .orElse(1500);
      topo.put(
          f,
          new Topology(
              ul,
              mtu,
              connected,
              vx.map(l -> OptionalInt.of(l.index())).orElse(OptionalInt.of(TUNNEL)),
              vx.map(Link::mtu).orElse(mtu - 50)));
    }
    return topo;
  }

  private static Step step(Object o, IpFamily f, Names names, Optional<KernelView> kernel) {
    if (o instanceof RouteEntry r) {
      String text =
          r.destination()
              + " via "
              + r.gateway()
              + " dev "
              + names.of(r.linkIndex(), f)
              + (r.onlink() ? " onlink" : "")
              + " proto "
              + RouteManager.DEFAULT_ROUTE_PROTOCOL;
      return new Step(
          "route",
          text,
          kernel.map(
              k ->
                  k.routes().stream()
                      .filter(x -> x.destination().equals(r.destination()))
                      .findFirst()
                      .map(
                          x ->
                              x.gateway().equals(Optional.of(r.gateway()))
                                      && x.linkIndex().equals(OptionalInt.of(r.linkIndex()))
                                      && x.onlink() == r.onlink()
                                  ? "present"
                                  : "differs: " + describe(x, names))
                      .orElse("missing")));
    } else if (o instanceof NeighEntry n) {
      String text =
          n.address() + " lladdr " + n.mac() + " dev " + names.of(n.linkIndex(), f) + " PERMANENT";
      return new Step(
          "neighbour",
          text,
          kernel.map(
              k ->
                  k.neighbours().stream()
                      .filter(
                          x ->
                              x.linkIndex() == n.linkIndex()
                                  && x.address().equals(Optional.of(n.address())))
                      .findFirst()
                      .map(
                          x ->
                              x.mac().equals(Optional.of(n.mac())) && x.permanent()
                                  ? "present"
                                  : "differs: lladdr "
                                      + x.mac().map(Object::toString).orElse("none"))
                      .orElse("missing")));
    } else if (o instanceof FdbEntry d) {
      String text =
          d.mac() + " dev " + names.of(d.linkIndex(), f) + " dst " + d.remote() + " self permanent";
      return new Step(
          "fdb",
          text,
          kernel.map(
              k -> {
                List<Neighbour> same =
                    k.fdb().stream()
                        .filter(
                            x ->
                                x.linkIndex() == d.linkIndex()
                                    && x.mac().equals(Optional.of(d.mac())))
                        .toList();
                if (same.isEmpty()) {
                  return "missing";
                }
                return same.stream().anyMatch(x -> x.address().equals(Optional.of(d.remote())))
                    ? "present"
                    : "differs: dst " + same.get(0).address().map(Object::toString).orElse("none");
              }));
    }
    return null;
  }

  private static Step underlay(
      IpAddress remote, Optional<KernelView> kernel, Names names, NetConf conf) {
    String what =
        conf.backend().type() == BackendType.VXLAN
            ? " (UDP " + conf.backend().port() + ", VNI " + conf.backend().vni() + ")"
            : "";
    if (kernel.isEmpty()) {
      return new Step("underlay", remote + " reached over the underlay" + what, Optional.empty());
    }
    Optional<Route> r = longestMatch(kernel.get().routes(), remote);
    return new Step(
        "underlay",
        r.map(x -> remote + " via " + describe(x, names) + what)
            .orElse(remote + ": no route in the main table"),
        Optional.of(r.isPresent() ? "present" : "missing"));
  }

  private static Optional<Route> longestMatch(List<Route> routes, IpAddress ip) {
    return routes.stream()
        .filter(r -> r.destination().contains(ip))
        .max(Comparator.comparingInt((Route r) -> r.destination().prefixLength()));
  }

  private static String describe(Route r, Names names) {
    StringBuilder s = new StringBuilder(r.destination().toString());
    r.gateway().ifPresent(g -> s.append(" via ").append(g));
    r.linkIndex().ifPresent(i -> s.append(" dev ").append(names.of(i, r.family())));
    if (r.onlink()) {
      s.append(" onlink");
    }
    s.append(" proto ").append(r.protocol().toString().toLowerCase(java.util.Locale.ROOT));
    return s.toString();
  }
}
