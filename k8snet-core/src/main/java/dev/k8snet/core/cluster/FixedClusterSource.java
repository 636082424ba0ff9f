package dev.k8snet.core.cluster;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/** A source of one snapshot that never changes. */
final class FixedClusterSource implements ClusterSource {
  private final ClusterState state;
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile ClusterState current = ClusterState.EMPTY;

  FixedClusterSource(ClusterState state) {
    this.state = Objects.requireNonNull(state, "state");
  }

  @Override
  public void start(ClusterListener listener) {
    Objects.requireNonNull(listener, "listener");
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("cluster source already started");
    }
    current = state;
    listener.onUpdate(ClusterUpdate.between(ClusterState.EMPTY, state));
  }

  @Override
  public ClusterState current() {
    return current;
  }

  @Override
  public void close() {}
}
