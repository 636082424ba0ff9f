package dev.k8snet.core.internal.nftables;

import dev.k8snet.core.K8snetException;
import dev.k8snet.core.netns.NetworkNamespace;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One platform thread that enters a namespace once and then runs tasks inside it until closed. It
 * is never returned to a pool, so the namespace cannot leak; tasks must not start threads.
 */
public final class NamespaceThread implements AutoCloseable {
  private static final AtomicLong IDS = new AtomicLong();

  private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
  private final Runnable stop = this::noop;
  private final Thread thread;
  private volatile boolean closed;

  private NamespaceThread(Thread thread) {
    this.thread = thread;
  }

  /**
   * Starts the thread and waits until it has entered {@code ns}.
   *
   * @throws K8snetException when it cannot enter the namespace
   */
  public static NamespaceThread start(NetworkNamespace ns, String purpose) {
    CompletableFuture<Void> entered = new CompletableFuture<>();
    NamespaceThread[] self = new NamespaceThread[1];
    Thread t =
        new Thread(
            () -> {
              try {
                ns.enterOnThisThread();
              } catch (RuntimeException e) {
                entered.completeExceptionally(e);
                return;
              }
              entered.complete(null);
              self[0].loop();
            },
            "k8snet-" + purpose + "-" + IDS.incrementAndGet());
    t.setDaemon(true);
    self[0] = new NamespaceThread(t);
    t.start();
    await(entered);
    return self[0];
  }

  private void loop() {
    while (true) {
      Runnable r;
      try {
        r = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      if (r == stop) {
        return;
      }
      r.run();
    }
  }

  /** Runs {@code task} on the thread and waits for its result. */
  public <T> T call(Callable<T> task) {
    if (closed) {
      throw new IllegalStateException("namespace thread closed");
    }
    if (Thread.currentThread() == thread) {
      try {
        return task.call();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new K8snetException(e.toString(), null, e);
      }
    }
    CompletableFuture<T> f = new CompletableFuture<>();
    queue.add(
        () -> {
          try {
            f.complete(task.call());
          } catch (Throwable e) { // handed to the caller
            f.completeExceptionally(e);
          }
        });
    return await(f);
  }

  private static <T> T await(CompletableFuture<T> f) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return f.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          Throwable c = e.getCause();
          if (c instanceof RuntimeException re) {
            throw re;
          }
          if (c instanceof Error err) {
            throw err;
          }
          throw new K8snetException(c.toString(), null, c);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void noop() {}

  /** Stops the thread after the queued tasks; idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      queue.add(stop);
    }
  }
}
