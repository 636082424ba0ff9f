package dev.k8snet.cni.network.internal;

import dev.k8snet.cni.network.internal.KernelState.FdbEntry;
import dev.k8snet.cni.network.internal.KernelState.FdbKey;
import dev.k8snet.cni.network.internal.KernelState.NeighEntry;
import dev.k8snet.cni.network.internal.KernelState.NeighKey;
import dev.k8snet.cni.network.internal.KernelState.RouteEntry;
import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.netlink.Link;
import dev.k8snet.core.netlink.Neighbour;
import dev.k8snet.core.netlink.Netlink;
import dev.k8snet.core.netlink.NetlinkException;
import dev.k8snet.core.netlink.Route;
import dev.k8snet.core.netlink.RouteProtocol;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/** Reads the owned kernel objects and applies diff operations through one netlink handle. */
public final class Dataplane {
  private static final int ENOENT = 2;
  private static final int ESRCH = 3;

  private final Netlink nl;
  private final RouteProtocol protocol;
  private long writes;

  /** A dataplane writing through {@code nl}, tagging routes with {@code protocol}. */
  public Dataplane(Netlink nl, RouteProtocol protocol) {
    this.nl = nl;
    this.protocol = protocol;
  }

  /** Returns the netlink handle. */
  public Netlink netlink() {
    return nl;
  }

  /** Returns the route protocol that marks our routes. */
  public RouteProtocol protocol() {
    return protocol;
  }

  /** Returns the writes made so far. */
  public long writes() {
    return writes;
  }

  /** Counts a write made outside {@link #apply}. */
  public void countWrite() {
    writes++;
  }

  /**
   * Reads what we own: routes of the main table tagged with our protocol or going to a desired
   * destination (a foreign route there is ours to replace), permanent neighbours and {@code self}
   * FDB entries on our VXLAN devices.
   */
  public KernelState read(
      Set<IpFamily> families, List<Integer> vxlanDevices, Set<Cidr> desiredDestinations) {
    Map<Cidr, RouteEntry> routes = new HashMap<>();
    for (IpFamily f : families) {
      for (Route r : nl.routes(f)) {
        boolean ours = r.protocol().equals(protocol);
        if (!ours && !desiredDestinations.contains(r.destination())) {
          continue;
        }
        IpAddress gw = r.gateway().orElse(IpAddress.parse(f == IpFamily.IPV4 ? "0.0.0.0" : "::"));
        routes.put(
            r.destination(),
            new RouteEntry(
                r.destination(),
                gw,
                ours ? r.linkIndex().orElse(0) : -1, // a foreign route never equals ours
                r.onlink()));
      }
    }
    Map<NeighKey, NeighEntry> neigh = new HashMap<>();
    Map<FdbKey, FdbEntry> fdb = new HashMap<>();
    for (int vx : vxlanDevices) {
      for (IpFamily f : families) {
        for (Neighbour n : nl.neighbours(f)) {
          if (n.linkIndex() == vx && n.permanent() && n.mac().isPresent()) {
            NeighEntry e = new NeighEntry(vx, n.address().orElseThrow(), n.mac().get());
            neigh.put(e.key(), e);
          }
        }
      }
      Optional<Link> link = nl.link(vx);
      if (link.isEmpty()) {
        continue;
      }
      for (Neighbour n : nl.fdb(link.get())) {
        if (n.linkIndex() == vx
            && (n.flags() & Neighbour.NTF_SELF) != 0
            && n.permanent()
            && n.address().isPresent()
            && n.mac().isPresent()
            && n.mac().get().value() != 0) {
          FdbEntry e = new FdbEntry(vx, n.mac().get(), n.address().get());
          fdb.put(e.key(), e);
        }
      }
    }
    return new KernelState(routes, neigh, fdb);
  }

  /**
   * Applies {@code ops} in order, each on its own; a failing op does not stop the others.
   *
   * @return the failures, by op, in order (a delete of something already gone is no failure)
   */
  public Map<KernelOp, NetlinkException> apply(List<KernelOp> ops) {
    Map<KernelOp, NetlinkException> failed = new LinkedHashMap<>();
    for (KernelOp op : ops) {
      writes++;
      try {
        if (op instanceof KernelOp.ReplaceRoute r) {
          nl.replaceRoute(route(r.route()));
        } else if (op instanceof KernelOp.DeleteRoute r) {
          nl.deleteRoute(route(r.route()));
        } else if (op instanceof KernelOp.ReplaceNeigh n) {
          nl.replaceNeighbour(neighbour(n.neighbour()));
        } else if (op instanceof KernelOp.DeleteNeigh n) {
          nl.deleteNeighbour(neighbour(n.neighbour()));
        } else if (op instanceof KernelOp.ReplaceFdb f) {
          nl.replaceNeighbour(fdb(f.fdb()));
        } else if (op instanceof KernelOp.DeleteFdb f) {
          nl.deleteNeighbour(fdb(f.fdb()));
        }
      } catch (NetlinkException e) {
        boolean gone =
            (op instanceof KernelOp.DeleteRoute
                    || op instanceof KernelOp.DeleteNeigh
                    || op instanceof KernelOp.DeleteFdb)
                && (e.errno() == ESRCH || e.errno() == ENOENT);
        if (!gone) {
          failed.put(op, e);
        }
      }
    }
    return failed;
  }

  /** The netlink route of an entry, tagged with our protocol. */
  public Route route(RouteEntry e) {
    Route.Builder b = Route.builder(e.destination()).protocol(protocol);
    if (!e.gateway().isUnspecified()) {
      b.gateway(e.gateway());
    }
    if (e.linkIndex() > 0) {
      b.device(e.linkIndex());
    }
    return b.onlink(e.onlink() && e.linkIndex() > 0 && !e.gateway().isUnspecified()).build();
  }

  static Neighbour neighbour(NeighEntry e) {
    return new Neighbour(
        e.linkIndex(),
        false,
        Optional.of(e.address()),
        Optional.of(e.mac()),
        Neighbour.NUD_PERMANENT,
        0,
        OptionalInt.empty());
  }

  static Neighbour fdb(FdbEntry e) {
    return new Neighbour(
        e.linkIndex(),
        true,
        Optional.of(e.remote()),
        Optional.of(e.mac()),
        Neighbour.NUD_PERMANENT,
        Neighbour.NTF_SELF,
        OptionalInt.empty());
  }
}
