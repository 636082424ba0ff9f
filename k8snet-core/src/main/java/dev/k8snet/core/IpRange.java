package dev.k8snet.core;

import static dev.k8snet.core.internal.Checks.check;
import static dev.k8snet.core.internal.Checks.invalid;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An inclusive range of IP addresses of one family, such as an IPAM {@code rangeStart}..{@code
 * rangeEnd}.
 *
 * <pre>{@code
 * IpRange r = IpRange.parse("10.0.0.10-10.0.0.20");
 * r.contains(IpAddress.parse("10.0.0.15"));   // true
 * r.toCidrs();                                // [10.0.0.10/31, 10.0.0.12/30, 10.0.0.16/30, 10.0.0.20/32]
 * }</pre>
 *
 * @param first the first address
 * @param last the last address, of the same family and not before {@code first}
 * @since 0.1
 */
public record IpRange(IpAddress first, IpAddress last) {

  /**
   * Validates the range.
   *
   * @param first the first address
   * @param last the last address, of the same family and not before {@code first}
   * @throws IllegalArgumentException if the families differ or {@code last} is before {@code first}
   */
  public IpRange {
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(last, "last");
    check(first.family() == last.family(), "last", last, "an address of the family of " + first);
    check(first.compareTo(last) <= 0, "last", last, "not before " + first);
  }

  /**
   * Returns the range of all addresses of {@code cidr}.
   *
   * @param cidr the block
   * @return the range from its first to its last address
   */
  public static IpRange of(Cidr cidr) {
    return new IpRange(cidr.first(), cidr.last());
  }

  /**
   * Parses {@code first-last}, or a single address as a one-address range.
   *
   * @param text the text
   * @return the range
   * @throws IllegalArgumentException if {@code text} is not a range
   */
  public static IpRange parse(String text) {
    Objects.requireNonNull(text, "text");
    int dash = text.indexOf('-');
    if (dash < 0) {
      IpAddress single = IpAddress.parse(text);
      return new IpRange(single, single);
    }
    try {
      return new IpRange(
          IpAddress.parse(text.substring(0, dash)), IpAddress.parse(text.substring(dash + 1)));
    } catch (IllegalArgumentException e) {
      throw invalid("ipRange", '"' + text + '"', "first-last, e.g. 10.0.0.10-10.0.0.20");
    }
  }

  /**
   * Returns the family of the range.
   *
   * @return the family of its addresses
   */
  public IpFamily family() {
    return first.family();
  }

  /**
   * Returns whether {@code ip} is in the range.
   *
   * @param ip the address
   * @return whether {@code first <= ip <= last} within the same family
   */
  public boolean contains(IpAddress ip) {
    return ip.family() == family() && first.compareTo(ip) <= 0 && ip.compareTo(last) <= 0;
  }

  /**
   * Returns whether the two ranges share an address.
   *
   * @param other the other range
   * @return whether they overlap
   */
  public boolean overlaps(IpRange other) {
    return other.family() == family()
        && first.compareTo(other.last) <= 0
        && other.first.compareTo(last) <= 0;
  }

  /**
   * Returns the number of addresses in the range.
   *
   * @return {@code last - first + 1}
   */
  public BigInteger size() {
    return last.toBigInteger().subtract(first.toBigInteger()).add(BigInteger.ONE);
  }

  /**
   * Returns the smallest ascending list of CIDR blocks that together cover exactly this range.
   *
   * @return the blocks
   */
  public List<Cidr> toCidrs() {
    List<Cidr> blocks = new ArrayList<>();
    int bits = family().bitLength();
    IpAddress start = first;
    while (true) {
      int prefix = bits;
      while (prefix > 0) {
        Cidr wider = Cidr.containing(start, prefix - 1);
        if (!wider.first().equals(start) || wider.last().compareTo(last) > 0) {
          break;
        }
        prefix--;
      }
      Cidr block = new Cidr(start, prefix);
      blocks.add(block);
      if (block.last().equals(last)) {
        return List.copyOf(blocks);
      }
      start = block.last().next();
    }
  }

  /** Returns {@code first-last}, the form {@link #parse} reads. */
  @Override
  public String toString() {
    return first + "-" + last;
  }
}
