package dev.k8snet.core.cluster;

import dev.k8snet.core.K8snetException;

/**
 * Receives the snapshots of a {@link ClusterSource}.
 *
 * <p>A source calls its listener from one thread at a time, in order, and never concurrently. The
 * calls should return quickly: a listener that does slow work (programming the kernel) should hand
 * the update to its own loop, keeping only the newest.
 *
 * @since 0.1
 */
public interface ClusterListener {
  /**
   * Called with each new snapshot; the first call carries the initial state (all objects {@link
   * ClusterChange.Type#ADDED}).
   *
   * @param update the new snapshot and what changed
   */
  void onUpdate(ClusterUpdate update);

  /**
   * Called when the source could not take in part of the cluster (a bad manifest, a lost
   * connection); the previous good state of that part stays in force. The default does nothing.
   *
   * @param error what failed, naming the file or object
   */
  default void onError(K8snetException error) {}
}
