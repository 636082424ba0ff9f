package dev.k8snet.proxy;

import dev.k8snet.core.IpFamily;
import dev.k8snet.core.cluster.ClusterChange;
import dev.k8snet.core.cluster.ClusterListener;
import dev.k8snet.core.cluster.ClusterSource;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.cluster.ClusterUpdate;
import dev.k8snet.core.model.EndpointSlice;
import dev.k8snet.core.model.KubernetesObject;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service proxy's sync loop, kube-proxy's {@code BoundedFrequencyRunner} around {@code
 * syncProxyRules}: follows a {@link ClusterSource}, recomputes only the services an update touches,
 * and programs the result with a {@link Programmer} (normally {@link NftablesProxy#sync(List,
 * boolean)}).
 *
 * <p>Updates are coalesced: at most one sync per {@link ProxyConfig#minSyncPeriod()}; a full resync
 * runs every {@link ProxyConfig#syncPeriod()}. A failed sync is retried with exponential backoff
 * (from the minimum period up to the sync period); the rules in force stay those of the last
 * successful sync. Also keeps a {@link HealthCheckServer}, if given, in step.
 *
 * <p>Thread-safe. {@link #start()} starts one daemon thread; {@link #close()} stops it (the rules
 * stay in force).
 *
 * @since 0.1.0
 */
public final class ServiceProxy implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServiceProxy.class);

  /**
   * Programs tables into the data plane.
   *
   * @since 0.1.0
   */
  @FunctionalInterface
  public interface Programmer {
    /**
     * Programs the tables.
     *
     * @param tables one per family
     * @param full whether to rebuild from scratch (the periodic reconcile)
     * @return what was done
     * @throws RuntimeException if the data plane rejected the change
     */
    SyncResult program(List<ServiceTable> tables, boolean full);
  }

  private final ClusterSource source;
  private final ProxyNode node;
  private final ProxyConfig config;
  private final List<IpFamily> families;
  private final Programmer programmer;
  private final Optional<HealthCheckServer> health;
  private final InstantSource clock;
  private final Object lock = new Object();
  private ScheduledExecutorService executor;
  private ScheduledFuture<?> scheduled;
  // Guarded by lock.
  private ClusterState latest;
  private final Set<String> dirty = new HashSet<>();
  private boolean rebuildTables = true;
  private Instant firstPendingUpdate;
  private Instant lastSync = Instant.EPOCH;
  private Instant lastFull = Instant.EPOCH;
  private int failuresInARow;
  private List<ServiceTable> tables = List.of();
  private ProxyMetrics metrics = ProxyMetrics.NONE;

  private ServiceProxy(
      ClusterSource source,
      ProxyNode node,
      ProxyConfig config,
      List<IpFamily> families,
      Programmer programmer,
      Optional<HealthCheckServer> health,
      InstantSource clock) {
    this.source = source;
    this.node = node;
    this.config = config;
    this.families = List.copyOf(families);
    this.programmer = programmer;
    this.health = health;
    this.clock = clock;
  }

  /**
   * Creates a loop; nothing runs before {@link #start()}.
   *
   * @param source the cluster
   * @param node this node
   * @param config the settings
   * @param families the families to program (one table each)
   * @param programmer the data plane
   * @param health the health-check server to keep in step, if any
   * @param clock the time source
   * @return the loop
   */
  public static ServiceProxy create(
      ClusterSource source,
      ProxyNode node,
      ProxyConfig config,
      List<IpFamily> families,
      Programmer programmer,
      Optional<HealthCheckServer> health,
      InstantSource clock) {
    return new ServiceProxy(
        Objects.requireNonNull(source, "source"),
        Objects.requireNonNull(node, "node"),
        Objects.requireNonNull(config, "config"),
        families,
        Objects.requireNonNull(programmer, "programmer"),
        Objects.requireNonNull(health, "health"),
        Objects.requireNonNull(clock, "clock"));
  }

  /** Starts following the source (the first update triggers the first, full, sync). */
  public void start() {
    synchronized (lock) {
      if (executor != null) {
        throw new IllegalStateException("already started");
      }
      executor =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "k8snet-service-proxy");
                t.setDaemon(true);
                return t;
              });
      var unused =
          executor.scheduleWithFixedDelay(
              this::periodic,
              config.syncPeriod().toMillis(),
              config.syncPeriod().toMillis(),
              TimeUnit.MILLISECONDS);
    }
    source.start(
        new ClusterListener() {
          @Override
          public void onUpdate(ClusterUpdate update) {
            onClusterUpdate(update);
          }
        });
  }

  private void onClusterUpdate(ClusterUpdate update) {
    synchronized (lock) {
      latest = update.current();
      if (firstPendingUpdate == null) {
        firstPendingUpdate = clock.instant();
      }
      for (ClusterChange c : update.changes()) {
        switch (c.kind()) {
          case "Service" -> dirty.add(c.ref().namespace() + "/" + c.ref().name());
          case "EndpointSlice" -> {
            for (Optional<KubernetesObject> o : List.of(c.before(), c.after())) {
              o.filter(EndpointSlice.class::isInstance)
                  .map(EndpointSlice.class::cast)
                  .flatMap(EndpointSlice::serviceName)
                  .ifPresent(n -> dirty.add(c.ref().namespace() + "/" + n));
            }
          }
          case "Node" -> {
            if (c.ref().name().equals(node.name())) {
              rebuildTables = true; // labels (zone) or addresses may have changed
            }
          }
          default -> {}
        }
      }
      schedule();
    }
  }

  // Guarded by lock.
  private void schedule() {
    if (executor == null || (scheduled != null && !scheduled.isDone())) {
      return;
    }
    long wait = Math.max(0, Duration.between(clock.instant(), lastSync.plus(backoff())).toMillis());
    scheduled = executor.schedule(this::runSync, wait, TimeUnit.MILLISECONDS);
  }

  private Duration backoff() {
    Duration d = config.minSyncPeriod();
    for (int i = 0; i < failuresInARow && d.compareTo(config.syncPeriod()) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(config.syncPeriod()) > 0 && failuresInARow > 0 ? config.syncPeriod() : d;
  }

  private void periodic() {
    synchronized (lock) {
      if (latest != null) {
        rebuildTables = true;
        scheduleNow();
      }
    }
  }

  // Guarded by lock.
  private void scheduleNow() {
    if (scheduled == null || scheduled.isDone()) {
      scheduled = executor.schedule(this::runSync, 0, TimeUnit.MILLISECONDS);
    }
  }

  private void runSync() {
    ClusterState state;
    Set<String> changed;
    boolean rebuild;
    Instant trigger;
    List<ServiceTable> before;
    synchronized (lock) {
      scheduled = null; // this run is under way: a change from now on needs another one
      state = latest;
      if (state == null) {
        return;
      }
      changed = Set.copyOf(dirty);
      rebuild = rebuildTables || tables.isEmpty();
      trigger = firstPendingUpdate;
      before = tables;
      dirty.clear();
      rebuildTables = false;
      firstPendingUpdate = null;
    }
    boolean full =
        before.isEmpty()
            || Duration.between(lastFull, clock.instant()).compareTo(config.syncPeriod()) >= 0;
    Instant start = clock.instant();
    List<ServiceTable> next = new ArrayList<>();
    try {
      for (int i = 0; i < families.size(); i++) {
        next.add(
            rebuild
                ? ServiceTable.build(state, node, config, families.get(i))
                : before.get(i).update(state, changed));
      }
      SyncResult r = programmer.program(next, full);
      Instant end = clock.instant();
      health.ifPresent(
          h -> {
            h.proxyHealthy(true);
            h.sync(next);
          });
      synchronized (lock) {
        tables = List.copyOf(next);
        lastSync = end;
        failuresInARow = 0;
        if (r.full()) {
          lastFull = end;
        }
        Duration took = Duration.between(start, end);
        ProxyMetrics m = metrics;
        metrics =
            new ProxyMetrics(
                m.fullSyncs() + (r.full() ? 1 : 0),
                m.partialSyncs() + (r.full() ? 0 : 1),
                m.failures(),
                r.full() ? took : m.lastFullSync(),
                r.full() ? m.lastPartialSync() : took,
                r.full() ? m.totalFullSync().plus(took) : m.totalFullSync(),
                r.full() ? m.totalPartialSync() : m.totalPartialSync().plus(took),
                trigger == null ? m.lastProgrammingLatency() : Duration.between(trigger, end),
                r.elements(),
                r.chains());
        if (!dirty.isEmpty() || rebuildTables) {
          schedule();
        }
      }
    } catch (RuntimeException e) {
      log.warn("service proxy sync failed; the previous rules stay in force: {}", e.getMessage());
      health.ifPresent(h -> h.proxyHealthy(false));
      synchronized (lock) {
        // Retry everything that was pending, from scratch.
        dirty.addAll(changed);
        rebuildTables = true;
        if (firstPendingUpdate == null) {
          firstPendingUpdate = trigger;
        }
        failuresInARow++;
        lastSync = clock.instant();
        ProxyMetrics m = metrics;
        metrics =
            new ProxyMetrics(
                m.fullSyncs(),
                m.partialSyncs(),
                m.failures() + 1,
                m.lastFullSync(),
                m.lastPartialSync(),
                m.totalFullSync(),
                m.totalPartialSync(),
                m.lastProgrammingLatency(),
                m.elements(),
                m.chains());
        schedule();
      }
    }
  }

  /**
   * Returns the counters so far.
   *
   * @return a snapshot
   */
  public ProxyMetrics metrics() {
    synchronized (lock) {
      return metrics;
    }
  }

  /**
   * Returns the tables of the last successful sync.
   *
   * @return one per family; empty before the first sync
   */
  public List<ServiceTable> tables() {
    synchronized (lock) {
      return tables;
    }
  }

  /** Stops the loop and the source; the programmed rules stay in force. */
  @Override
  public void close() {
    ScheduledExecutorService e;
    synchronized (lock) {
      e = executor;
      executor = null;
    }
    source.close();
    if (e != null) {
      e.shutdownNow();
      try {
        e.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
