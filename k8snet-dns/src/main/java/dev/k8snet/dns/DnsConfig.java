package dev.k8snet.dns;

import dev.k8snet.dns.internal.WireName;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * What the cluster zone contains: its name, the TTL of its records and whether pod records exist.
 * Immutable.
 *
 * <pre>{@code
 * DnsConfig config = DnsConfig.builder("cluster.local").ttl(Duration.ofSeconds(30)).build();
 * }</pre>
 *
 * @param zone the cluster domain, lowercase, without trailing dot, e.g. {@code cluster.local}
 * @param ttl the TTL of every record and the SOA minimum (negative-caching TTL); 0 to 3600 s
 * @param podRecords the pod-record mode
 * @since 0.1
 */
public record DnsConfig(String zone, Duration ttl, PodRecords podRecords) {
  /** The default TTL in seconds (CoreDNS's default): {@value}. */
  public static final int DEFAULT_TTL_SECONDS = 5;

  /**
   * Validates and normalizes the zone (lowercase, no trailing dot).
   *
   * @param zone the cluster domain, lowercase, without trailing dot, e.g. {@code cluster.local}
   * @param ttl the TTL of every record and the SOA minimum (negative-caching TTL); 0 to 3600 s
   * @param podRecords the pod-record mode
   * @throws IllegalArgumentException if the zone is not a valid domain name or the TTL is out of
   *     range
   */
  public DnsConfig {
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(ttl, "ttl");
    Objects.requireNonNull(podRecords, "podRecords");
    zone = zone.toLowerCase(Locale.ROOT);
    if (zone.endsWith(".")) {
      zone = zone.substring(0, zone.length() - 1);
    }
    if (zone.isEmpty()) {
      throw new IllegalArgumentException(
          "zone: \"\" (expected: a domain name such as cluster.local)");
    }
    WireName.parse(zone);
    if (ttl.isNegative() || ttl.compareTo(Duration.ofHours(1)) > 0 || ttl.getNano() != 0) {
      throw new IllegalArgumentException("ttl: " + ttl + " (expected: whole seconds, 0 to 3600)");
    }
  }

  /**
   * Returns the configuration for {@code zone} with the defaults: TTL 5 s, pod records disabled.
   *
   * @param zone the cluster domain
   * @return the configuration
   */
  public static DnsConfig of(String zone) {
    return builder(zone).build();
  }

  /**
   * Returns a builder for {@code zone}.
   *
   * @param zone the cluster domain
   * @return a builder with the defaults
   */
  public static Builder builder(String zone) {
    return new Builder(zone);
  }

  /**
   * Builds a {@link DnsConfig}.
   *
   * @since 0.1
   */
  public static final class Builder {
    private final String zone;
    private Duration ttl = Duration.ofSeconds(DEFAULT_TTL_SECONDS);
    private PodRecords podRecords = PodRecords.DISABLED;

    private Builder(String zone) {
      this.zone = Objects.requireNonNull(zone, "zone");
    }

    /**
     * Sets the TTL of the records (default 5 s).
     *
     * @param ttl whole seconds, 0 to 3600
     * @return this
     */
    public Builder ttl(Duration ttl) {
      this.ttl = Objects.requireNonNull(ttl, "ttl");
      return this;
    }

    /**
     * Sets the pod-record mode (default {@link PodRecords#DISABLED}).
     *
     * @param podRecords the mode
     * @return this
     */
    public Builder podRecords(PodRecords podRecords) {
      this.podRecords = Objects.requireNonNull(podRecords, "podRecords");
      return this;
    }

    /**
     * Validates and returns the configuration.
     *
     * @return the configuration
     */
    public DnsConfig build() {
      return new DnsConfig(zone, ttl, podRecords);
    }
  }
}
