package dev.k8snet.proxy;

import java.time.Duration;
import java.util.Objects;

/**
 * A snapshot of the sync loop's counters, after kube-proxy's metrics ({@code
 * sync_proxy_rules_duration_seconds} and its full and partial variants, {@code
 * network_programming_duration_seconds}, {@code sync_proxy_rules_nftables_sync_failures_total}).
 *
 * @param fullSyncs successful full syncs
 * @param partialSyncs successful partial syncs
 * @param failures failed syncs (the previous rules stayed in force)
 * @param lastFullSync duration of the last full sync (zero before the first)
 * @param lastPartialSync duration of the last partial sync (zero before the first)
 * @param totalFullSync summed duration of the full syncs
 * @param totalPartialSync summed duration of the partial syncs
 * @param lastProgrammingLatency from the arrival of the last applied cluster update to its commit
 * @param elements set and map elements programmed
 * @param chains dispatch chains programmed
 * @since 0.1.0
 */
public record ProxyMetrics(
    long fullSyncs,
    long partialSyncs,
    long failures,
    Duration lastFullSync,
    Duration lastPartialSync,
    Duration totalFullSync,
    Duration totalPartialSync,
    Duration lastProgrammingLatency,
    int elements,
    int chains) {

  /** No syncs yet. */
  public static final ProxyMetrics NONE =
      new ProxyMetrics(
          0, 0, 0, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, 0, 0);

  /** Validates. */
  public ProxyMetrics {
    Objects.requireNonNull(lastFullSync, "lastFullSync");
    Objects.requireNonNull(lastPartialSync, "lastPartialSync");
    Objects.requireNonNull(totalFullSync, "totalFullSync");
    Objects.requireNonNull(totalPartialSync, "totalPartialSync");
    Objects.requireNonNull(lastProgrammingLatency, "lastProgrammingLatency");
  }
}
