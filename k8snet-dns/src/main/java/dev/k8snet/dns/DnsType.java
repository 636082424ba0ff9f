package dev.k8snet.dns;

import java.util.Locale;

/**
 * A DNS RR type code (RFC 1035 §3.2.2) as an open set: the constants name the types this SDK
 * serves, and {@link #valueOf(int)} accepts any code. Immutable; equal when the codes are equal.
 *
 * @since 0.1
 */
public final class DnsType {
  /** IPv4 address. */
  public static final DnsType A = new DnsType(1, "A");

  /** Name server. */
  public static final DnsType NS = new DnsType(2, "NS");

  /** Canonical name. */
  public static final DnsType CNAME = new DnsType(5, "CNAME");

  /** Start of authority. */
  public static final DnsType SOA = new DnsType(6, "SOA");

  /** Domain name pointer. */
  public static final DnsType PTR = new DnsType(12, "PTR");

  /** Text strings. */
  public static final DnsType TXT = new DnsType(16, "TXT");

  /** IPv6 address. */
  public static final DnsType AAAA = new DnsType(28, "AAAA");

  /** Service location (RFC 2782). */
  public static final DnsType SRV = new DnsType(33, "SRV");

  /** Any type (query only). */
  public static final DnsType ANY = new DnsType(255, "ANY");

  private static final DnsType[] KNOWN = {A, NS, CNAME, SOA, PTR, TXT, AAAA, SRV, ANY};

  private final int code;
  private final String name;

  private DnsType(int code, String name) {
    this.code = code;
    this.name = name;
  }

  /**
   * Returns the type with this code; never throws for a code in range.
   *
   * @param code 0 to 65535
   * @return the constant, or a new instance named {@code TYPEnnn}
   * @throws IllegalArgumentException if the code is outside 0 to 65535
   */
  public static DnsType valueOf(int code) {
    if (code < 0 || code > 0xFFFF) {
      throw new IllegalArgumentException("code: " + code + " (expected: 0 ~ 65535)");
    }
    for (DnsType t : KNOWN) {
      if (t.code == code) {
        return t;
      }
    }
    return new DnsType(code, "TYPE" + code);
  }

  /**
   * Parses a mnemonic such as {@code AAAA} (case-insensitive) or {@code TYPE65}.
   *
   * @param text the mnemonic
   * @return the type
   * @throws IllegalArgumentException if the text is neither
   */
  public static DnsType parse(String text) {
    String t = text.toUpperCase(Locale.ROOT);
    for (DnsType k : KNOWN) {
      if (k.name.equals(t)) {
        return k;
      }
    }
    if (t.startsWith("TYPE")) {
      try {
        return valueOf(Integer.parseInt(t.substring(4)));
      } catch (NumberFormatException e) {
        // fall through
      }
    }
    throw new IllegalArgumentException("type: " + text + " (expected: A, AAAA, SRV, … or TYPEnnn)");
  }

  /**
   * Returns the numeric code.
   *
   * @return 0 to 65535
   */
  public int code() {
    return code;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DnsType other && other.code == code;
  }

  @Override
  public int hashCode() {
    return code;
  }

  /** Returns the mnemonic, e.g. {@code SRV} or {@code TYPE65}; {@link #parse} accepts it. */
  @Override
  public String toString() {
    return name;
  }
}
