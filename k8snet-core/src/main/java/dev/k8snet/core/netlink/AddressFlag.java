package dev.k8snet.core.netlink;

/**
 * Flags of an interface address ({@code IFA_F_*}).
 *
 * @since 0.1
 */
public enum AddressFlag {
  /** A secondary address of its subnet. */
  SECONDARY(0x1),
  /** No duplicate address detection (IPv6): usable at once. */
  NODAD(0x2),
  /** Optimistic DAD (IPv6). */
  OPTIMISTIC(0x4),
  /** Duplicate address detection failed. */
  DADFAILED(0x8),
  /** Home address (mobile IPv6). */
  HOMEADDRESS(0x10),
  /** Deprecated (preferred lifetime over). */
  DEPRECATED(0x20),
  /** DAD still running (IPv6): not usable yet. */
  TENTATIVE(0x40),
  /** Configured, not learned (no lifetime). */
  PERMANENT(0x80),
  /** Manage temporary addresses from this prefix. */
  MANAGETEMPADDR(0x100),
  /** Do not add the prefix route for the subnet. */
  NOPREFIXROUTE(0x200),
  /** Join the multicast group of this address. */
  MCAUTOJOIN(0x400),
  /** Stable-privacy address. */
  STABLE_PRIVACY(0x800);

  private final int bit;

  AddressFlag(int bit) {
    this.bit = bit;
  }

  /**
   * Returns the kernel's bit.
   *
   * @return the flag's {@code IFA_F_*} bit mask
   */
  public int bit() {
    return bit;
  }
}
