package dev.k8snet.benchmarks.policy;

import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.policy.PolicyEngine;
import java.util.Locale;

/**
 * Measures the heap a compiled engine retains and the time of a cold first compilation, for
 * Antrea's shape (one namespace, 10,000 pods, 10,000 NetworkPolicies each selecting every pod).
 *
 * <p>Run: {@code java -Xmx1g -cp benchmarks/target/benchmarks.jar
 * dev.k8snet.benchmarks.policy.PolicyMemory [pods] [policies]}
 */
public final class PolicyMemory {
  private PolicyMemory() {}

  /**
   * Prints the measurements.
   *
   * @param args optional pod and policy counts
   */
  public static void main(String[] args) {
    int pods = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int policies = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    long t0 = System.nanoTime();
    ClusterState state = PolicyClusters.oneNamespace(pods, policies);
    long t1 = System.nanoTime();
    long before = used();
    long t2 = System.nanoTime();
    PolicyEngine engine = PolicyEngine.compile(state);
    long t3 = System.nanoTime();
    long after = used();
    System.out.printf(
        Locale.ROOT,
        "pods=%d policies=%d snapshot=%.1f ms first-compile=%.1f ms engine-retained=%.1f MB"
            + " heap-with-snapshot=%.1f MB%n",
        pods,
        policies,
        (t1 - t0) / 1e6,
        (t3 - t2) / 1e6,
        (after - before) / 1048576.0,
        after / 1048576.0);
    if (engine.hashCode() == 42) { // keep the engine reachable until after the measurement
      System.out.println();
    }
  }

  private static long used() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 4; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
