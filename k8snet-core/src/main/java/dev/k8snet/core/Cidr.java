package dev.k8snet.core;

import static dev.k8snet.core.internal.Checks.check;
import static dev.k8snet.core.internal.Checks.invalid;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A block of IP addresses in CIDR notation: a network address and a prefix length, with no bits set
 * in the address beyond the prefix.
 *
 * <pre>{@code
 * Cidr pods = Cidr.parse("10.244.0.0/16");
 * pods.contains(IpAddress.parse("10.244.3.9"));           // true
 * pods.except(List.of(Cidr.parse("10.244.0.0/17")));      // [10.244.128.0/17]
 * Cidr.containing(IpAddress.parse("10.244.3.9"), 24);      // 10.244.3.0/24
 * }</pre>
 *
 * <p>{@code Cidr.parse(c.toString()).equals(c)} always holds. Ordered by network address, then by
 * prefix length (a block before the smaller blocks it contains).
 *
 * @param address the network address (the first address of the block)
 * @param prefixLength the number of leading bits fixed, {@code 0..address.family().bitLength()}
 * @since 0.1
 */
public record Cidr(IpAddress address, int prefixLength) implements Comparable<Cidr> {

  /**
   * Validates the block.
   *
   * @param address the network address (the first address of the block)
   * @param prefixLength the number of leading bits fixed, {@code 0..address.family().bitLength()}
   * @throws IllegalArgumentException if the prefix length is out of range for the family, or the
   *     address has bits set beyond the prefix
   */
  public Cidr {
    Objects.requireNonNull(address, "address");
    int bits = address.family().bitLength();
    check(prefixLength >= 0 && prefixLength <= bits, "prefixLength", prefixLength, "0 ~ " + bits);
    check(
        mask(address, prefixLength).equals(address),
        "cidr",
        address + "/" + prefixLength,
        "no host bits set; did you mean " + mask(address, prefixLength) + "/" + prefixLength + "?");
  }

  /**
   * Parses {@code address/prefixLength} strictly: the address as {@link IpAddress#parse}, the
   * prefix length in decimal without sign or leading zeros, and no host bits set.
   *
   * @param text the text, e.g. {@code 10.0.0.0/8} or {@code fd00::/64}
   * @return the block
   * @throws IllegalArgumentException naming the problem if {@code text} is not a valid CIDR
   */
  public static Cidr parse(String text) {
    return parse(text, false);
  }

  /**
   * Parses {@code address/prefixLength}, clearing host bits instead of rejecting them, as
   * Kubernetes does for fields that predate strict validation ({@code 10.0.0.1/8} is {@code
   * 10.0.0.0/8}); IPv4 octets may carry leading zeros, read as decimal.
   *
   * @param text the text
   * @return the block
   * @throws IllegalArgumentException if {@code text} is not a CIDR even so
   */
  public static Cidr parseLegacy(String text) {
    return parse(text, true);
  }

  /**
   * Parses a CIDR in the strict form of {@link #parse}, without throwing.
   *
   * @param text the text
   * @return the block, or empty if {@code text} is not a valid CIDR
   */
  public static Optional<Cidr> tryParse(String text) {
    try {
      return Optional.of(parse(text, false));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static Cidr parse(String text, boolean legacy) {
    Objects.requireNonNull(text, "text");
    int slash = text.indexOf('/');
    if (slash < 0) {
      throw invalid("cidr", '"' + text + '"', "address/prefixLength, e.g. 10.0.0.0/8");
    }
    String addressText = text.substring(0, slash);
    String prefixText = text.substring(slash + 1);
    Optional<IpAddress> address;
    try {
      address =
          Optional.of(legacy ? IpAddress.parseLegacy(addressText) : IpAddress.parse(addressText));
    } catch (IllegalArgumentException e) {
      address = Optional.empty();
    }
    if (address.isEmpty()) {
      throw invalid("cidr", '"' + text + '"', "address/prefixLength with a valid IP address");
    }
    int bits = address.get().family().bitLength();
    if (prefixText.isEmpty()
        || prefixText.length() > 3
        || !prefixText.chars().allMatch(c -> c >= '0' && c <= '9')
        || (prefixText.length() > 1 && prefixText.charAt(0) == '0')
        || Integer.parseInt(prefixText) > bits) {
      throw invalid("cidr", '"' + text + '"', "a prefix length of 0 ~ " + bits);
    }
    int prefixLength = Integer.parseInt(prefixText);
    return legacy ? containing(address.get(), prefixLength) : new Cidr(address.get(), prefixLength);
  }

  /**
   * Returns the block of the given prefix length that contains {@code address}.
   *
   * @param address any address in the block
   * @param prefixLength the prefix length
   * @return the block
   */
  public static Cidr containing(IpAddress address, int prefixLength) {
    int bits = Objects.requireNonNull(address, "address").family().bitLength();
    check(prefixLength >= 0 && prefixLength <= bits, "prefixLength", prefixLength, "0 ~ " + bits);
    return new Cidr(mask(address, prefixLength), prefixLength);
  }

  /**
   * Returns the single-address block of {@code address} (/32 or /128).
   *
   * @param address the address
   * @return the block
   */
  public static Cidr host(IpAddress address) {
    return new Cidr(address, address.family().bitLength());
  }

  private static IpAddress mask(IpAddress address, int prefixLength) {
    if (address.isIpv4()) {
      long mask = prefixLength == 0 ? 0 : (0xffffffffL << (32 - prefixLength)) & 0xffffffffL;
      return IpAddress.ofIpv4((int) (address.low() & mask));
    }
    return IpAddress.ofIpv6(
        address.high() & highMask(prefixLength), address.low() & lowMask(prefixLength));
  }

  private static long highMask(int prefixLength) {
    return prefixLength >= 64 ? -1L : prefixLength == 0 ? 0 : -1L << (64 - prefixLength);
  }

  private static long lowMask(int prefixLength) {
    return prefixLength <= 64 ? 0 : prefixLength == 128 ? -1L : -1L << (128 - prefixLength);
  }

  /**
   * Returns the family of this block.
   *
   * @return the family of its address
   */
  public IpFamily family() {
    return address.family();
  }

  /**
   * Returns whether {@code ip} is in this block. An address of the other family never is.
   *
   * @param ip the address
   * @return whether it is in the block
   */
  public boolean contains(IpAddress ip) {
    return ip.family() == family() && mask(ip, prefixLength).equals(address);
  }

  /**
   * Returns whether every address of {@code other} is in this block.
   *
   * @param other the other block
   * @return whether this block contains it (a block contains itself)
   */
  public boolean contains(Cidr other) {
    return other.prefixLength >= prefixLength && contains(other.address);
  }

  /**
   * Returns whether this block and {@code other} share an address; for CIDR blocks that is when one
   * contains the other.
   *
   * @param other the other block
   * @return whether they overlap
   */
  public boolean overlaps(Cidr other) {
    return contains(other) || other.contains(this);
  }

  /**
   * Returns the first address of the block (the network address).
   *
   * @return {@link #address()}
   */
  public IpAddress first() {
    return address;
  }

  /**
   * Returns the last address of the block (for IPv4 blocks larger than /31, the broadcast address).
   *
   * @return the last address
   */
  public IpAddress last() {
    if (address.isIpv4()) {
      long hostMask = ~(prefixLength == 0 ? 0 : (0xffffffffL << (32 - prefixLength))) & 0xffffffffL;
      return IpAddress.ofIpv4((int) (address.low() | hostMask));
    }
    return IpAddress.ofIpv6(
        address.high() | ~highMask(prefixLength), address.low() | ~lowMask(prefixLength));
  }

  /**
   * Returns the netmask of this block as an address, e.g. 255.255.255.0 for a /24.
   *
   * @return the mask
   */
  public IpAddress netmask() {
    IpAddress ones = address.isIpv4() ? IpAddress.ofIpv4(-1) : IpAddress.ofIpv6(-1L, -1L);
    return mask(ones, prefixLength);
  }

  /**
   * Returns the number of addresses in the block.
   *
   * @return {@code 2^(bitLength - prefixLength)}
   */
  public BigInteger size() {
    return BigInteger.ONE.shiftLeft(family().bitLength() - prefixLength);
  }

  /**
   * Returns the addresses of the block in ascending order, lazily (an IPv6 /64 is not
   * materialised).
   *
   * @return the addresses, from {@link #first()} to {@link #last()}
   */
  public Stream<IpAddress> addresses() {
    IpAddress last = last();
    Iterator<IpAddress> iterator =
        new Iterator<>() {
          private IpAddress next = address;

          @Override
          public boolean hasNext() {
            return next != null;
          }

          @Override
          public IpAddress next() {
            if (next == null) {
              throw new NoSuchElementException();
            }
            IpAddress current = next;
            next = current.equals(last) ? null : current.next();
            return current;
          }
        };
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(
            iterator, Spliterator.ORDERED | Spliterator.SORTED | Spliterator.DISTINCT),
        false);
  }

  /**
   * Returns the two halves of this block.
   *
   * @return the lower and the upper half, each one bit longer
   * @throws IllegalStateException if this block is a single address
   */
  public List<Cidr> halves() {
    int bits = family().bitLength();
    if (prefixLength == bits) {
      throw new IllegalStateException("a single-address block has no halves: " + this);
    }
    Cidr lower = new Cidr(address, prefixLength + 1);
    return List.of(lower, new Cidr(lower.last().next(), prefixLength + 1));
  }

  /**
   * Returns the addresses of this block that are in none of {@code excluded}, as the smallest
   * ascending list of disjoint CIDR blocks. Blocks of the other family are ignored, as
   * NetworkPolicy {@code ipBlock.except} does.
   *
   * @param excluded the blocks to remove
   * @return the remaining blocks, ascending; empty if everything is excluded
   */
  public List<Cidr> except(Collection<Cidr> excluded) {
    List<Cidr> remaining = new ArrayList<>();
    subtract(this, excluded, remaining);
    return List.copyOf(remaining);
  }

  private static void subtract(Cidr block, Collection<Cidr> excluded, List<Cidr> out) {
    boolean partlyExcluded = false;
    for (Cidr e : excluded) {
      if (e.family() != block.family()) {
        continue;
      }
      if (e.contains(block)) {
        return;
      }
      if (block.contains(e)) {
        partlyExcluded = true;
      }
    }
    if (!partlyExcluded) {
      out.add(block);
      return;
    }
    for (Cidr half : block.halves()) {
      subtract(half, excluded, out);
    }
  }

  @Override
  public int compareTo(Cidr other) {
    int byAddress = address.compareTo(other.address);
    return byAddress != 0 ? byAddress : Integer.compare(prefixLength, other.prefixLength);
  }

  /** Returns {@code address/prefixLength}, the form {@link #parse} reads. */
  @Override
  public String toString() {
    return address + "/" + prefixLength;
  }
}
