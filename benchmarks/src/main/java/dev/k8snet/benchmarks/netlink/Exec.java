package dev.k8snet.benchmarks.netlink;

import java.io.IOException;
import java.util.List;

/** Runs a peer tool the way a Java program without k8snet would: one process per call. */
final class Exec {
  private Exec() {}

  static void run(List<String> cmd) {
    try {
      Process p =
          new ProcessBuilder(cmd)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      int rc = p.waitFor();
      if (rc != 0) {
        throw new IllegalStateException(cmd + " exited " + rc);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + cmd, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
