package dev.k8snet.samples;

import java.util.concurrent.CountDownLatch;

/** How a long-running command waits: until the process is asked to stop, or it is interrupted. */
final class UntilStopped {
  private UntilStopped() {}

  /**
   * Blocks until SIGTERM or SIGINT starts the JVM's shutdown, or the calling thread is interrupted
   * (when the command is embedded); the caller then closes what it runs.
   *
   * @param name the shutdown hook thread's name, e.g. {@code k8snet-dns-stop}
   * @throws InterruptedException when interrupted
   */
  static void await(String name) throws InterruptedException {
    CountDownLatch stop = new CountDownLatch(1);
    Thread hook = new Thread(stop::countDown, name);
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stop.await();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down: the hook has run
      }
    }
  }
}
