package dev.k8snet.dns;

/**
 * A DNS response code (RFC 1035 §4.1.1, RFC 6895) as an open set: {@link #valueOf(int)} accepts any
 * code. Immutable; equal when the codes are equal.
 *
 * @since 0.1
 */
public final class DnsRcode {
  /** No error (also NODATA when the answer is empty). */
  public static final DnsRcode NOERROR = new DnsRcode(0, "NOERROR");

  /** The query was malformed. */
  public static final DnsRcode FORMERR = new DnsRcode(1, "FORMERR");

  /** The server failed, or has no data yet. */
  public static final DnsRcode SERVFAIL = new DnsRcode(2, "SERVFAIL");

  /** The name does not exist. */
  public static final DnsRcode NXDOMAIN = new DnsRcode(3, "NXDOMAIN");

  /** The opcode is not implemented. */
  public static final DnsRcode NOTIMP = new DnsRcode(4, "NOTIMP");

  /** The server refuses the query (not its zone and no upstream, or a client not served). */
  public static final DnsRcode REFUSED = new DnsRcode(5, "REFUSED");

  private static final DnsRcode[] KNOWN = {NOERROR, FORMERR, SERVFAIL, NXDOMAIN, NOTIMP, REFUSED};

  private final int code;
  private final String name;

  private DnsRcode(int code, String name) {
    this.code = code;
    this.name = name;
  }

  /**
   * Returns the rcode with this code; never throws for a code in range.
   *
   * @param code 0 to 4095
   * @return the constant, or a new instance named {@code RCODEnnn}
   * @throws IllegalArgumentException if outside 0 to 4095
   */
  public static DnsRcode valueOf(int code) {
    if (code < 0 || code > 0xFFF) {
      throw new IllegalArgumentException("code: " + code + " (expected: 0 ~ 4095)");
    }
    for (DnsRcode r : KNOWN) {
      if (r.code == code) {
        return r;
      }
    }
    return new DnsRcode(code, "RCODE" + code);
  }

  /**
   * Returns the numeric code.
   *
   * @return 0 to 4095
   */
  public int code() {
    return code;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DnsRcode other && other.code == code;
  }

  @Override
  public int hashCode() {
    return code;
  }

  /** Returns the mnemonic as dig prints it, e.g. {@code NXDOMAIN}. */
  @Override
  public String toString() {
    return name;
  }
}
