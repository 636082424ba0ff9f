package dev.k8snet.dns;

import java.util.List;
import java.util.Objects;

/**
 * The response to one question, as the server renders it (before any truncation).
 *
 * <p>A NODATA answer is {@link DnsRcode#NOERROR} with an empty {@link #answer()} and the zone's SOA
 * in {@link #authority()}; an NXDOMAIN answer carries the SOA too (RFC 2308).
 *
 * @param rcode the response code
 * @param authoritative whether the AA bit is set
 * @param answer the answer section
 * @param authority the authority section
 * @param additional the additional section
 * @since 0.1
 */
public record DnsAnswer(
    DnsRcode rcode,
    boolean authoritative,
    List<DnsRecord> answer,
    List<DnsRecord> authority,
    List<DnsRecord> additional) {
  /**
   * Checks for nulls and copies the lists.
   *
   * @param rcode the response code
   * @param authoritative whether the AA bit is set
   * @param answer the answer section
   * @param authority the authority section
   * @param additional the additional section
   */
  public DnsAnswer {
    Objects.requireNonNull(rcode, "rcode");
    answer = List.copyOf(answer);
    authority = List.copyOf(authority);
    additional = List.copyOf(additional);
  }

  /**
   * Returns whether this is NODATA: NOERROR with no answer records.
   *
   * @return whether the name exists without records of the asked type
   */
  public boolean isNoData() {
    return rcode.equals(DnsRcode.NOERROR) && answer.isEmpty();
  }
}
