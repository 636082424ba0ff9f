package dev.k8snet.core.netlink;

import dev.k8snet.core.IpAddress;
import dev.k8snet.core.MacAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A neighbour entry: an ARP/NDP entry (IP to MAC on a link), or a bridge forwarding database (FDB)
 * entry (MAC on a bridge port or VXLAN device, with the remote tunnel endpoint as address).
 *
 * <pre>{@code
 * nl.addNeighbour(Neighbour.permanent(eth0, IpAddress.parse("10.0.0.2"), mac));
 * nl.addNeighbour(Neighbour.fdb(vxlan0, remoteMac, IpAddress.parse("192.168.0.2")));
 * }</pre>
 *
 * @param linkIndex the interface index
 * @param bridge true for an FDB entry ({@code AF_BRIDGE}), false for ARP/NDP
 * @param address the IP address (for FDB entries of a VXLAN device: the remote endpoint)
 * @param mac the link-layer address
 * @param state the {@code NUD_*} state bits
 * @param flags the {@code NTF_*} flags
 * @param vni the VNI of a VXLAN FDB entry
 * @since 0.1
 */
public record Neighbour(
    int linkIndex,
    boolean bridge,
    Optional<IpAddress> address,
    Optional<MacAddress> mac,
    int state,
    int flags,
    OptionalInt vni) {

  /** {@code NUD_REACHABLE}. */
  public static final int NUD_REACHABLE = 0x02;

  /** {@code NUD_STALE}. */
  public static final int NUD_STALE = 0x04;

  /** {@code NUD_NOARP}. */
  public static final int NUD_NOARP = 0x40;

  /** {@code NUD_PERMANENT}: never expires. */
  public static final int NUD_PERMANENT = 0x80;

  /** {@code NTF_SELF}: an FDB entry of the device itself (e.g. a VXLAN device). */
  public static final int NTF_SELF = 0x02;

  /** {@code NTF_MASTER}: an FDB entry of the master bridge. */
  public static final int NTF_MASTER = 0x04;

  /**
   * Validates the components.
   *
   * @param linkIndex the interface index
   * @param bridge true for an FDB entry ({@code AF_BRIDGE}), false for ARP/NDP
   * @param address the IP address (for FDB entries of a VXLAN device: the remote endpoint)
   * @param mac the link-layer address
   * @param state the {@code NUD_*} state bits
   * @param flags the {@code NTF_*} flags
   * @param vni the VNI of a VXLAN FDB entry
   */
  public Neighbour {
    if (linkIndex <= 0) {
      throw new IllegalArgumentException("linkIndex: " + linkIndex + " (expected: > 0)");
    }
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(mac, "mac");
    Objects.requireNonNull(vni, "vni");
    if (!bridge && address.isEmpty()) {
      throw new IllegalArgumentException("address: empty (expected: an IP for ARP/NDP entries)");
    }
    if (bridge && mac.isEmpty()) {
      throw new IllegalArgumentException("mac: empty (expected: a MAC for FDB entries)");
    }
    if (state < 0 || state > 0xffff || flags < 0 || flags > 0xff) {
      throw new IllegalArgumentException(
          "state/flags: " + state + "/" + flags + " (expected: 16/8-bit values)");
    }
  }

  /**
   * Returns a permanent ARP (IPv4) or NDP (IPv6) entry.
   *
   * @param link the interface
   * @param address the IP address
   * @param mac the MAC address it resolves to
   * @return a permanent entry of the interface's neighbour table
   */
  public static Neighbour permanent(Link link, IpAddress address, MacAddress mac) {
    return new Neighbour(
        link.index(),
        false,
        Optional.of(address),
        Optional.of(mac),
        NUD_PERMANENT,
        0,
        OptionalInt.empty());
  }

  /**
   * Returns a permanent FDB entry of the device itself ({@code NTF_SELF}), as {@code bridge fdb
   * append MAC dev DEV dst REMOTE self permanent} creates for VXLAN.
   *
   * @param link the bridge port or VXLAN device
   * @param mac the MAC address
   * @param remote the remote endpoint (for VXLAN, the remote VTEP address)
   * @return a permanent FDB entry with {@code NTF_SELF}
   */
  public static Neighbour fdb(Link link, MacAddress mac, IpAddress remote) {
    return new Neighbour(
        link.index(),
        true,
        Optional.of(remote),
        Optional.of(mac),
        NUD_PERMANENT,
        NTF_SELF,
        OptionalInt.empty());
  }

  /**
   * Returns whether the entry is permanent.
   *
   * @return whether the {@code NUD_PERMANENT} state bit is set
   */
  public boolean permanent() {
    return (state & NUD_PERMANENT) != 0;
  }
}
