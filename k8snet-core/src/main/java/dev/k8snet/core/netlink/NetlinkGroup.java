package dev.k8snet.core.netlink;

/**
 * rtnetlink notification groups that {@link Netlink#subscribe(java.util.Set)} can join.
 *
 * @since 0.1
 */
public enum NetlinkGroup {
  /** Links created, changed or deleted ({@code RTNLGRP_LINK}). */
  LINK(1),
  /** Neighbour and FDB entries ({@code RTNLGRP_NEIGH}). */
  NEIGHBOUR(3),
  /** IPv4 addresses ({@code RTNLGRP_IPV4_IFADDR}). */
  IPV4_ADDRESS(5),
  /** IPv4 routes ({@code RTNLGRP_IPV4_ROUTE}). */
  IPV4_ROUTE(7),
  /** IPv6 addresses ({@code RTNLGRP_IPV6_IFADDR}). */
  IPV6_ADDRESS(9),
  /** IPv6 routes ({@code RTNLGRP_IPV6_ROUTE}). */
  IPV6_ROUTE(11);

  private final int number;

  NetlinkGroup(int number) {
    this.number = number;
  }

  /**
   * Returns the kernel's group number.
   *
   * @return the {@code RTNLGRP_*} number
   */
  public int number() {
    return number;
  }
}
