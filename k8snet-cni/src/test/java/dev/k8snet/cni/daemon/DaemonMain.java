package dev.k8snet.cni.daemon;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** Runs a {@link CniDaemon} with in-memory IPAM on {@code args[0]} until killed (for tests). */
public final class DaemonMain {
  private DaemonMain() {}

  public static void main(String[] args) throws Exception {
    try (CniDaemon d = new CniDaemon(Path.of(args[0]))) {
      d.start();
      System.out.println("ready");
      System.out.flush();
      new CountDownLatch(1).await();
    }
  }
}
