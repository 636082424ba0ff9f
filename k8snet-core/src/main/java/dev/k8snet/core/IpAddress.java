package dev.k8snet.core;

import static dev.k8snet.core.internal.Checks.check;
import static dev.k8snet.core.internal.Checks.invalid;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.Optional;

/**
 * An IPv4 or IPv6 address: an immutable value, ordered by family (IPv4 first) and then numerically.
 *
 * <pre>{@code
 * IpAddress a = IpAddress.parse("10.244.1.7");
 * IpAddress b = IpAddress.parse("2001:DB8::0:1");   // b.toString() is "2001:db8::1"
 * }</pre>
 *
 * <p>{@link #toString()} is the canonical text form (dotted quad; RFC 5952 for IPv6, with the mixed
 * notation for IPv4-mapped addresses), and {@code parse(a.toString()).equals(a)} always holds.
 * Parsing never performs DNS lookups, and zone indices ({@code fe80::1%eth0}) are not accepted. An
 * IPv4-mapped IPv6 address ({@code ::ffff:10.0.0.1}) stays an IPv6 address.
 *
 * @since 0.1
 */
public final class IpAddress implements Comparable<IpAddress> {
  private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

  private final IpFamily family;
  private final long high;
  private final long low;

  private IpAddress(IpFamily family, long high, long low) {
    this.family = family;
    this.high = high;
    this.low = low;
  }

  /**
   * Returns the IPv4 address with the given 32-bit value.
   *
   * @param value the address as an unsigned 32-bit number, e.g. {@code 0x0a000001} for 10.0.0.1
   * @return the address
   */
  public static IpAddress ofIpv4(int value) {
    return new IpAddress(IpFamily.IPV4, 0, value & 0xffffffffL);
  }

  /**
   * Returns the IPv6 address with the given 128-bit value.
   *
   * @param high the upper 64 bits
   * @param low the lower 64 bits
   * @return the address
   */
  public static IpAddress ofIpv6(long high, long low) {
    return new IpAddress(IpFamily.IPV6, high, low);
  }

  /**
   * Returns the address in network byte order: 4 bytes for IPv4, 16 for IPv6.
   *
   * @param bytes the address bytes
   * @return the address
   * @throws IllegalArgumentException if the length is neither 4 nor 16
   */
  public static IpAddress fromBytes(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length == 4) {
      return ofIpv4((int) readLong(bytes, 0, 4));
    }
    check(bytes.length == 16, "bytes.length", bytes.length, "4 or 16");
    return ofIpv6(readLong(bytes, 0, 8), readLong(bytes, 8, 8));
  }

  /**
   * Returns the address of a {@link InetAddress} (IPv4 or IPv6; an IPv6 scope is dropped).
   *
   * @param address the address
   * @return the address
   */
  public static IpAddress of(InetAddress address) {
    return fromBytes(Objects.requireNonNull(address, "address").getAddress());
  }

  /**
   * Parses an address in the strict text form: a dotted quad without leading zeros, or an RFC 4291
   * IPv6 address (with an optional embedded dotted quad) without zone index. Digits are ASCII only,
   * and an IPv6 group has at most four of them.
   *
   * @param text the text
   * @return the address
   * @throws IllegalArgumentException if {@code text} is not an IP address
   */
  public static IpAddress parse(String text) {
    return tryParse(text, false)
        .orElseThrow(() -> invalid("ip", quote(text), "an IPv4 or IPv6 address"));
  }

  /**
   * Parses an address as Kubernetes' legacy ("sloppy") parser does for fields that accepted them
   * before validation was tightened: IPv4 octets, also one embedded in IPv6, may carry any number
   * of leading zeros, read as decimal ({@code 010.001.002.003} is 10.1.2.3, never octal).
   *
   * @param text the text
   * @return the address
   * @throws IllegalArgumentException if {@code text} is not an IP address even so
   */
  public static IpAddress parseLegacy(String text) {
    return tryParse(text, true)
        .orElseThrow(() -> invalid("ip", quote(text), "an IPv4 or IPv6 address"));
  }

  /**
   * Parses an address in the strict form of {@link #parse}, without throwing.
   *
   * @param text the text
   * @return the address, or empty if {@code text} is not one
   */
  public static Optional<IpAddress> tryParse(String text) {
    return tryParse(text, false);
  }

  /**
   * Returns whether {@code text} is an address in the strict form of {@link #parse}.
   *
   * @param text the text
   * @return whether it parses
   */
  public static boolean isValid(String text) {
    return tryParse(text, false).isPresent();
  }

  private static Optional<IpAddress> tryParse(String text, boolean legacy) {
    Objects.requireNonNull(text, "text");
    if (text.indexOf(':') >= 0) {
      return parseIpv6(text, legacy);
    }
    long v4 = parseIpv4(text, 0, text.length(), legacy);
    return v4 < 0 ? Optional.empty() : Optional.of(ofIpv4((int) v4));
  }

  /** Returns the 32-bit value, or -1 when {@code text[from, to)} is not a dotted quad. */
  private static long parseIpv4(String text, int from, int to, boolean legacy) {
    long value = 0;
    int octets = 0;
    int i = from;
    while (octets < 4) {
      int start = i;
      int octet = 0;
      // Strict: at most three digits. Legacy (Kubernetes' ParseIPSloppy): any number of digits
      // while the value stays an octet, so 0001 is 1.
      while (i < to
          && (legacy || i - start < 3)
          && octet <= 255
          && text.charAt(i) >= '0'
          && text.charAt(i) <= '9') {
        octet = octet * 10 + (text.charAt(i) - '0');
        i++;
      }
      int digits = i - start;
      if (digits == 0 || octet > 255 || (!legacy && digits > 1 && text.charAt(start) == '0')) {
        return -1;
      }
      value = (value << 8) | octet;
      octets++;
      if (octets < 4) {
        if (i >= to || text.charAt(i) != '.') {
          return -1;
        }
        i++;
      }
    }
    return i == to ? value : -1;
  }

  private static Optional<IpAddress> parseIpv6(String text, boolean legacy) {
    int length = text.length();
    if (length < 2 || (!legacy && length > 45)) {
      return Optional.empty();
    }
    int[] groups = new int[8];
    int count = 0;
    int gap = -1;
    int i = 0;
    if (text.startsWith("::")) {
      gap = 0;
      i = 2;
      if (i == length) {
        return Optional.of(ofIpv6(0, 0));
      }
    } else if (text.charAt(0) == ':') {
      return Optional.empty();
    }
    while (i < length) {
      if (count == 8) {
        return Optional.empty();
      }
      int start = i;
      int group = 0;
      while (i < length && i - start < 4 && hexDigit(text.charAt(i)) >= 0) {
        group = (group << 4) | hexDigit(text.charAt(i));
        i++;
      }
      if (i < length && text.charAt(i) == '.') {
        if (count > 6) {
          return Optional.empty();
        }
        long v4 = parseIpv4(text, start, length, legacy);
        if (v4 < 0) {
          return Optional.empty();
        }
        groups[count++] = (int) (v4 >>> 16);
        groups[count++] = (int) (v4 & 0xffff);
        i = length;
        break;
      }
      if (i == start) {
        return Optional.empty();
      }
      groups[count++] = group;
      if (i == length) {
        break;
      }
      if (text.charAt(i) != ':') {
        return Optional.empty();
      }
      i++;
      if (i < length && text.charAt(i) == ':') {
        if (gap >= 0) {
          return Optional.empty();
        }
        gap = count;
        i++;
      } else if (i == length) {
        return Optional.empty();
      }
    }
    if (gap < 0 ? count != 8 : count > 7) {
      return Optional.empty();
    }
    int[] full = new int[8];
    if (gap < 0) {
      full = groups;
    } else {
      System.arraycopy(groups, 0, full, 0, gap);
      int tail = count - gap;
      System.arraycopy(groups, gap, full, 8 - tail, tail);
    }
    long high = 0;
    long low = 0;
    for (int g = 0; g < 4; g++) {
      high = (high << 16) | full[g];
      low = (low << 16) | full[g + 4];
    }
    return Optional.of(ofIpv6(high, low));
  }

  /** Returns the value of an ASCII hex digit, or -1 (never a non-ASCII Unicode digit). */
  static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
  }

  private static long readLong(byte[] bytes, int offset, int count) {
    long value = 0;
    for (int i = 0; i < count; i++) {
      value = (value << 8) | (bytes[offset + i] & 0xff);
    }
    return value;
  }

  private static String quote(String text) {
    return '"' + text + '"';
  }

  /**
   * Returns the family of this address.
   *
   * @return IPv4 or IPv6
   */
  public IpFamily family() {
    return family;
  }

  /**
   * Returns whether this is an IPv4 address.
   *
   * @return {@code family() == IPV4}
   */
  public boolean isIpv4() {
    return family == IpFamily.IPV4;
  }

  /**
   * Returns whether this is an IPv6 address.
   *
   * @return {@code family() == IPV6}
   */
  public boolean isIpv6() {
    return family == IpFamily.IPV6;
  }

  /**
   * Returns the upper 64 bits of the address (always 0 for IPv4).
   *
   * @return the upper bits
   */
  public long high() {
    return high;
  }

  /**
   * Returns the lower 64 bits of the address (the 32-bit value for IPv4).
   *
   * @return the lower bits
   */
  public long low() {
    return low;
  }

  /**
   * Returns the address in network byte order.
   *
   * @return a new array of 4 or 16 bytes
   */
  public byte[] toBytes() {
    if (isIpv4()) {
      return new byte[] {(byte) (low >>> 24), (byte) (low >>> 16), (byte) (low >>> 8), (byte) low};
    }
    byte[] bytes = new byte[16];
    for (int i = 0; i < 8; i++) {
      bytes[i] = (byte) (high >>> (56 - 8 * i));
      bytes[8 + i] = (byte) (low >>> (56 - 8 * i));
    }
    return bytes;
  }

  /**
   * Returns this address as an {@link InetAddress}, without any DNS lookup.
   *
   * @return an {@link Inet4Address} or {@link Inet6Address}
   */
  public InetAddress toInetAddress() {
    try {
      byte[] bytes = toBytes();
      return isIpv4()
          ? InetAddress.getByAddress(bytes)
          : Inet6Address.getByAddress(null, bytes, null);
    } catch (UnknownHostException e) {
      throw new AssertionError("address of valid length rejected", e);
    }
  }

  /**
   * Returns the address as an unsigned number.
   *
   * @return a value in {@code [0, 2^bitLength)}
   */
  public BigInteger toBigInteger() {
    BigInteger lowPart = new BigInteger(Long.toUnsignedString(low));
    return isIpv4()
        ? lowPart
        : new BigInteger(Long.toUnsignedString(high)).multiply(TWO_64).add(lowPart);
  }

  /**
   * Returns the address {@code delta} further on, in the same family.
   *
   * @param delta how far to move; negative moves back
   * @return the address
   * @throws IllegalArgumentException if the result is outside the family's address space
   */
  public IpAddress plus(long delta) {
    if (isIpv4()) {
      long value = low + delta;
      check(
          (delta >= 0 ? value >= low : value <= low) && value >= 0 && value <= 0xffffffffL,
          "delta",
          delta,
          "a result inside the IPv4 address space from " + this);
      return ofIpv4((int) value);
    }
    long newLow = low + delta;
    long newHigh = high;
    if (delta >= 0 && Long.compareUnsigned(newLow, low) < 0) {
      newHigh++;
      check(newHigh != 0, "delta", delta, "a result inside the IPv6 address space from " + this);
    } else if (delta < 0 && Long.compareUnsigned(newLow, low) > 0) {
      check(newHigh != 0, "delta", delta, "a result inside the IPv6 address space from " + this);
      newHigh--;
    }
    return ofIpv6(newHigh, newLow);
  }

  /**
   * Returns the next address.
   *
   * @return the address one further on
   * @throws IllegalArgumentException if this is the last address of its family
   */
  public IpAddress next() {
    return plus(1);
  }

  /**
   * Returns the previous address.
   *
   * @return the address one before
   * @throws IllegalArgumentException if this is the first address of its family
   */
  public IpAddress previous() {
    return plus(-1);
  }

  /**
   * Returns whether this is a loopback address (127.0.0.0/8 or ::1).
   *
   * @return whether it is loopback
   */
  public boolean isLoopback() {
    return isIpv4() ? (low >>> 24) == 127 : high == 0 && low == 1;
  }

  /**
   * Returns whether this is the unspecified address (0.0.0.0 or ::).
   *
   * @return whether it is unspecified
   */
  public boolean isUnspecified() {
    return high == 0 && low == 0;
  }

  /**
   * Returns whether this is a link-local unicast address (169.254.0.0/16 or fe80::/10).
   *
   * @return whether it is link-local
   */
  public boolean isLinkLocal() {
    return isIpv4() ? (low >>> 16) == 0xa9fe : (high >>> 54) == (0xfe80L >>> 6);
  }

  /**
   * Returns whether this is a multicast address (224.0.0.0/4 or ff00::/8).
   *
   * @return whether it is multicast
   */
  public boolean isMulticast() {
    return isIpv4() ? (low >>> 28) == 0xe : (high >>> 56) == 0xff;
  }

  @Override
  public int compareTo(IpAddress other) {
    int byFamily = family.compareTo(other.family);
    if (byFamily != 0) {
      return byFamily;
    }
    int byHigh = Long.compareUnsigned(high, other.high);
    return byHigh != 0 ? byHigh : Long.compareUnsigned(low, other.low);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IpAddress
        && ((IpAddress) o).family == family
        && ((IpAddress) o).high == high
        && ((IpAddress) o).low == low;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(high * 31 + low) * 31 + family.ordinal();
  }

  /**
   * Returns the canonical text form: a dotted quad, or RFC 5952 IPv6 (lower case, the longest run
   * of two or more zero groups compressed, the first of equal runs; IPv4-mapped addresses as {@code
   * ::ffff:a.b.c.d}).
   */
  @Override
  public String toString() {
    if (isIpv4()) {
      return dottedQuad(low);
    }
    int[] groups = new int[8];
    for (int g = 0; g < 4; g++) {
      groups[g] = (int) (high >>> (48 - 16 * g)) & 0xffff;
      groups[g + 4] = (int) (low >>> (48 - 16 * g)) & 0xffff;
    }
    if (high == 0 && (low >>> 32) == 0xffffL) {
      return "::ffff:" + dottedQuad(low & 0xffffffffL);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int g = 0; g < 8; ) {
      if (groups[g] != 0) {
        g++;
        continue;
      }
      int start = g;
      while (g < 8 && groups[g] == 0) {
        g++;
      }
      if (g - start > bestLength) {
        bestStart = start;
        bestLength = g - start;
      }
    }
    StringBuilder sb = new StringBuilder(39);
    for (int g = 0; g < 8; g++) {
      if (g == bestStart) {
        sb.append("::");
        g += bestLength - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(groups[g]));
    }
    return sb.toString();
  }

  private static String dottedQuad(long value) {
    return (value >>> 24 & 0xff)
        + "."
        + (value >>> 16 & 0xff)
        + "."
        + (value >>> 8 & 0xff)
        + "."
        + (value & 0xff);
  }
}
