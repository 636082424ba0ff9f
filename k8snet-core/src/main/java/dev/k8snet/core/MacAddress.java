package dev.k8snet.core;

import static dev.k8snet.core.internal.Checks.check;
import static dev.k8snet.core.internal.Checks.invalid;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * A 48-bit Ethernet (EUI-48) MAC address.
 *
 * <pre>{@code
 * MacAddress m = MacAddress.parse("0A:58:0A:F4:01:01");   // m.toString() is "0a:58:0a:f4:01:01"
 * MacAddress v = MacAddress.randomLocal(random);           // locally administered, unicast
 * }</pre>
 *
 * @param value the address as the lower 48 bits of a long, most significant byte first
 * @since 0.1
 */
public record MacAddress(long value) {

  /**
   * Validates the value.
   *
   * @param value the address as the lower 48 bits of a long, most significant byte first
   * @throws IllegalArgumentException if bits above the lower 48 are set
   */
  public MacAddress {
    check((value >>> 48) == 0, "mac", Long.toHexString(value), "a 48-bit value");
  }

  /**
   * Parses six hexadecimal octets separated by colons (or by dashes), in either case.
   *
   * @param text the text, e.g. {@code 0a:58:0a:f4:01:01}
   * @return the address
   * @throws IllegalArgumentException if {@code text} is not a MAC address
   */
  public static MacAddress parse(String text) {
    Objects.requireNonNull(text, "text");
    if (text.length() != 17) {
      throw invalid("mac", '"' + text + '"', "six hex octets such as 0a:58:0a:f4:01:01");
    }
    char separator = text.charAt(2);
    long value = 0;
    for (int i = 0; i < 6; i++) {
      int hi = IpAddress.hexDigit(text.charAt(3 * i));
      int lo = IpAddress.hexDigit(text.charAt(3 * i + 1));
      boolean separatorOk =
          i == 5 || (text.charAt(3 * i + 2) == separator && (separator == ':' || separator == '-'));
      if (hi < 0 || lo < 0 || !separatorOk) {
        throw invalid("mac", '"' + text + '"', "six hex octets such as 0a:58:0a:f4:01:01");
      }
      value = (value << 8) | (hi << 4) | lo;
    }
    return new MacAddress(value);
  }

  /**
   * Returns the address of six bytes.
   *
   * @param bytes the bytes, most significant first
   * @return the address
   */
  public static MacAddress fromBytes(byte[] bytes) {
    check(bytes.length == 6, "bytes.length", bytes.length, "6");
    long value = 0;
    for (byte b : bytes) {
      value = (value << 8) | (b & 0xff);
    }
    return new MacAddress(value);
  }

  /**
   * Returns a random locally administered unicast address, as the kernel gives new veth and bridge
   * devices.
   *
   * @param random the source of randomness
   * @return the address
   */
  public static MacAddress randomLocal(RandomGenerator random) {
    long value = random.nextLong() & 0xffffffffffffL;
    value = (value & ~(0x01L << 40)) | (0x02L << 40);
    return new MacAddress(value);
  }

  /**
   * Returns the six bytes, most significant first.
   *
   * @return a new array
   */
  public byte[] toBytes() {
    byte[] bytes = new byte[6];
    for (int i = 0; i < 6; i++) {
      bytes[i] = (byte) (value >>> (40 - 8 * i));
    }
    return bytes;
  }

  /**
   * Returns whether the group bit is set (multicast or broadcast).
   *
   * @return whether the address is a group address
   */
  public boolean isMulticast() {
    return ((value >>> 40) & 0x01) != 0;
  }

  /**
   * Returns whether the locally administered bit is set.
   *
   * @return whether the address is locally administered
   */
  public boolean isLocallyAdministered() {
    return ((value >>> 40) & 0x02) != 0;
  }

  /** Returns lower-case colon-separated octets, the form {@link #parse} reads. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(17);
    for (int i = 0; i < 6; i++) {
      if (i > 0) {
        sb.append(':');
      }
      int octet = (int) (value >>> (40 - 8 * i)) & 0xff;
      sb.append(Character.forDigit(octet >>> 4, 16)).append(Character.forDigit(octet & 0xf, 16));
    }
    return sb.toString();
  }
}
