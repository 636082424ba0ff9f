package dev.k8snet.core.netlink;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import java.util.Objects;

/**
 * An address assigned to an interface together with the prefix length of its subnet, such as {@code
 * 10.0.0.5/24}: unlike a {@link Cidr}, host bits may be set.
 *
 * <p>{@code InterfaceAddress.parse(a.toString()).equals(a)} holds for every value.
 *
 * @param address the address
 * @param prefixLength 0 to 32 for IPv4, 0 to 128 for IPv6
 * @since 0.1
 */
public record InterfaceAddress(IpAddress address, int prefixLength) {

  /**
   * Validates the prefix length against the address family.
   *
   * @param address the address
   * @param prefixLength 0 to 32 for IPv4, 0 to 128 for IPv6
   */
  public InterfaceAddress {
    Objects.requireNonNull(address, "address");
    int max = address.family().bitLength();
    if (prefixLength < 0 || prefixLength > max) {
      throw new IllegalArgumentException(
          "prefixLength: " + prefixLength + " (expected: 0 to " + max + ")");
    }
  }

  /**
   * Parses {@code ADDRESS/PREFIX}, e.g. {@code 10.0.0.5/24} or {@code fd00::5/64}; without a prefix
   * the address is a host address (/32 or /128).
   *
   * @param text the address with an optional prefix length
   * @return the interface address
   * @throws IllegalArgumentException when the text is not an address with an optional prefix
   */
  public static InterfaceAddress parse(String text) {
    Objects.requireNonNull(text, "text");
    int slash = text.indexOf('/');
    if (slash < 0) {
      IpAddress a = IpAddress.parse(text);
      return new InterfaceAddress(a, a.family().bitLength());
    }
    IpAddress a = IpAddress.parse(text.substring(0, slash));
    String p = text.substring(slash + 1);
    if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(
          "interfaceAddress: " + text + " (expected: ADDRESS/PREFIX, e.g. 10.0.0.5/24)");
    }
    return new InterfaceAddress(a, Integer.parseInt(p));
  }

  /**
   * Returns the address family.
   *
   * @return the family of the address
   */
  public IpFamily family() {
    return address.family();
  }

  /**
   * Returns the subnet, with the host bits cleared: {@code 10.0.0.0/24} for 10.0.0.5/24.
   *
   * @return the network the address lies in
   */
  public Cidr network() {
    return Cidr.containing(address, prefixLength);
  }

  /** Returns {@code ADDRESS/PREFIX}. */
  @Override
  public String toString() {
    return address + "/" + prefixLength;
  }
}
