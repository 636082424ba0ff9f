package dev.k8snet.cni.network;

import dev.k8snet.core.IpFamily;
import dev.k8snet.core.netlink.Address;
import dev.k8snet.core.netlink.Link;
import dev.k8snet.core.netlink.Neighbour;
import dev.k8snet.core.netlink.Netlink;
import dev.k8snet.core.netlink.Route;
import java.util.ArrayList;
import java.util.List;

/**
 * What one node's kernel holds that matters for the pod network: links, addresses, routes of the
 * main table, neighbours and the FDB entries of VXLAN devices. An immutable snapshot, read with
 * {@link #read(Netlink)}, for {@link NetworkExplain}.
 *
 * @param links the links
 * @param addresses the addresses
 * @param routes the routes of both families (main table)
 * @param neighbours the ARP/NDP entries
 * @param fdb the FDB entries of VXLAN devices
 * @since 0.1
 */
public record KernelView(
    List<Link> links,
    List<Address> addresses,
    List<Route> routes,
    List<Neighbour> neighbours,
    List<Neighbour> fdb) {

  /**
   * Copies the lists.
   *
   * @param links the links
   * @param addresses the addresses
   * @param routes the routes of both families (main table)
   * @param neighbours the ARP/NDP entries
   * @param fdb the FDB entries of VXLAN devices
   */
  public KernelView {
    links = List.copyOf(links);
    addresses = List.copyOf(addresses);
    routes = List.copyOf(routes);
    neighbours = List.copyOf(neighbours);
    fdb = List.copyOf(fdb);
  }

  /**
   * Reads the namespace of {@code nl}.
   *
   * @param nl the handle of the namespace to read
   * @return the links, addresses, routes and neighbours of both families, and the FDB entries of
   *     VXLAN devices
   */
  public static KernelView read(Netlink nl) {
    List<Link> links = nl.links();
    List<Route> routes = new ArrayList<>(nl.routes(IpFamily.IPV4));
    routes.addAll(nl.routes(IpFamily.IPV6));
    List<Neighbour> neigh = new ArrayList<>(nl.neighbours(IpFamily.IPV4));
    neigh.addAll(nl.neighbours(IpFamily.IPV6));
    List<Neighbour> fdb = new ArrayList<>();
    for (Link l : links) {
      if (l.vxlan().isPresent()) {
        fdb.addAll(nl.fdb(l));
      }
    }
    return new KernelView(links, nl.addresses(), routes, neigh, fdb);
  }
}
