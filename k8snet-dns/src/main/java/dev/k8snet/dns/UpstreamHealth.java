package dev.k8snet.dns;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * The state of one upstream server of the forwarder.
 *
 * @param address the upstream's address
 * @param healthy whether fewer than 2 consecutive queries to it failed (an unhealthy upstream is
 *     probed every 500 ms with {@code . IN NS} and used only when no upstream is healthy)
 * @param queries queries sent to it, probes included
 * @param failures queries that timed out
 * @since 0.1
 */
public record UpstreamHealth(
    InetSocketAddress address, boolean healthy, long queries, long failures) {
  /**
   * Checks for null.
   *
   * @param address the upstream's address
   * @param healthy whether fewer than 2 consecutive queries to it failed (an unhealthy upstream is
   *     probed every 500 ms with {@code . IN NS} and used only when no upstream is healthy)
   * @param queries queries sent to it, probes included
   * @param failures queries that timed out
   */
  public UpstreamHealth {
    Objects.requireNonNull(address, "address");
  }
}
