package dev.k8snet.benchmarks.policy;

import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.cluster.ClusterUpdate;
import dev.k8snet.core.model.ObjectMeta;
import dev.k8snet.core.model.Pod;
import dev.k8snet.policy.PolicyEngine;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Incremental update versus full compilation after one pod's label change, on the cluster of {@link
 * PolicyCheckBenchmark} (10,000 pods, 1,000 NetworkPolicies).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PolicyUpdateBenchmark {
  ClusterState before;
  ClusterState after;
  PolicyEngine engine;
  ClusterUpdate update;

  @Setup
  public void setUp() {
    before = PolicyClusters.tenants(100, 10_000, 1_000, 42);
    Pod p = before.get(Pod.class, "tenant-7", "pod-3").orElseThrow();
    Map<String, String> labels = new HashMap<>(p.metadata().labels());
    labels.put("app", "app-9");
    ObjectMeta m = p.metadata();
    Pod relabelled =
        new Pod(
            new ObjectMeta(
                m.namespace(),
                m.name(),
                labels,
                m.annotations(),
                m.uid(),
                m.resourceVersion(),
                m.creationTimestamp()),
            p.nodeName(),
            p.hostNetwork(),
            p.hostname(),
            p.subdomain(),
            p.podIps(),
            p.phase(),
            p.ready(),
            p.containerPorts(),
            p.deletionTimestamp());
    after = before.with(2, List.of(relabelled), List.of());
    engine = PolicyEngine.compile(before);
    update = ClusterUpdate.between(before, after);
  }

  @Benchmark
  public PolicyEngine updateOnePodLabel() {
    return engine.update(after);
  }

  @Benchmark
  public PolicyEngine updateOnePodLabelWithChanges() {
    return engine.update(update);
  }

  @Benchmark
  public PolicyEngine compileFromScratch() {
    return PolicyEngine.compile(after);
  }
}
