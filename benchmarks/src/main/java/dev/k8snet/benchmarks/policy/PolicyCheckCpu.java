package dev.k8snet.benchmarks.policy;

import dev.k8snet.core.Protocol;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.Pod;
import dev.k8snet.policy.Connection;
import dev.k8snet.policy.Endpoint;
import dev.k8snet.policy.PolicyEngine;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Check throughput per CPU-second of the measuring thread, so that the figure means "on one core"
 * even on a machine shared with other work (JMH's {@link PolicyCheckBenchmark} reports wall-clock
 * throughput). Same cluster and connections as {@link PolicyCheckBenchmark}.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.k8snet.benchmarks.policy.PolicyCheckCpu}
 */
public final class PolicyCheckCpu {
  private PolicyCheckCpu() {}

  /**
   * Prints checks per CPU-second and per wall-second for five rounds.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    ClusterState state = PolicyClusters.tenants(100, 10_000, 1_000, 42);
    PolicyEngine engine = PolicyEngine.compile(state);
    List<Pod> all = state.pods();
    Random r = new Random(7);
    Connection[] connections = new Connection[1 << 14];
    int[] ports = {80, 8080, 9050};
    for (int i = 0; i < connections.length; i++) {
      Pod a = all.get(r.nextInt(all.size()));
      Pod b = all.get(r.nextInt(all.size()));
      Endpoint from =
          i % 2 == 0
              ? Endpoint.pod(a.metadata().namespace(), a.metadata().name())
              : Endpoint.ip(a.podIps().get(0));
      connections[i] =
          new Connection(
              from,
              Endpoint.pod(b.metadata().namespace(), b.metadata().name()),
              Protocol.TCP,
              ports[r.nextInt(3)]);
    }
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long allowed = 0;
    for (int round = 0; round < 8; round++) {
      int n = 5_000_000;
      long cpu0 = mx.getCurrentThreadCpuTime();
      long wall0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        allowed += engine.check(connections[i & (connections.length - 1)]).allowed() ? 1 : 0;
      }
      long cpu = mx.getCurrentThreadCpuTime() - cpu0;
      long wall = System.nanoTime() - wall0;
      System.out.printf(
          Locale.ROOT,
          "round %d: %,.0f checks/CPU-s, %,.0f checks/wall-s%n",
          round,
          n / (cpu / 1e9),
          n / (wall / 1e9));
    }
    System.out.println("allowed: " + allowed);
  }
}
