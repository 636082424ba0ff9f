package dev.k8snet.samples.node;

import dev.k8snet.core.K8snetException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's subsystems around one shared cluster source: starts them in {@link Stage} order, each
 * after the one before is ready (or its ready timeout passed, with a warning), stops them in
 * reverse order leaving programmed state in place, and aggregates health and metrics.
 *
 * <pre>{@code
 * try (NodeStack stack = new NodeStack(new ClusterFanout(source), subsystems, Duration.ofSeconds(30))) {
 *   stack.start();
 *   ...
 * }
 * }</pre>
 */
public final class NodeStack implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NodeStack.class);

  private final ClusterFanout cluster;
  private final List<Subsystem> subsystems;
  private final Duration readyTimeout;
  private final List<Subsystem> started = new ArrayList<>();
  private final long createdNanos = System.nanoTime();
  private boolean closed;

  /**
   * Creates a stack; nothing starts before {@link #start}.
   *
   * @param cluster the shared source (started by {@link #start})
   * @param subsystems the subsystems, in any order (sorted by stage; within a stage, as given)
   * @param readyTimeout how long to wait for each subsystem to become ready before the next starts
   */
  public NodeStack(ClusterFanout cluster, List<Subsystem> subsystems, Duration readyTimeout) {
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    List<Subsystem> sorted = new ArrayList<>(subsystems);
    sorted.sort(Comparator.comparing(Subsystem::stage));
    this.subsystems = List.copyOf(sorted);
    this.readyTimeout = Objects.requireNonNull(readyTimeout, "readyTimeout");
  }

  /**
   * Starts the source, then each subsystem in stage order.
   *
   * @throws K8snetException when the source or a subsystem cannot start; what was started is
   *     stopped again (leaving programmed state in place)
   */
  public void start() throws InterruptedException {
    long t0 = System.nanoTime();
    cluster.start();
    log.atInfo()
        .addKeyValue("event", "cluster_ready")
        .addKeyValue("version", cluster.current().version())
        .addKeyValue("objects", cluster.current().size())
        .log("cluster source ready");
    for (Subsystem s : subsystems) {
      long t = System.nanoTime();
      try {
        s.start(cluster.view(), cluster.current());
      } catch (InterruptedException e) {
        close();
        throw e;
      } catch (Exception e) {
        started.add(s); // close what it may have opened
        close();
        throw new K8snetException(
            "subsystem " + s.name() + " failed to start: " + e.getMessage(), s.name(), e);
      }
      started.add(s);
      boolean ready = awaitReady(s);
      log.atInfo()
          .addKeyValue("event", "subsystem_started")
          .addKeyValue("subsystem", s.name())
          .addKeyValue("stage", s.stage())
          .addKeyValue("ready", ready)
          .addKeyValue("ms", (System.nanoTime() - t) / 1_000_000)
          .log("{} started", s.name());
      if (!ready) {
        log.atWarn()
            .addKeyValue("event", "subsystem_not_ready")
            .addKeyValue("subsystem", s.name())
            .log(
                "{} not ready after {}: {}; starting the next stage anyway",
                s.name(),
                readyTimeout,
                s.health().detail());
      }
    }
    log.atInfo()
        .addKeyValue("event", "node_started")
        .addKeyValue("subsystems", subsystems.stream().map(Subsystem::name).toList())
        .addKeyValue("ms", (System.nanoTime() - t0) / 1_000_000)
        .log("node stack started");
  }

  private boolean awaitReady(Subsystem s) throws InterruptedException {
    long deadline = System.nanoTime() + readyTimeout.toNanos();
    while (!s.health().ready()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }

  /**
   * Returns the subsystems, in start order.
   *
   * @return the subsystems
   */
  public List<Subsystem> subsystems() {
    return subsystems;
  }

  /**
   * Returns whether every subsystem is live.
   *
   * @return liveness
   */
  public boolean live() {
    return subsystems.stream().allMatch(s -> s.health().live());
  }

  /**
   * Returns whether every subsystem is ready.
   *
   * @return readiness
   */
  public boolean ready() {
    synchronized (this) {
      if (started.size() != subsystems.size() || closed) {
        return false;
      }
    }
    return subsystems.stream().allMatch(s -> s.health().ready());
  }

  /**
   * Returns one line per subsystem: {@code name live|dead ready|not-ready: detail}.
   *
   * @return the report
   */
  public String healthReport() {
    StringBuilder b = new StringBuilder();
    for (Subsystem s : subsystems) {
      Subsystem.Health h = s.health();
      b.append(s.name())
          .append(h.live() ? " live " : " dead ")
          .append(h.ready() ? "ready" : "not-ready")
          .append(": ")
          .append(h.detail())
          .append('\n');
    }
    return b.toString();
  }

  /**
   * Returns every metric: the node's own section, then one section per subsystem.
   *
   * @return Prometheus text
   */
  public String metrics() {
    Prometheus p = new Prometheus();
    p.gauge(
        "k8snet_node_uptime_seconds",
        "Seconds since the node stack was created.",
        (System.nanoTime() - createdNanos) / 1e9);
    p.gauge(
        "k8snet_node_cluster_snapshot_version",
        "Version of the newest cluster snapshot.",
        cluster.current().version());
    p.gauge(
        "k8snet_node_cluster_objects",
        "Objects in the newest cluster snapshot.",
        cluster.current().size());
    p.counter(
        "k8snet_node_cluster_errors_total",
        "Objects or connections the cluster source could not take in (last good state kept).",
        cluster.errors());
    p.family("k8snet_node_subsystem_ready", "gauge", "1 when the subsystem is ready.");
    for (Subsystem s : subsystems) {
      p.sample(
          "k8snet_node_subsystem_ready", Map.of("subsystem", s.name()), s.health().ready() ? 1 : 0);
    }
    StringBuilder b = new StringBuilder("# k8snet node\n").append(p);
    for (Subsystem s : subsystems) {
      b.append("# k8snet subsystem: ").append(s.name()).append('\n').append(s.metrics());
    }
    return b.toString();
  }

  /** Stops the subsystems in reverse order, then the source. Programmed state stays. Idempotent. */
  @Override
  public void close() {
    List<Subsystem> toStop;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toStop = new ArrayList<>(started);
    }
    for (int i = toStop.size() - 1; i >= 0; i--) {
      Subsystem s = toStop.get(i);
      try {
        s.close();
        log.atInfo()
            .addKeyValue("event", "subsystem_stopped")
            .addKeyValue("subsystem", s.name())
            .log("{} stopped (programmed state left in place)", s.name());
      } catch (RuntimeException e) {
        log.warn("stopping {} failed", s.name(), e);
      }
    }
    cluster.close();
  }
}
