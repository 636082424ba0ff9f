package dev.k8snet.dns;

import dev.k8snet.core.cluster.ClusterListener;
import dev.k8snet.core.cluster.ClusterUpdate;
import dev.k8snet.dns.internal.IndexBuilder;
import dev.k8snet.dns.internal.ZoneIndex;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's DNS records kept current from a {@link dev.k8snet.core.cluster.ClusterSource}: a
 * {@link ClusterListener} that rebuilds the record index incrementally on each update (only the
 * Services, EndpointSlices and Pods that changed) and swaps it atomically.
 *
 * <pre>{@code
 * ClusterDns dns = ClusterDns.create(DnsConfig.of("cluster.local"));
 * try (ClusterSource source = DirectoryClusterSource.create(Path.of("manifests"));
 *     DnsServer server = DnsServer.builder(dns, new InetSocketAddress("127.0.0.1", 5353)).build()) {
 *   source.start(dns);
 *   server.start();
 *   ...
 * }
 * }</pre>
 *
 * <p>Thread-safe: updates come from the source's thread, reads from any thread see the newest
 * complete snapshot. Before the first update there are no records, and a {@link DnsServer} answers
 * SERVFAIL for the cluster zone (never NXDOMAIN).
 *
 * @since 0.1
 */
public final class ClusterDns implements ClusterListener {
  private static final Logger log = LoggerFactory.getLogger(ClusterDns.class);

  private final DnsConfig config;
  private final IndexBuilder builder;
  private final Object writeLock = new Object();
  private final AtomicLong lastProgrammingNanos = new AtomicLong(-1);
  private volatile DnsRecords records;

  private ClusterDns(DnsConfig config) {
    this.config = config;
    this.builder = new IndexBuilder(config);
  }

  /**
   * Returns an empty instance for {@code config}; feed it with {@link #onUpdate}.
   *
   * @param config the zone configuration
   * @return the instance
   */
  public static ClusterDns create(DnsConfig config) {
    return new ClusterDns(Objects.requireNonNull(config, "config"));
  }

  /**
   * Returns the configuration.
   *
   * @return the configuration
   */
  public DnsConfig config() {
    return config;
  }

  /**
   * Applies a snapshot: incrementally after the first. Takes about a millisecond per thousand names
   * that exist (the snapshot map is copied), plus the rendering of the changed names.
   *
   * @param update the new snapshot and its changes
   */
  @Override
  public void onUpdate(ClusterUpdate update) {
    Objects.requireNonNull(update, "update");
    synchronized (writeLock) {
      long t0 = System.nanoTime();
      ZoneIndex index;
      try {
        index = builder.apply(update);
      } catch (RuntimeException e) {
        // never leave the server without records because one object could not be rendered:
        // rebuild from scratch, and if even that fails keep answering from the previous snapshot
        log.warn(
            "dns: incremental update to version {} failed; rebuilding",
            update.current().version(),
            e);
        try {
          index = builder.build(update.current());
        } catch (RuntimeException again) {
          log.error(
              "dns: cannot build records for version {}; keeping version {}",
              update.current().version(),
              records == null ? -1 : records.version(),
              again);
          return;
        }
      }
      records = new DnsRecords(config, index);
      long took = System.nanoTime() - t0;
      lastProgrammingNanos.set(took);
      log.debug(
          "dns index version {}: {} names, {} changes, {} µs",
          index.version(),
          index.size(),
          update.changes().size(),
          took / 1000);
    }
  }

  /**
   * Returns the newest records.
   *
   * @return the records, or empty before the first update
   */
  public Optional<DnsRecords> records() {
    return Optional.ofNullable(records);
  }

  /**
   * Returns how long the last update took to apply: the in-process part of the DNS programming
   * latency.
   *
   * @return the duration, or empty before the first update
   */
  public Optional<Duration> lastUpdateDuration() {
    long n = lastProgrammingNanos.get();
    return n < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(n));
  }

  ZoneIndex index() {
    DnsRecords r = records;
    return r == null ? null : r.index();
  }
}
