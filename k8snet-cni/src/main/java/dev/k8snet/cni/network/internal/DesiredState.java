package dev.k8snet.cni.network.internal;

import dev.k8snet.cni.network.BackendType;
import dev.k8snet.cni.network.NetConf;
import dev.k8snet.cni.network.PathMode;
import dev.k8snet.cni.network.internal.KernelState.FdbEntry;
import dev.k8snet.cni.network.internal.KernelState.FdbKey;
import dev.k8snet.cni.network.internal.KernelState.NeighEntry;
import dev.k8snet.cni.network.internal.KernelState.NeighKey;
import dev.k8snet.cni.network.internal.KernelState.RouteEntry;
import dev.k8snet.cni.network.internal.NetworkPlan.NodePlan;
import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.MacAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The kernel objects the plan asks for, given this node's devices: a pure function, the oracle of
 * the diff, the explain command and the tests.
 *
 * @param state the owned kernel objects
 * @param paths per peer: how it is reached and what keeps it from being programmed
 */
public record DesiredState(KernelState state, Map<String, PeerPath> paths) {

  /** Copies the map, keeping its order. */
  public DesiredState {
    paths = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(paths));
  }

  /**
   * This node's devices in one family.
   *
   * @param underlayIndex the link that holds the node's underlay address
   * @param underlayMtu its MTU
   * @param connected the prefixes of the underlay link's addresses (peers inside are adjacent)
   * @param vxlanIndex the VXLAN device, when the backend is VXLAN
   * @param vxlanMtu its MTU
   */
  public record Topology(
      int underlayIndex,
      int underlayMtu,
      List<Cidr> connected,
      OptionalInt vxlanIndex,
      int vxlanMtu) {
    /** Copies the list. */
    public Topology {
      connected = List.copyOf(connected);
    }

    boolean adjacent(IpAddress ip) {
      return connected.stream().anyMatch(c -> c.contains(ip));
    }
  }

  /**
   * How one peer is reached.
   *
   * @param node the peer
   * @param mode the path (NONE when nothing is programmed)
   * @param mtu the path MTU for pod traffic
   * @param problems why not all of it is programmed
   * @param objects the kernel objects of this peer (routes, neighbours, FDB entries)
   */
  public record PeerPath(
      String node, PathMode mode, OptionalInt mtu, List<String> problems, List<Object> objects) {
    /** Copies the lists. */
    public PeerPath {
      problems = List.copyOf(problems);
      objects = List.copyOf(objects);
    }
  }

  /** Computes the desired state. Families without a topology are not programmed. */
  public static DesiredState compute(
      NetConf conf, NetworkPlan plan, Map<IpFamily, Topology> topology) {
    Map<Cidr, RouteEntry> routes = new HashMap<>();
    Map<NeighKey, NeighEntry> neigh = new HashMap<>();
    Map<FdbKey, FdbEntry> fdb = new HashMap<>();
    Map<String, PeerPath> paths = new LinkedHashMap<>();
    Optional<NodePlan> local = plan.local();
    for (NodePlan peer : plan.peers()) {
      PeerPath path = peerPath(conf, local, peer, topology, fdb.keySet());
      for (Object o : path.objects()) {
        if (o instanceof RouteEntry r) {
          routes.put(r.destination(), r);
        } else if (o instanceof NeighEntry n) {
          neigh.put(n.key(), n);
        } else if (o instanceof FdbEntry d) {
          fdb.put(d.key(), d);
        }
      }
      paths.put(peer.name(), path);
    }
    return new DesiredState(new KernelState(routes, neigh, fdb), paths);
  }

  /**
   * The path to one peer. {@code takenFdb} holds the FDB keys of the other peers (a VTEP MAC used
   * twice is a problem of the second).
   */
  public static PeerPath peerPath(
      NetConf conf,
      Optional<NodePlan> local,
      NodePlan peer,
      Map<IpFamily, Topology> topology,
      java.util.Set<FdbKey> takenFdb) {
    List<String> problems = new ArrayList<>(peer.problems());
    List<Object> objects = new ArrayList<>();
    PathMode mode = PathMode.NONE;
    OptionalInt mtu = OptionalInt.empty();
    if (!problems.isEmpty()) {
      // bad node data (overlap, foreign VNI, no address…): program nothing for it
      return new PeerPath(peer.name(), mode, mtu, problems, objects);
    }
    for (Map.Entry<IpFamily, Cidr> e : peer.podCidrs().entrySet()) {
      IpFamily f = e.getKey();
      Cidr cidr = e.getValue();
      IpAddress remote = peer.underlay().get(f);
      Topology t = topology.get(f);
      if (remote == null) {
        continue;
      }
      if (t == null || local.isEmpty() || !local.get().podCidrs().containsKey(f)) {
        problems.add(f + ": this node has no " + f + " pod network to route from");
        continue;
      }
      boolean adjacent = t.adjacent(remote);
      if (conf.backend().type() == BackendType.HOST_GW
          || (conf.backend().directRouting() && adjacent)) {
        if (!adjacent) {
          problems.add(
              f
                  + ": underlay "
                  + remote
                  + " is not on a subnet of this node's underlay link "
                  + t.connected()
                  + " (host-gw needs the nodes on one L2 segment)");
          continue;
        }
        objects.add(new RouteEntry(cidr, remote, t.underlayIndex(), false));
        mode = conf.backend().type() == BackendType.HOST_GW ? PathMode.HOST_GW : PathMode.DIRECT;
        mtu = min(mtu, conf.backend().mtu().orElse(t.underlayMtu()));
      } else {
        int vx = t.vxlanIndex().orElse(0);
        if (vx == 0) {
          problems.add(f + ": no VXLAN device");
          continue;
        }
        MacAddress mac = peer.vtepMacs().get(f);
        IpAddress gw = cidr.first();
        FdbEntry d = new FdbEntry(vx, mac, remote);
        if (takenFdb.contains(d.key())) {
          problems.add(f + ": VTEP MAC " + mac + " is used by another node too");
          continue;
        }
        objects.add(new NeighEntry(vx, gw, mac));
        objects.add(d);
        objects.add(new RouteEntry(cidr, gw, vx, true));
        mode = mode == PathMode.DIRECT ? PathMode.DIRECT : PathMode.VXLAN;
        mtu = min(mtu, t.vxlanMtu());
      }
    }
    return new PeerPath(peer.name(), mode, mtu, problems, objects);
  }

  private static OptionalInt min(OptionalInt a, int b) {
    return OptionalInt.of(a.isPresent() ? Math.min(a.getAsInt(), b) : b);
  }
}
