package dev.k8snet.cni.network.internal;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.MacAddress;
import java.util.Map;
import java.util.TreeMap;

/**
 * The kernel objects of the pod network that we own, desired or actual: routes to peer pod CIDRs
 * (keyed by destination, main table), permanent neighbours on our VXLAN devices (keyed by device
 * and IP) and FDB entries on them (keyed by device and MAC). Immutable.
 */
public record KernelState(
    Map<Cidr, RouteEntry> routes, Map<NeighKey, NeighEntry> neighbours, Map<FdbKey, FdbEntry> fdb) {

  /** Nothing. */
  public static final KernelState EMPTY = new KernelState(Map.of(), Map.of(), Map.of());

  /** Copies the maps (sorted, for stable output). */
  public KernelState {
    routes = java.util.Collections.unmodifiableMap(new TreeMap<>(routes));
    neighbours = Map.copyOf(neighbours);
    fdb = Map.copyOf(fdb);
  }

  /** Returns the number of objects. */
  public int size() {
    return routes.size() + neighbours.size() + fdb.size();
  }

  /** A route to a pod CIDR: via {@code gateway} out of {@code linkIndex}. */
  public record RouteEntry(Cidr destination, IpAddress gateway, int linkIndex, boolean onlink) {}

  /** The key of a neighbour entry. */
  public record NeighKey(int linkIndex, IpAddress address) {}

  /** A permanent neighbour entry. */
  public record NeighEntry(int linkIndex, IpAddress address, MacAddress mac) {
    /** Returns its key. */
    public NeighKey key() {
      return new NeighKey(linkIndex, address);
    }
  }

  /** The key of an FDB entry. */
  public record FdbKey(int linkIndex, MacAddress mac) {}

  /**
   * A permanent FDB entry ({@code self}): {@code mac} is behind the tunnel endpoint {@code remote}.
   */
  public record FdbEntry(int linkIndex, MacAddress mac, IpAddress remote) {
    /** Returns its key. */
    public FdbKey key() {
      return new FdbKey(linkIndex, mac);
    }
  }
}
