package dev.k8snet.benchmarks.policy;

import dev.k8snet.core.Protocol;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.Pod;
import dev.k8snet.policy.Connection;
import dev.k8snet.policy.Endpoint;
import dev.k8snet.policy.PolicyEngine;
import dev.k8snet.policy.Verdict;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Verdicts per second on one thread: 10,000 pods in 100 namespaces with 1,000 NetworkPolicies,
 * random pod-to-pod connections (pods by name and by IP) on ports 80, 8080 and 9050.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PolicyCheckBenchmark {
  @Param({"10000"})
  int pods;

  @Param({"1000"})
  int policies;

  /** {@code compiled} or {@code reference} (the direct evaluator, for the ratio). */
  @Param({"compiled", "reference"})
  String kind;

  PolicyEngine engine;
  Connection[] connections;
  int next;

  @Setup
  public void setUp() {
    ClusterState state = PolicyClusters.tenants(100, pods, policies, 42);
    engine = kind.equals("reference") ? PolicyEngine.reference(state) : PolicyEngine.compile(state);
    List<Pod> all = state.pods();
    Random r = new Random(7);
    connections = new Connection[1 << 14];
    int[] ports = {80, 8080, 9050};
    for (int i = 0; i < connections.length; i++) {
      Pod a = all.get(r.nextInt(all.size()));
      Pod b = all.get(r.nextInt(all.size()));
      Endpoint from =
          i % 2 == 0
              ? Endpoint.pod(a.metadata().namespace(), a.metadata().name())
              : Endpoint.ip(a.podIps().get(0));
      Endpoint to = Endpoint.pod(b.metadata().namespace(), b.metadata().name());
      connections[i] = new Connection(from, to, Protocol.TCP, ports[r.nextInt(3)]);
    }
  }

  @Benchmark
  public Verdict check() {
    Connection c = connections[next++ & (connections.length - 1)];
    return engine.check(c);
  }
}
