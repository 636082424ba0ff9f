package dev.k8snet.proxy;

import java.time.Duration;
import java.util.Objects;

/**
 * A snapshot of the sync loop's counters, after kube-proxy's metrics ({@code
 * sync_proxy_rules_duration_seconds} and its full and partial variants, {@code
 * network_programming_duration_seconds}, {@code sync_proxy_rules_nftables_sync_failures_total},
 * {@code sync_proxy_rules_no_local_endpoints_total}, the conntrack cleanup counters).
 *
 * @param fullSyncs successful full syncs: the first, the one after a failure and the periodic ones,
 *     each of which checks the kernel against what was committed
 * @param partialSyncs successful partial syncs (only what changed)
 * @param failures failed syncs (the previous rules stayed in force)
 * @param lastFullSync duration of the last full sync (zero before the first)
 * @param lastPartialSync duration of the last partial sync (zero before the first)
 * @param totalFullSync summed duration of the full syncs
 * @param totalPartialSync summed duration of the partial syncs
 * @param lastProgrammingLatency from the last applied change (an EndpointSlice's {@code
 *     endpoints.kubernetes.io/last-change-trigger-time} when it has one, else the arrival of the
 *     cluster update) to its commit
 * @param elements set and map elements programmed
 * @param chains chains programmed
 * @param driftRepairs full syncs that found the kernel differing from what was committed and
 *     repaired it
 * @param conntrackEntriesDeleted stale UDP/SCTP connection-tracking entries deleted so far
 * @param conntrackCleanupFailures cleanups that failed (the sync itself stood)
 * @param noLocalEndpointsInternal service ports with internalTrafficPolicy Local, endpoints, but
 *     none on this node (after the last sync)
 * @param noLocalEndpointsExternal service ports with externalTrafficPolicy Local, endpoints, but
 *     none on this node (after the last sync)
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
    int chains,
    long driftRepairs,
    long conntrackEntriesDeleted,
    long conntrackCleanupFailures,
    int noLocalEndpointsInternal,
    int noLocalEndpointsExternal) {

  /** No syncs yet. */
  public static final ProxyMetrics NONE =
      new ProxyMetrics(
          0,
          0,
          0,
          Duration.ZERO,
          Duration.ZERO,
          Duration.ZERO,
          Duration.ZERO,
          Duration.ZERO,
          0,
          0,
          0,
          0,
          0,
          0,
          0);

  /**
   * Validates.
   *
   * @param fullSyncs successful full syncs: the first, the one after a failure and the periodic
   *     ones, each of which checks the kernel against what was committed
   * @param partialSyncs successful partial syncs (only what changed)
   * @param failures failed syncs (the previous rules stayed in force)
   * @param lastFullSync duration of the last full sync (zero before the first)
   * @param lastPartialSync duration of the last partial sync (zero before the first)
   * @param totalFullSync summed duration of the full syncs
   * @param totalPartialSync summed duration of the partial syncs
   * @param lastProgrammingLatency from the last applied change (an EndpointSlice's {@code
   *     endpoints.kubernetes.io/last-change-trigger-time} when it has one, else the arrival of the
   *     cluster update) to its commit
   * @param elements set and map elements programmed
   * @param chains chains programmed
   * @param driftRepairs full syncs that found the kernel differing from what was committed and
   *     repaired it
   * @param conntrackEntriesDeleted stale UDP/SCTP connection-tracking entries deleted so far
   * @param conntrackCleanupFailures cleanups that failed (the sync itself stood)
   * @param noLocalEndpointsInternal service ports with internalTrafficPolicy Local, endpoints, but
   *     none on this node (after the last sync)
   * @param noLocalEndpointsExternal service ports with externalTrafficPolicy Local, endpoints, but
   *     none on this node (after the last sync)
   */
  public ProxyMetrics {
    Objects.requireNonNull(lastFullSync, "lastFullSync");
    Objects.requireNonNull(lastPartialSync, "lastPartialSync");
    Objects.requireNonNull(totalFullSync, "totalFullSync");
    Objects.requireNonNull(totalPartialSync, "totalPartialSync");
    Objects.requireNonNull(lastProgrammingLatency, "lastProgrammingLatency");
  }
}
