package dev.k8snet.cni.internal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wall-clock time per phase of the plugin call running on this thread: {@link CallScope} opens a
 * collector, plugin code calls {@link #mark(String)} at the end of each phase, and nested plugins
 * (the bridge's in-process IPAM) add to the same collector.
 */
public final class Phases {
  private static final ThreadLocal<Phases> CURRENT = new ThreadLocal<>();

  private final Map<String, Long> nanos = new LinkedHashMap<>();
  private final long start = System.nanoTime();
  private long last = start;

  private Phases() {}

  /** Starts collecting for the call on this thread; close the scope when the call ends. */
  public static CallScope begin() {
    Phases outer = CURRENT.get();
    Phases p = new Phases();
    CURRENT.set(p);
    return new CallScope(p, outer);
  }

  /** Ends the current phase of this thread's call under {@code name} (no-op outside a call). */
  public static void mark(String name) {
    Phases p = CURRENT.get();
    if (p != null) {
      long now = System.nanoTime();
      p.nanos.merge(name, now - p.last, Long::sum);
      p.last = now;
    }
  }

  /** Restarts the clock of the current phase without recording (e.g. after a nested call). */
  public static void skip() {
    Phases p = CURRENT.get();
    if (p != null) {
      p.last = System.nanoTime();
    }
  }

  /** The open collection of one call. */
  public static final class CallScope implements AutoCloseable {
    private final Phases phases;
    private final Phases outer;

    private CallScope(Phases phases, Phases outer) {
      this.phases = phases;
      this.outer = outer;
    }

    /** The phases so far, in order. */
    public Map<String, Duration> phases() {
      Map<String, Duration> m = new LinkedHashMap<>();
      phases.nanos.forEach((k, v) -> m.put(k, Duration.ofNanos(v)));
      return m;
    }

    /** Time since the call began. */
    public Duration elapsed() {
      return Duration.ofNanos(System.nanoTime() - phases.start);
    }

    @Override
    public void close() {
      if (outer == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(outer);
      }
    }
  }
}
