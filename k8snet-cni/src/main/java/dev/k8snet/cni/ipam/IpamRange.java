package dev.k8snet.cni.ipam;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import java.util.Objects;
import java.util.Optional;

/**
 * One range of a host-local range set: a subnet and the part of it that is handed out. Defaults as
 * host-local: {@code rangeStart} the subnet's second address, {@code rangeEnd} the broadcast minus
 * one (IPv4) or the last address (IPv6), {@code gateway} the subnet's second address. Immutable.
 *
 * @param subnet the subnet (IPv4 at most /30, IPv6 at most /126)
 * @param rangeStart the first address handed out
 * @param rangeEnd the last address handed out
 * @param gateway the gateway, never handed out; empty when the range has none
 * @since 0.1
 */
public record IpamRange(
    Cidr subnet, IpAddress rangeStart, IpAddress rangeEnd, Optional<IpAddress> gateway) {

  /**
   * Validates the range with host-local's rules and messages.
   *
   * @param subnet the subnet (IPv4 at most /30, IPv6 at most /126)
   * @param rangeStart the first address handed out
   * @param rangeEnd the last address handed out
   * @param gateway the gateway, never handed out; empty when the range has none
   * @throws IllegalArgumentException naming the problem
   */
  public IpamRange {
    Objects.requireNonNull(subnet, "subnet");
    Objects.requireNonNull(rangeStart, "rangeStart");
    Objects.requireNonNull(rangeEnd, "rangeEnd");
    Objects.requireNonNull(gateway, "gateway");
    int bits = subnet.family().bitLength();
    if (subnet.prefixLength() > bits - 2) {
      throw new IllegalArgumentException("Network " + subnet + " too small to allocate from");
    }
    if (!subnet.contains(rangeStart)) {
      throw new IllegalArgumentException("RangeStart " + rangeStart + " not in network " + subnet);
    }
    if (!subnet.contains(rangeEnd)) {
      throw new IllegalArgumentException("RangeEnd " + rangeEnd + " not in network " + subnet);
    }
    if (rangeStart.compareTo(rangeEnd) > 0) {
      throw new IllegalArgumentException(
          "RangeStart " + rangeStart + " is after RangeEnd " + rangeEnd);
    }
    gateway.ifPresent(
        g -> {
          if (!subnet.contains(g)) {
            throw new IllegalArgumentException("gateway " + g + " not in network " + subnet);
          }
        });
  }

  /**
   * A range over {@code subnet} with host-local's defaults.
   *
   * @param subnet the subnet, at most /30 (IPv4) or /126 (IPv6)
   * @return the range from the subnet's second address to its last (IPv4: the one before the
   *     broadcast address), with the second address as gateway
   */
  public static IpamRange of(Cidr subnet) {
    return of(subnet, Optional.empty(), Optional.empty(), Optional.empty());
  }

  /**
   * A range with host-local's defaults for the absent settings.
   *
   * @param subnet the subnet, at most /30 (IPv4) or /126 (IPv6)
   * @param rangeStart the first address to hand out (default: the subnet's second address)
   * @param rangeEnd the last address to hand out (default: the subnet's last, for IPv4 the one
   *     before the broadcast address)
   * @param gateway the gateway (default: the subnet's second address)
   * @return the range
   */
  public static IpamRange of(
      Cidr subnet,
      Optional<IpAddress> rangeStart,
      Optional<IpAddress> rangeEnd,
      Optional<IpAddress> gateway) {
    int bits = subnet.family().bitLength();
    if (subnet.prefixLength() > bits - 2) {
      throw new IllegalArgumentException("Network " + subnet + " too small to allocate from");
    }
    IpAddress second = subnet.first().next();
    IpAddress last = subnet.family() == IpFamily.IPV4 ? subnet.last().previous() : subnet.last();
    return new IpamRange(
        subnet,
        rangeStart.orElse(second),
        rangeEnd.orElse(last),
        Optional.of(gateway.orElse(second)));
  }

  /**
   * The address family.
   *
   * @return the family of the subnet
   */
  public IpFamily family() {
    return subnet.family();
  }

  /**
   * Whether {@code ip} lies between {@code rangeStart} and {@code rangeEnd}.
   *
   * @param ip the address
   * @return whether {@code ip} is of this family and within the range, both ends included
   */
  public boolean contains(IpAddress ip) {
    return ip.family() == family() && rangeStart.compareTo(ip) <= 0 && ip.compareTo(rangeEnd) <= 0;
  }

  /**
   * Whether the handed-out parts of the two ranges overlap.
   *
   * @param o the other range
   * @return whether both are of one family and their start-to-end intervals intersect
   */
  public boolean overlaps(IpamRange o) {
    return o.family() == family()
        && rangeStart.compareTo(o.rangeEnd) <= 0
        && o.rangeStart.compareTo(rangeEnd) <= 0;
  }

  /** {@code rangeStart-rangeEnd}, as host-local prints a range. */
  @Override
  public String toString() {
    return rangeStart + "-" + rangeEnd;
  }
}
