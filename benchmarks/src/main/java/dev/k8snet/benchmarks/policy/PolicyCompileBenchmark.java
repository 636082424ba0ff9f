package dev.k8snet.benchmarks.policy;

import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.policy.PolicyEngine;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Compiling a snapshot: Antrea's controller benchmark shape, one namespace with 10,000 pods and
 * 10,000 NetworkPolicies each selecting every pod. Run with {@code -prof gc} for the bytes
 * allocated per compilation; {@link PolicyMemory} measures what the compiled engine retains.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class PolicyCompileBenchmark {
  @Param({"10000"})
  int pods;

  @Param({"10000"})
  int policies;

  ClusterState state;

  @Setup
  public void setUp() {
    state = PolicyClusters.oneNamespace(pods, policies);
  }

  @Benchmark
  public PolicyEngine compile() {
    return PolicyEngine.compile(state);
  }
}
