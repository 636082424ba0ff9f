package dev.k8snet.core.cluster;

/**
 * A source of {@link ClusterState} snapshots: a watched directory of manifests ({@link
 * DirectoryClusterSource}), a fixed set of objects ({@link #of(ClusterState)}), or a Kubernetes API
 * server. Implementations are the SPI of this package.
 *
 * <pre>{@code
 * try (ClusterSource source = DirectoryClusterSource.create(Path.of("/etc/k8snet/manifests"))) {
 *   source.start(update -> proxy.sync(update.current()));
 *   ...
 * }
 * }</pre>
 *
 * <p>Contract for implementations: {@link #start} returns after the initial snapshot has been
 * delivered to the listener (or failed with an exception), then delivers later snapshots from a
 * thread of the source's own, serially; versions increase strictly; {@link #close} stops delivery
 * and releases every thread and file handle, and is idempotent.
 *
 * @since 0.1
 */
public interface ClusterSource extends AutoCloseable {
  /**
   * Starts the source: delivers the initial snapshot to {@code listener}, then every change.
   *
   * @param listener the receiver of snapshots
   * @throws IllegalStateException if the source was started before
   * @throws dev.k8snet.core.K8snetException if the initial state cannot be read at all
   */
  void start(ClusterListener listener);

  /**
   * Returns the newest snapshot delivered.
   *
   * @return the snapshot, or {@link ClusterState#EMPTY} before the first
   */
  ClusterState current();

  /** Stops the source. Idempotent. */
  @Override
  void close();

  /**
   * Returns a source that delivers {@code state} once and never changes.
   *
   * @param state the state
   * @return the source
   */
  static ClusterSource of(ClusterState state) {
    return new FixedClusterSource(state);
  }
}
