package dev.k8snet.dns;

import java.util.Objects;

/**
 * One resource record of class IN, in presentation form.
 *
 * <p>Example: {@code new DnsRecord("web.default.svc.cluster.local.", DnsType.A, 5, "10.96.0.10")}.
 *
 * @param name the owner name, lowercase, fully qualified with a trailing dot
 * @param type the type
 * @param ttl the TTL in seconds
 * @param data the RDATA as in a zone file, e.g. {@code 0 100 80 web.default.svc.cluster.local.}
 * @since 0.1
 */
public record DnsRecord(String name, DnsType type, long ttl, String data) {
  /**
   * Checks for nulls and the TTL range.
   *
   * @param name the owner name, lowercase, fully qualified with a trailing dot
   * @param type the type
   * @param ttl the TTL in seconds
   * @param data the RDATA as in a zone file, e.g. {@code 0 100 80 web.default.svc.cluster.local.}
   */
  public DnsRecord {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(data, "data");
    if (ttl < 0 || ttl > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("ttl: " + ttl + " (expected: 0 ~ 4294967295)");
    }
  }

  /** Returns the zone-file line {@code name ttl IN type data}. */
  @Override
  public String toString() {
    return name + " " + ttl + " IN " + type + " " + data;
  }
}
