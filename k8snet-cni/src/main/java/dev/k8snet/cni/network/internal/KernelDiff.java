package dev.k8snet.cni.network.internal;

import dev.k8snet.cni.network.internal.KernelState.FdbEntry;
import dev.k8snet.cni.network.internal.KernelState.FdbKey;
import dev.k8snet.cni.network.internal.KernelState.NeighEntry;
import dev.k8snet.cni.network.internal.KernelState.NeighKey;
import dev.k8snet.cni.network.internal.KernelState.RouteEntry;
import dev.k8snet.core.Cidr;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The pure diff between desired and actual kernel state: the writes that turn {@code actual} into
 * {@code desired}, nothing else. Order: stale routes go first (so nothing routes into an entry
 * about to vanish), then neighbours and FDB entries, then routes last ("so the kernel never ARPs"),
 * then stale neighbours and FDB entries.
 */
public final class KernelDiff {
  private KernelDiff() {}

  /** Returns the writes, empty when both states are equal. */
  public static List<KernelOp> diff(KernelState desired, KernelState actual) {
    List<KernelOp> out = new ArrayList<>();
    for (Map.Entry<Cidr, RouteEntry> e : actual.routes().entrySet()) {
      if (!desired.routes().containsKey(e.getKey())) {
        out.add(new KernelOp.DeleteRoute(e.getValue()));
      }
    }
    for (NeighEntry n : desired.neighbours().values()) {
      if (!n.equals(actual.neighbours().get(n.key()))) {
        out.add(new KernelOp.ReplaceNeigh(n));
      }
    }
    for (FdbEntry f : desired.fdb().values()) {
      if (!f.equals(actual.fdb().get(f.key()))) {
        out.add(new KernelOp.ReplaceFdb(f));
      }
    }
    for (RouteEntry r : desired.routes().values()) {
      if (!r.equals(actual.routes().get(r.destination()))) {
        out.add(new KernelOp.ReplaceRoute(r));
      }
    }
    for (Map.Entry<NeighKey, NeighEntry> e : actual.neighbours().entrySet()) {
      if (!desired.neighbours().containsKey(e.getKey())) {
        out.add(new KernelOp.DeleteNeigh(e.getValue()));
      }
    }
    for (Map.Entry<FdbKey, FdbEntry> e : actual.fdb().entrySet()) {
      if (!desired.fdb().containsKey(e.getKey())) {
        out.add(new KernelOp.DeleteFdb(e.getValue()));
      }
    }
    return List.copyOf(out);
  }

  /** Returns {@code state} after {@code op} succeeded. */
  public static KernelState apply(KernelState state, List<KernelOp> ops) {
    Map<Cidr, RouteEntry> routes = new HashMap<>(state.routes());
    Map<NeighKey, NeighEntry> neigh = new HashMap<>(state.neighbours());
    Map<FdbKey, FdbEntry> fdb = new HashMap<>(state.fdb());
    for (KernelOp op : ops) {
      if (op instanceof KernelOp.ReplaceRoute r) {
        routes.put(r.route().destination(), r.route());
      } else if (op instanceof KernelOp.DeleteRoute r) {
        routes.remove(r.route().destination());
      } else if (op instanceof KernelOp.ReplaceNeigh n) {
        neigh.put(n.neighbour().key(), n.neighbour());
      } else if (op instanceof KernelOp.DeleteNeigh n) {
        neigh.remove(n.neighbour().key());
      } else if (op instanceof KernelOp.ReplaceFdb f) {
        fdb.put(f.fdb().key(), f.fdb());
      } else if (op instanceof KernelOp.DeleteFdb f) {
        fdb.remove(f.fdb().key());
      }
    }
    return new KernelState(routes, neigh, fdb);
  }
}
