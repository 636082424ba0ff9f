package dev.k8snet.samples.node;

import dev.k8snet.core.cluster.ClusterSource;
import dev.k8snet.core.cluster.ClusterState;

/**
 * One part of the node's network stack run by {@code k8snet node}: the CNI daemon, the service
 * proxy, cluster DNS today; the pod network, policy enforcement and the Ingress controller plug in
 * the same way (see {@link Stage}).
 *
 * <p>Lifecycle: {@link #start} is called once, in {@link Stage} order, and returns when the
 * subsystem has taken in the current cluster state (for a dataplane: programmed it), so that the
 * next stage can rely on it; {@link #close} stops the subsystem's threads and sockets but leaves
 * what it programmed in the kernel in place, so that a restart does not break established
 * connections. {@link #health} and {@link #metrics} may be called at any time from any thread.
 */
public interface Subsystem extends AutoCloseable {
  /**
   * Returns the short name used in logs, health output and metric names, e.g. {@code proxy}.
   *
   * @return the name, lower case
   */
  String name();

  /**
   * Returns the stage this subsystem runs in.
   *
   * @return the stage
   */
  Stage stage();

  /**
   * Starts following {@code cluster} (a view of the node's one source, not started yet: starting it
   * delivers {@code now} first; closing it unsubscribes).
   *
   * @param cluster the cluster
   * @param now the newest snapshot, the first that {@code cluster} will deliver
   * @throws Exception when the subsystem cannot start; the node then stops what it started
   */
  void start(ClusterSource cluster, ClusterState now) throws Exception;

  /**
   * Returns the subsystem's health now.
   *
   * @return live/ready and a one-line detail
   */
  Health health();

  /**
   * Returns the subsystem's metrics in the Prometheus text exposition format (metric names start
   * with {@code k8snet_}).
   *
   * @return the text, each line ending in a newline
   */
  String metrics();

  /** Stops the subsystem; programmed kernel state stays in place. Idempotent. */
  @Override
  void close();

  /**
   * A subsystem's health.
   *
   * @param live whether it runs (false: the node should be restarted)
   * @param ready whether it has applied the cluster state (false: not yet, or its last attempt
   *     failed and the previous state is in force)
   * @param detail one line for humans
   */
  record Health(boolean live, boolean ready, String detail) {
    /** Checks for null. */
    public Health {
      java.util.Objects.requireNonNull(detail, "detail");
    }
  }
}
