package dev.k8snet.core.netlink;

import dev.k8snet.core.MacAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A network interface as the kernel reported it at one moment (an immutable snapshot).
 *
 * @param index the interface index, unique within its namespace
 * @param name the interface name
 * @param kind the link kind ({@code "veth"}, {@code "bridge"}, {@code "vxlan"}…), empty for
 *     physical devices and loopback
 * @param flags the {@code IFF_*} flags (e.g. bit 0 {@code IFF_UP})
 * @param mtu the MTU in bytes
 * @param mac the link-layer address, empty when the link has none of six bytes
 * @param masterIndex the index of the bridge or bond this link is enslaved to
 * @param parentIndex the index of the lower or peer link ({@code IFLA_LINK}; for a veth, the peer's
 *     index, which may be in another namespace)
 * @param operState the operational state as the kernel names it ({@code "UP"}, {@code "DOWN"},
 *     {@code "UNKNOWN"}, {@code "LOWERLAYERDOWN"}…)
 * @param vxlan for a VXLAN device, its settings as the kernel reports them (VNI, local endpoint,
 *     underlay device, UDP port, learning); empty for other kinds
 * @since 0.1
 */
public record Link(
    int index,
    String name,
    Optional<String> kind,
    int flags,
    int mtu,
    Optional<MacAddress> mac,
    OptionalInt masterIndex,
    OptionalInt parentIndex,
    String operState,
    Optional<LinkKind.Vxlan> vxlan) {

  /** {@code IFF_UP}: administratively up. */
  public static final int IFF_UP = 0x1;

  /** {@code IFF_LOOPBACK}. */
  public static final int IFF_LOOPBACK = 0x8;

  /** {@code IFF_LOWER_UP}: the driver signals carrier. */
  public static final int IFF_LOWER_UP = 0x10000;

  /**
   * Checks that no component is null.
   *
   * @param index the interface index, unique within its namespace
   * @param name the interface name
   * @param kind the link kind ({@code "veth"}, {@code "bridge"}, {@code "vxlan"}…), empty for
   *     physical devices and loopback
   * @param flags the {@code IFF_*} flags (e.g. bit 0 {@code IFF_UP})
   * @param mtu the MTU in bytes
   * @param mac the link-layer address, empty when the link has none of six bytes
   * @param masterIndex the index of the bridge or bond this link is enslaved to
   * @param parentIndex the index of the lower or peer link ({@code IFLA_LINK}; for a veth, the
   *     peer's index, which may be in another namespace)
   * @param operState the operational state as the kernel names it ({@code "UP"}, {@code "DOWN"},
   *     {@code "UNKNOWN"}, {@code "LOWERLAYERDOWN"}…)
   * @param vxlan for a VXLAN device, its settings as the kernel reports them (VNI, local endpoint,
   *     underlay device, UDP port, learning); empty for other kinds
   */
  public Link {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(mac, "mac");
    Objects.requireNonNull(masterIndex, "masterIndex");
    Objects.requireNonNull(parentIndex, "parentIndex");
    Objects.requireNonNull(operState, "operState");
    Objects.requireNonNull(vxlan, "vxlan");
  }

  /**
   * Returns whether the link is administratively up ({@code IFF_UP}).
   *
   * @return whether {@code IFF_UP} is set in {@link #flags()}
   */
  public boolean up() {
    return (flags & IFF_UP) != 0;
  }

  /**
   * Returns whether the link has carrier ({@code IFF_LOWER_UP}).
   *
   * @return whether {@code IFF_LOWER_UP} is set in {@link #flags()}
   */
  public boolean lowerUp() {
    return (flags & IFF_LOWER_UP) != 0;
  }
}
