package dev.k8snet.proxy.ingress;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A snapshot of the Ingress data plane's counters since start.
 *
 * @param requestsByStatus answered requests by HTTP status (locally answered ones included)
 * @param latencyBucketsMillis the upper bounds of the latency histogram, in milliseconds
 * @param latencyCounts requests whose latency (request head to last response byte) was at most the
 *     bound at the same index and above the previous one; one more entry for larger latencies
 * @param upstreamConnectErrors failed connection attempts to endpoints
 * @param upstreamTimeouts backend reads that timed out
 * @param upstreamResets backend connections lost before the response ended
 * @param retries requests sent again to another connection or endpoint
 * @param activeConnections client connections open now
 * @since 0.1.0
 */
public record IngressMetrics(
    Map<Integer, Long> requestsByStatus,
    List<Long> latencyBucketsMillis,
    List<Long> latencyCounts,
    long upstreamConnectErrors,
    long upstreamTimeouts,
    long upstreamResets,
    long retries,
    long activeConnections) {

  /**
   * Copies the collections.
   *
   * @param requestsByStatus answered requests by HTTP status (locally answered ones included)
   * @param latencyBucketsMillis the upper bounds of the latency histogram, in milliseconds
   * @param latencyCounts requests whose latency (request head to last response byte) was at most
   *     the bound at the same index and above the previous one; one more entry for larger latencies
   * @param upstreamConnectErrors failed connection attempts to endpoints
   * @param upstreamTimeouts backend reads that timed out
   * @param upstreamResets backend connections lost before the response ended
   * @param retries requests sent again to another connection or endpoint
   * @param activeConnections client connections open now
   */
  public IngressMetrics {
    requestsByStatus = java.util.Collections.unmodifiableMap(new TreeMap<>(requestsByStatus));
    latencyBucketsMillis = List.copyOf(latencyBucketsMillis);
    latencyCounts = List.copyOf(latencyCounts);
    if (latencyCounts.size() != latencyBucketsMillis.size() + 1) {
      throw new IllegalArgumentException(
          "latencyCounts: "
              + latencyCounts.size()
              + " entries (expected: "
              + (latencyBucketsMillis.size() + 1)
              + ")");
    }
  }

  /**
   * Returns the total of answered requests.
   *
   * @return the sum over every status
   */
  public long requests() {
    return requestsByStatus.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * Renders the counters in the Prometheus text exposition format (metric names prefixed {@code
   * k8snet_ingress_}).
   *
   * @return the text
   */
  public String toPrometheusText() {
    StringBuilder b = new StringBuilder();
    b.append("# TYPE k8snet_ingress_requests_total counter\n");
    requestsByStatus.forEach(
        (s, n) ->
            b.append("k8snet_ingress_requests_total{status=\"")
                .append(s)
                .append("\"} ")
                .append(n)
                .append('\n'));
    b.append("# TYPE k8snet_ingress_request_duration_seconds histogram\n");
    long cumulative = 0;
    for (int i = 0; i < latencyCounts.size(); i++) {
      cumulative += latencyCounts.get(i);
      String le =
          i < latencyBucketsMillis.size()
              ? Double.toString(latencyBucketsMillis.get(i) / 1000.0)
              : "+Inf";
      b.append("k8snet_ingress_request_duration_seconds_bucket{le=\"")
          .append(le)
          .append("\"} ")
          .append(cumulative)
          .append('\n');
    }
    b.append("k8snet_ingress_request_duration_seconds_count ").append(cumulative).append('\n');
    line(b, "upstream_connect_errors_total", "counter", upstreamConnectErrors);
    line(b, "upstream_timeouts_total", "counter", upstreamTimeouts);
    line(b, "upstream_resets_total", "counter", upstreamResets);
    line(b, "retries_total", "counter", retries);
    line(b, "active_connections", "gauge", activeConnections);
    return b.toString();
  }

  private static void line(StringBuilder b, String name, String type, long v) {
    b.append("# TYPE k8snet_ingress_")
        .append(name)
        .append(' ')
        .append(type)
        .append("\nk8snet_ingress_")
        .append(name)
        .append(' ')
        .append(v)
        .append('\n');
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IngressMetrics m
        && m.requestsByStatus.equals(requestsByStatus)
        && m.latencyCounts.equals(latencyCounts)
        && m.latencyBucketsMillis.equals(latencyBucketsMillis)
        && m.upstreamConnectErrors == upstreamConnectErrors
        && m.upstreamTimeouts == upstreamTimeouts
        && m.upstreamResets == upstreamResets
        && m.retries == retries
        && m.activeConnections == activeConnections;
  }

  @Override
  public int hashCode() {
    return Objects.hash(requestsByStatus, latencyCounts, upstreamConnectErrors, retries);
  }
}
