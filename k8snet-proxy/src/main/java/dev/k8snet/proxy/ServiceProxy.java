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
 * <p>Updates are coalesced: at most one sync per {@link ProxyConfig#minSyncPeriod()}; a full sync,
 * which checks the kernel against what was committed and repairs any drift, runs first and then
 * every {@link ProxyConfig#syncPeriod()}. A failed sync is retried with exponential backoff (from
 * the minimum period up to the sync period) as a full one; the rules in force stay those of the
 * last successful sync. After each successful sync it keeps a {@link HealthCheckServer}, if given,
 * in step and removes stale UDP/SCTP flows with a {@link ConntrackCleaner}, if given.
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
     * @param full whether to make a full sync: compare the data plane with the desired state and
     *     repair it (the first sync, the one after a failure, the periodic reconcile), rather than
     *     apply the difference from the last sync
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
  private final Optional<ConntrackCleaner> conntrack;
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
  private boolean lastFailed;
  private List<ServiceTable> tables = List.of();
  private ProxyMetrics metrics = ProxyMetrics.NONE;

  private ServiceProxy(
      ClusterSource source,
      ProxyNode node,
      ProxyConfig config,
      List<IpFamily> families,
      Programmer programmer,
      Optional<HealthCheckServer> health,
      Optional<ConntrackCleaner> conntrack,
      InstantSource clock) {
    this.source = source;
    this.node = node;
    this.config = config;
    this.families = List.copyOf(families);
    this.programmer = programmer;
    this.health = health;
    this.conntrack = conntrack;
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
   * @param conntrack the cleaner of stale UDP/SCTP flows to run after each sync, if any
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
      Optional<ConntrackCleaner> conntrack,
      InstantSource clock) {
    return new ServiceProxy(
        Objects.requireNonNull(source, "source"),
        Objects.requireNonNull(node, "node"),
        Objects.requireNonNull(config, "config"),
        families,
        Objects.requireNonNull(programmer, "programmer"),
        Objects.requireNonNull(health, "health"),
        Objects.requireNonNull(conntrack, "conntrack"),
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

  /** The EndpointSlice controller's record of when the change behind a slice happened. */
  static final String TRIGGER_TIME_ANNOTATION = "endpoints.kubernetes.io/last-change-trigger-time";

  private void onClusterUpdate(ClusterUpdate update) {
    synchronized (lock) {
      latest = update.current();
      Instant now = clock.instant();
      Instant trigger = now;
      for (ClusterChange c : update.changes()) {
        if (c.after().orElse(null) instanceof EndpointSlice es) {
          String t = es.metadata().annotations().get(TRIGGER_TIME_ANNOTATION);
          if (t != null) {
            try {
              Instant at = Instant.parse(t);
              if (at.isBefore(trigger)) {
                trigger = at;
              }
            } catch (java.time.format.DateTimeParseException e) {
              log.debug("ignoring {} {}", TRIGGER_TIME_ANNOTATION, t);
            }
          }
        }
      }
      if (firstPendingUpdate == null || trigger.isBefore(firstPendingUpdate)) {
        firstPendingUpdate = trigger;
      }
      health.ifPresent(h -> h.queued(now));
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
              boolean eligible =
                  c.after()
                      .filter(dev.k8snet.core.model.Node.class::isInstance)
                      .map(n -> !((dev.k8snet.core.model.Node) n).goingAway())
                      .orElse(false);
              health.ifPresent(h -> h.nodeEligible(eligible));
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
    boolean full;
    synchronized (lock) {
      full =
          before.isEmpty()
              || lastFailed
              || Duration.between(lastFull, clock.instant()).compareTo(config.syncPeriod()) >= 0;
    }
    Instant start = clock.instant();
    List<ServiceTable> next = new ArrayList<>();
    SyncResult r;
    try {
      for (int i = 0; i < families.size(); i++) {
        next.add(
            rebuild
                ? ServiceTable.build(state, node, config, families.get(i))
                : before.get(i).update(state, changed));
      }
      r = programmer.program(next, full);
    } catch (RuntimeException e) {
      log.warn("service proxy sync failed; the previous rules stay in force: {}", e.getMessage());
      health.ifPresent(h -> h.proxyHealthy(false));
      synchronized (lock) {
        // Retry everything that was pending, as a full sync.
        dirty.addAll(changed);
        rebuildTables = true;
        if (firstPendingUpdate == null
            || (trigger != null && trigger.isBefore(firstPendingUpdate))) {
          firstPendingUpdate = trigger;
        }
        failuresInARow++;
        lastFailed = true;
        lastSync = clock.instant();
        metrics = metrics(metrics).failures(metrics.failures() + 1).build();
        schedule();
      }
      return;
    }
    Instant end = clock.instant();
    health.ifPresent(
        h -> {
          h.updated(end);
          h.proxyHealthy(true);
          try {
            h.sync(next);
          } catch (RuntimeException e) {
            log.warn("health-check listeners: {}", e.getMessage());
          }
        });
    int cleaned = 0;
    boolean cleanupFailed = false;
    if (conntrack.isPresent()) {
      try {
        cleaned = conntrack.get().clean(next);
      } catch (RuntimeException e) {
        cleanupFailed = true;
        log.warn("conntrack cleanup failed: {}", e.getMessage());
      }
    }
    int noLocalInternal = 0;
    int noLocalExternal = 0;
    for (ServiceTable t : next) {
      for (ServicePortInfo p : t.ports().values()) {
        if (p.hasEndpoints() && p.localEndpoints().isEmpty()) {
          noLocalInternal += p.internalPolicyLocal() ? 1 : 0;
          noLocalExternal += p.externalPolicyLocal() ? 1 : 0;
        }
      }
    }
    synchronized (lock) {
      tables = List.copyOf(next);
      lastSync = end;
      failuresInARow = 0;
      lastFailed = false;
      if (full) {
        lastFull = end;
      }
      Duration took = Duration.between(start, end);
      ProxyMetrics m = metrics;
      metrics =
          metrics(m)
              .fullSyncs(m.fullSyncs() + (full ? 1 : 0))
              .partialSyncs(m.partialSyncs() + (full ? 0 : 1))
              .lastFullSync(full ? took : m.lastFullSync())
              .lastPartialSync(full ? m.lastPartialSync() : took)
              .totalFullSync(full ? m.totalFullSync().plus(took) : m.totalFullSync())
              .totalPartialSync(full ? m.totalPartialSync() : m.totalPartialSync().plus(took))
              .lastProgrammingLatency(
                  trigger == null ? m.lastProgrammingLatency() : Duration.between(trigger, end))
              .elements(r.elements())
              .chains(r.chains())
              .driftRepairs(m.driftRepairs() + (r.full() && r.repairs() > 0 ? 1 : 0))
              .conntrackEntriesDeleted(m.conntrackEntriesDeleted() + cleaned)
              .conntrackCleanupFailures(m.conntrackCleanupFailures() + (cleanupFailed ? 1 : 0))
              .noLocalEndpoints(noLocalInternal, noLocalExternal)
              .build();
      if (!dirty.isEmpty() || rebuildTables) {
        schedule();
      }
    }
  }

  /** A mutable copy of a metrics snapshot. */
  private static MetricsBuilder metrics(ProxyMetrics m) {
    return new MetricsBuilder(m);
  }

  private static final class MetricsBuilder {
    private long fullSyncs;
    private long partialSyncs;
    private long failures;
    private Duration lastFullSync;
    private Duration lastPartialSync;
    private Duration totalFullSync;
    private Duration totalPartialSync;
    private Duration lastProgrammingLatency;
    private int elements;
    private int chains;
    private long driftRepairs;
    private long conntrackEntriesDeleted;
    private long conntrackCleanupFailures;
    private int noLocalInternal;
    private int noLocalExternal;

    MetricsBuilder(ProxyMetrics m) {
      fullSyncs = m.fullSyncs();
      partialSyncs = m.partialSyncs();
      failures = m.failures();
      lastFullSync = m.lastFullSync();
      lastPartialSync = m.lastPartialSync();
      totalFullSync = m.totalFullSync();
      totalPartialSync = m.totalPartialSync();
      lastProgrammingLatency = m.lastProgrammingLatency();
      elements = m.elements();
      chains = m.chains();
      driftRepairs = m.driftRepairs();
      conntrackEntriesDeleted = m.conntrackEntriesDeleted();
      conntrackCleanupFailures = m.conntrackCleanupFailures();
      noLocalInternal = m.noLocalEndpointsInternal();
      noLocalExternal = m.noLocalEndpointsExternal();
    }

    MetricsBuilder fullSyncs(long v) {
      fullSyncs = v;
      return this;
    }

    MetricsBuilder partialSyncs(long v) {
      partialSyncs = v;
      return this;
    }

    MetricsBuilder failures(long v) {
      failures = v;
      return this;
    }

    MetricsBuilder lastFullSync(Duration v) {
      lastFullSync = v;
      return this;
    }

    MetricsBuilder lastPartialSync(Duration v) {
      lastPartialSync = v;
      return this;
    }

    MetricsBuilder totalFullSync(Duration v) {
      totalFullSync = v;
      return this;
    }

    MetricsBuilder totalPartialSync(Duration v) {
      totalPartialSync = v;
      return this;
    }

    MetricsBuilder lastProgrammingLatency(Duration v) {
      lastProgrammingLatency = v;
      return this;
    }

    MetricsBuilder elements(int v) {
      elements = v;
      return this;
    }

    MetricsBuilder chains(int v) {
      chains = v;
      return this;
    }

    MetricsBuilder driftRepairs(long v) {
      driftRepairs = v;
      return this;
    }

    MetricsBuilder conntrackEntriesDeleted(long v) {
      conntrackEntriesDeleted = v;
      return this;
    }

    MetricsBuilder conntrackCleanupFailures(long v) {
      conntrackCleanupFailures = v;
      return this;
    }

    MetricsBuilder noLocalEndpoints(int internal, int external) {
      noLocalInternal = internal;
      noLocalExternal = external;
      return this;
    }

    ProxyMetrics build() {
      return new ProxyMetrics(
          fullSyncs,
          partialSyncs,
          failures,
          lastFullSync,
          lastPartialSync,
          totalFullSync,
          totalPartialSync,
          lastProgrammingLatency,
          elements,
          chains,
          driftRepairs,
          conntrackEntriesDeleted,
          conntrackCleanupFailures,
          noLocalInternal,
          noLocalExternal);
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
