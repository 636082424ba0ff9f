package dev.k8snet.proxy.ingress.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Inactivity timeouts of many channels, measured by one thread rather than by timers on the
 * channels' event loops.
 *
 * <p>Why not netty's scheduler: a timer per connection puts a steady stream of deadlines on the
 * event loop (client idle, backend idle and read timeouts: about 13 a second at 64 connections).
 * When one falls due between the two checks for pending work in netty's epoll loop, the loop takes
 * a branch it had never taken when it was compiled; the compiled loop is thrown away and runs
 * interpreted until it is compiled again, which slows every connection of the loop for 100–200 ms.
 * Without timers of ours, the loop's only deadlines are netty's connect timeouts while backend
 * connections open, rare once the pools are filled.
 *
 * <p>The loop reports a {@link Watch}'s activity with a plain store; the ticker reads it every
 * {@link #PERIOD} and, once it has not moved for the watch's timeout, asks the loop to run the
 * watch's action, which runs only if there was still no activity and the watch is still armed. An
 * action therefore runs between the timeout and the timeout plus two periods after the last
 * activity, always on the watch's loop.
 */
final class Timeouts implements AutoCloseable {
  /** How often the ticker looks at the watches. */
  static final Duration PERIOD = Duration.ofMillis(250);

  private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
  private final Thread ticker;
  private volatile boolean closed;

  /** Starts the ticker: a daemon thread named {@code name}. */
  Timeouts(String name) {
    ticker = new Thread(this::run, name);
    ticker.setDaemon(true);
    ticker.start();
  }

  /** A test's instance: no thread, the test calls {@link #tick(long)}. */
  Timeouts() {
    ticker = null;
  }

  /**
   * A disarmed watch whose action runs on {@code loop}; {@link Watch#cancel()} forgets it.
   *
   * @param loop the event loop of the channel watched, where all of the watch's methods are called
   * @param action what to do on a timeout
   */
  Watch watch(Executor loop, Runnable action) {
    Watch w = new Watch(loop, action);
    watches.add(w);
    return w;
  }

  /** The watches not cancelled yet. */
  int size() {
    return watches.size();
  }

  private void run() {
    long period = PERIOD.toNanos();
    while (!closed) {
      try {
        TimeUnit.NANOSECONDS.sleep(period);
      } catch (InterruptedException e) {
        return;
      }
      tick(System.nanoTime());
    }
  }

  /** One look at every watch at {@code nowNanos} ({@link System#nanoTime()}). */
  void tick(long nowNanos) {
    for (Watch w : watches) {
      w.check(nowNanos);
    }
  }

  /** Stops the ticker; actions not run yet do not run. */
  @Override
  public void close() {
    closed = true;
    if (ticker != null) {
      ticker.interrupt();
    }
  }

  /**
   * The inactivity timeout of one channel. {@link #activity()}, {@link #arm(Duration)}, {@link
   * #disarm()} and {@link #cancel()} are called on the watch's loop only.
   */
  final class Watch {
    private static final VarHandle ACTIVITY;
    private static final VarHandle TIMEOUT;

    static {
      try {
        MethodHandles.Lookup l = MethodHandles.lookup();
        ACTIVITY = l.findVarHandle(Watch.class, "activity", long.class);
        TIMEOUT = l.findVarHandle(Watch.class, "timeoutNanos", long.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private final Executor loop;
    private final Runnable action;

    // Written by the loop, read by the ticker (opaque: a plain store on the loop's side).
    @SuppressWarnings("unused")
    private long activity;

    @SuppressWarnings("unused")
    private long timeoutNanos; // 0: disarmed

    // The ticker's own.
    private long seen = -1;
    private long quietSince;

    private Watch(Executor loop, Runnable action) {
      this.loop = loop;
      this.action = action;
    }

    /** Something happened: the timeout starts again. */
    void activity() {
      ACTIVITY.setOpaque(this, (long) ACTIVITY.getOpaque(this) + 1);
    }

    /** Starts measuring {@code timeout} from now, or starts it again. */
    void arm(Duration timeout) {
      activity();
      TIMEOUT.setOpaque(this, Math.max(1, timeout.toNanos()));
    }

    /** Stops measuring until the next {@link #arm(Duration)}. */
    void disarm() {
      TIMEOUT.setOpaque(this, 0L);
    }

    /** Stops measuring for good. */
    void cancel() {
      disarm();
      watches.remove(this);
    }

    private void check(long now) {
      long a = (long) ACTIVITY.getOpaque(this);
      long timeout = (long) TIMEOUT.getOpaque(this);
      if (a != seen || timeout == 0) {
        seen = a;
        quietSince = now;
        return;
      }
      if (now - quietSince >= timeout) {
        quietSince = now; // the next action, if this one changes nothing, a timeout later
        try {
          loop.execute(() -> fire(a));
        } catch (RejectedExecutionException shutDown) {
          watches.remove(this);
        }
      }
    }

    private void fire(long quietActivity) {
      if ((long) ACTIVITY.getOpaque(this) == quietActivity
          && (long) TIMEOUT.getOpaque(this) != 0
          && watches.contains(this)) {
        action.run();
      }
    }
  }
}
