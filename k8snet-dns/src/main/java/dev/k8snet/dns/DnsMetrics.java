package dev.k8snet.dns;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A snapshot of a {@link DnsServer}'s counters since it started.
 *
 * @param queriesByType answered queries by query type (dropped packets are not counted)
 * @param responsesByRcode responses by response code
 * @param latencyBucketsMicros the upper bounds of the latency histogram buckets in microseconds
 *     (measured from receipt to the response being queued, in-process only)
 * @param latencyCounts the number of queries per bucket (not cumulative), one more entry than
 *     bounds: the last is the overflow bucket
 * @param latencySum the sum of all latencies
 * @param truncated UDP responses sent with TC=1
 * @param dropped packets dropped without a response (not a query, or shorter than a header)
 * @param forwarded queries handed to the forwarder
 * @param cacheHits forwarded queries answered from the cache
 * @param cacheMisses forwarded queries not in the cache
 * @param cacheEntries answers in the cache now
 * @param prefetches cache refreshes started before expiry
 * @param staleAnswers expired answers served because every upstream failed (RFC 8767)
 * @param upstreams the upstream servers
 * @param recordsVersion the cluster snapshot version of the records served; empty before the first
 * @param lastUpdate how long the last record update took; empty before the first
 * @since 0.1
 */
public record DnsMetrics(
    Map<DnsType, Long> queriesByType,
    Map<DnsRcode, Long> responsesByRcode,
    List<Long> latencyBucketsMicros,
    List<Long> latencyCounts,
    Duration latencySum,
    long truncated,
    long dropped,
    long forwarded,
    long cacheHits,
    long cacheMisses,
    long cacheEntries,
    long prefetches,
    long staleAnswers,
    List<UpstreamHealth> upstreams,
    OptionalLong recordsVersion,
    Optional<Duration> lastUpdate) {
  /**
   * Copies the collections.
   *
   * @param queriesByType answered queries by query type (dropped packets are not counted)
   * @param responsesByRcode responses by response code
   * @param latencyBucketsMicros the upper bounds of the latency histogram buckets in microseconds
   *     (measured from receipt to the response being queued, in-process only)
   * @param latencyCounts the number of queries per bucket (not cumulative), one more entry than
   *     bounds: the last is the overflow bucket
   * @param latencySum the sum of all latencies
   * @param truncated UDP responses sent with TC=1
   * @param dropped packets dropped without a response (not a query, or shorter than a header)
   * @param forwarded queries handed to the forwarder
   * @param cacheHits forwarded queries answered from the cache
   * @param cacheMisses forwarded queries not in the cache
   * @param cacheEntries answers in the cache now
   * @param prefetches cache refreshes started before expiry
   * @param staleAnswers expired answers served because every upstream failed (RFC 8767)
   * @param upstreams the upstream servers
   * @param recordsVersion the cluster snapshot version of the records served; empty before the
   *     first
   * @param lastUpdate how long the last record update took; empty before the first
   */
  public DnsMetrics {
    queriesByType = Map.copyOf(queriesByType);
    responsesByRcode = Map.copyOf(responsesByRcode);
    latencyBucketsMicros = List.copyOf(latencyBucketsMicros);
    latencyCounts = List.copyOf(latencyCounts);
    upstreams = List.copyOf(upstreams);
    Objects.requireNonNull(latencySum, "latencySum");
    Objects.requireNonNull(recordsVersion, "recordsVersion");
    Objects.requireNonNull(lastUpdate, "lastUpdate");
  }

  /**
   * Returns the total number of answered queries.
   *
   * @return the sum over {@link #responsesByRcode()}
   */
  public long queries() {
    return responsesByRcode.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * Renders the snapshot in the Prometheus text exposition format (metric names {@code
   * k8snet_dns_…}).
   *
   * @return the text
   */
  public String toPrometheus() {
    StringBuilder sb = new StringBuilder();
    sb.append("# TYPE k8snet_dns_queries_total counter\n");
    queriesByType.entrySet().stream()
        .sorted((a, b) -> Integer.compare(a.getKey().code(), b.getKey().code()))
        .forEach(
            e ->
                sb.append("k8snet_dns_queries_total{type=\"")
                    .append(e.getKey())
                    .append("\"} ")
                    .append(e.getValue())
                    .append('\n'));
    sb.append("# TYPE k8snet_dns_responses_total counter\n");
    responsesByRcode.entrySet().stream()
        .sorted((a, b) -> Integer.compare(a.getKey().code(), b.getKey().code()))
        .forEach(
            e ->
                sb.append("k8snet_dns_responses_total{rcode=\"")
                    .append(e.getKey())
                    .append("\"} ")
                    .append(e.getValue())
                    .append('\n'));
    sb.append("# TYPE k8snet_dns_request_duration_seconds histogram\n");
    long cumulative = 0;
    List<String> les = new ArrayList<>();
    for (long b : latencyBucketsMicros) {
      les.add(String.format(Locale.ROOT, "%.6f", b / 1e6));
    }
    les.add("+Inf");
    for (int i = 0; i < latencyCounts.size(); i++) {
      cumulative += latencyCounts.get(i);
      sb.append("k8snet_dns_request_duration_seconds_bucket{le=\"")
          .append(les.get(i))
          .append("\"} ")
          .append(cumulative)
          .append('\n');
    }
    sb.append("k8snet_dns_request_duration_seconds_sum ")
        .append(String.format(Locale.ROOT, "%.9f", latencySum.toNanos() / 1e9))
        .append('\n');
    sb.append("k8snet_dns_request_duration_seconds_count ").append(cumulative).append('\n');
    counter(sb, "k8snet_dns_truncated_total", truncated);
    counter(sb, "k8snet_dns_dropped_total", dropped);
    counter(sb, "k8snet_dns_forwarded_total", forwarded);
    counter(sb, "k8snet_dns_cache_hits_total", cacheHits);
    counter(sb, "k8snet_dns_cache_misses_total", cacheMisses);
    sb.append("# TYPE k8snet_dns_cache_entries gauge\nk8snet_dns_cache_entries ")
        .append(cacheEntries)
        .append('\n');
    counter(sb, "k8snet_dns_cache_prefetch_total", prefetches);
    counter(sb, "k8snet_dns_cache_stale_answers_total", staleAnswers);
    sb.append("# TYPE k8snet_dns_upstream_healthy gauge\n");
    for (UpstreamHealth u : upstreams) {
      String addr = u.address().getAddress().getHostAddress() + ":" + u.address().getPort();
      sb.append("k8snet_dns_upstream_healthy{upstream=\"")
          .append(addr)
          .append("\"} ")
          .append(u.healthy() ? 1 : 0)
          .append('\n');
      sb.append("k8snet_dns_upstream_queries_total{upstream=\"")
          .append(addr)
          .append("\"} ")
          .append(u.queries())
          .append('\n');
      sb.append("k8snet_dns_upstream_failures_total{upstream=\"")
          .append(addr)
          .append("\"} ")
          .append(u.failures())
          .append('\n');
    }
    sb.append("# TYPE k8snet_dns_records_version gauge\nk8snet_dns_records_version ")
        .append(recordsVersion.orElse(-1))
        .append('\n');
    sb.append("# TYPE k8snet_dns_programming_duration_seconds gauge\n")
        .append("k8snet_dns_programming_duration_seconds ")
        .append(
            String.format(Locale.ROOT, "%.6f", lastUpdate.map(Duration::toNanos).orElse(0L) / 1e9))
        .append('\n');
    return sb.toString();
  }

  private static void counter(StringBuilder sb, String name, long v) {
    sb.append("# TYPE ").append(name).append(" counter\n").append(name).append(' ').append(v);
    sb.append('\n');
  }
}
