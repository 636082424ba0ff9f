package dev.k8snet.samples.node;

import dev.k8snet.core.K8snetException;
import dev.k8snet.core.cluster.ClusterListener;
import dev.k8snet.core.cluster.ClusterSource;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.cluster.ClusterUpdate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares one {@link ClusterSource} among the node's subsystems: each gets a {@link #view()}, itself
 * a {@link ClusterSource}, whose first update is the newest snapshot (everything ADDED) and whose
 * later updates are the shared source's. Closing a view only unsubscribes; {@link #close()} stops
 * the shared source.
 *
 * <p>Updates reach the views in subscription order, one at a time, on the shared source's thread; a
 * subscription and an update never interleave, so no view misses or repeats a snapshot.
 */
public final class ClusterFanout implements ClusterListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterFanout.class);

  private final ClusterSource source;
  private final Object lock = new Object();
  private final List<View> views = new ArrayList<>();
  private final AtomicLong errors = new AtomicLong();
  private volatile K8snetException lastError;

  /**
   * Wraps {@code source}; nothing starts until {@link #start()}.
   *
   * @param source the shared source
   */
  public ClusterFanout(ClusterSource source) {
    this.source = Objects.requireNonNull(source, "source");
  }

  /** Starts the shared source: returns after its first snapshot. */
  public void start() {
    source.start(this);
  }

  /**
   * Returns the newest snapshot.
   *
   * @return the snapshot
   */
  public ClusterState current() {
    return source.current();
  }

  /**
   * Returns the number of errors the source reported (bad objects, lost connections).
   *
   * @return the count
   */
  public long errors() {
    return errors.get();
  }

  /**
   * Returns a new view for one subsystem.
   *
   * @return a source that follows the shared one
   */
  public ClusterSource view() {
    return new View();
  }

  @Override
  public void onUpdate(ClusterUpdate update) {
    synchronized (lock) {
      for (View v : List.copyOf(views)) {
        v.deliver(update);
      }
    }
  }

  @Override
  public void onError(K8snetException error) {
    errors.incrementAndGet();
    lastError = error;
    // The source logged it already; counted here for /metrics.
    log.atDebug()
        .addKeyValue("event", "cluster_error")
        .log("{} (the last good state stays in force)", error.getMessage());
    synchronized (lock) {
      for (View v : List.copyOf(views)) {
        v.error(error);
      }
    }
  }

  /** Stops the shared source. */
  @Override
  public void close() {
    source.close();
  }

  @Override
  public String toString() {
    return "ClusterFanout{" + source + (lastError == null ? "" : ", last error " + lastError) + "}";
  }

  private final class View implements ClusterSource {
    private ClusterListener listener;
    private volatile ClusterState current = ClusterState.EMPTY;

    @Override
    public void start(ClusterListener l) {
      Objects.requireNonNull(l, "listener");
      synchronized (lock) {
        if (listener != null) {
          throw new IllegalStateException("cluster view already started");
        }
        listener = l;
        views.add(this);
        ClusterState now = source.current();
        if (now.version() > 0) {
          deliver(ClusterUpdate.between(ClusterState.EMPTY, now));
        }
      }
    }

    void deliver(ClusterUpdate update) {
      ClusterUpdate u =
          current.version() == 0 || update.previous().version() != current.version()
              ? ClusterUpdate.between(current, update.current())
              : update;
      current = u.current();
      try {
        listener.onUpdate(u);
      } catch (RuntimeException e) {
        log.error("subsystem failed on snapshot {}", u.current().version(), e);
      }
    }

    void error(K8snetException error) {
      try {
        listener.onError(error);
      } catch (RuntimeException e) {
        log.warn("subsystem failed on error {}", error.getMessage(), e);
      }
    }

    @Override
    public ClusterState current() {
      return current;
    }

    @Override
    public void close() {
      synchronized (lock) {
        views.remove(this);
      }
    }
  }
}
