package dev.k8snet.benchmarks.policy;

import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.cluster.ClusterUpdate;
import dev.k8snet.core.model.KubernetesObject;
import dev.k8snet.core.model.ObjectMeta;
import dev.k8snet.core.model.Pod;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.core.nftables.Nftables;
import dev.k8snet.policy.enforce.EnforcementResult;
import dev.k8snet.policy.enforce.PolicyEnforcer;
import dev.k8snet.policy.enforce.PolicyRuleset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * NetworkPolicy enforcement in nftables: (1) the rule count of the rendered table against the
 * number of pods and of policies (pure); (2) one pod's label change at 10,000 pods, all on this
 * node, applied to a real table in a fresh network namespace: the nftables transaction timed alone,
 * and the whole sync (render of the new snapshot, diff against the mirror, transaction).
 *
 * <p>Run as root: {@code java -cp benchmarks.jar
 * dev.k8snet.benchmarks.policy.PolicyEnforcementBench [ROUNDS [CURVE.dat]]}; ROUNDS 0 skips the
 * kernel part.
 */
public final class PolicyEnforcementBench {
  private PolicyEnforcementBench() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    ruleCounts();
    if (args.length > 1) {
      curve(Path.of(args[1]));
    }
    if (rounds > 0) {
      labelChange(rounds);
    }
  }

  /**
   * The curve for the plot: per policy count, the rules at 1,000 and at 10,000 pods, and pods x
   * policies at 10,000 pods (what one rule per pod and policy would need).
   */
  private static void curve(Path dat) {
    StringBuilder b =
        new StringBuilder("# policies rules@1000pods rules@10000pods pods*policies@10000pods\n");
    for (int policies : new int[] {100, 250, 500, 1000, 2000, 3000, 5000}) {
      int small =
          PolicyRuleset.render(PolicyClusters.tenants(100, 1000, policies, 1, 1), "node-0")
              .ruleCount();
      int large =
          PolicyRuleset.render(PolicyClusters.tenants(100, 10_000, policies, 1, 1), "node-0")
              .ruleCount();
      b.append(policies).append(' ').append(small).append(' ').append(large).append(' ');
      b.append(10_000L * policies).append('\n');
    }
    try {
      Files.writeString(dat, b.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    System.out.println("wrote " + dat);
  }

  private static void ruleCounts() {
    System.out.println(
        "## rule count vs pods and policies (tenants: 100 namespaces, pods on 1 node)");
    System.out.println("| pods | policies | rules | chains | sets | elements | pods x policies |");
    System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
    for (int policies : new int[] {100, 1000, 5000}) {
      for (int pods : new int[] {1000, 10_000}) {
        ClusterState state = PolicyClusters.tenants(100, pods, policies, 1, 1);
        PolicyRuleset r = PolicyRuleset.render(state, "node-0");
        System.out.printf(
            Locale.ROOT,
            "| %,d | %,d | %,d | %,d | %,d | %,d | %,d |%n",
            pods,
            policies,
            r.ruleCount(),
            r.chainCount(),
            r.setCount(),
            r.elementCount(),
            (long) pods * policies);
      }
    }
    System.out.println();
    System.out.println("## Antrea shape: one namespace, every policy selects every pod (1 node)");
    System.out.println("| pods | policies | rules | chains | sets | elements |");
    System.out.println("|---:|---:|---:|---:|---:|---:|");
    for (int[] c : new int[][] {{1000, 1000}, {10_000, 1000}, {10_000, 10_000}}) {
      ClusterState state = onOneNode(PolicyClusters.oneNamespace(c[0], c[1]));
      PolicyRuleset r = PolicyRuleset.render(state, "node-0");
      System.out.printf(
          Locale.ROOT,
          "| %,d | %,d | %,d | %,d | %,d | %,d |%n",
          c[0],
          c[1],
          r.ruleCount(),
          r.chainCount(),
          r.setCount(),
          r.elementCount());
    }
    System.out.println();
  }

  private static ClusterState onOneNode(ClusterState state) {
    List<KubernetesObject> objects = new ArrayList<>();
    for (KubernetesObject o : state.objects()) {
      if (o instanceof Pod p) {
        objects.add(
            new Pod(
                p.metadata(),
                java.util.Optional.of("node-0"),
                p.hostNetwork(),
                p.hostname(),
                p.subdomain(),
                p.podIps(),
                p.phase(),
                p.ready(),
                p.containerPorts(),
                p.deletionTimestamp()));
      } else {
        objects.add(o);
      }
    }
    return ClusterState.of(1, objects);
  }

  private static void labelChange(int rounds) {
    ClusterState before = PolicyClusters.tenants(100, 10_000, 1000, 1, 1);
    Pod pod = before.pods("tenant-0").get(1);
    Map<String, String> labels = new HashMap<>(pod.metadata().labels());
    labels.put("app", "app-7");
    Pod moved =
        new Pod(
            ObjectMeta.of(pod.metadata().namespace(), pod.metadata().name(), labels),
            pod.nodeName(),
            pod.hostNetwork(),
            pod.hostname(),
            pod.subdomain(),
            pod.podIps(),
            pod.phase(),
            pod.ready(),
            pod.containerPorts(),
            pod.deletionTimestamp());
    List<KubernetesObject> objects = new ArrayList<>(before.objects());
    objects.replaceAll(o -> o.ref().equals(pod.ref()) ? moved : o);
    ClusterState after = ClusterState.of(2, objects);
    PolicyRuleset r0 = PolicyRuleset.render(before, "node-0");
    NetworkNamespace ns =
        NetworkNamespace.create("k8snet-bench-polsync-" + ProcessHandle.current().pid());
    try (Nftables nft = Nftables.open(ns);
        PolicyEnforcer enforcer = PolicyEnforcer.create(nft)) {
      EnforcementResult full = enforcer.sync(r0);
      System.out.printf(
          Locale.ROOT,
          "## one pod's label change at 10,000 pods (1,000 policies, all pods on this node)%n"
              + "initial full sync: %,d rules, %,d elements, transaction %.1f ms%n",
          full.rules(),
          full.elements(),
          full.transaction().toNanos() / 1e6);
      double[] tx = new double[rounds];
      double[] sync = new double[rounds];
      double[] update = new double[rounds];
      double[] updateCpu = new double[rounds];
      double[] syncCpu = new double[rounds];
      java.lang.management.ThreadMXBean threads =
          java.lang.management.ManagementFactory.getThreadMXBean();
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean)
              java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      EnforcementResult last = null;
      PolicyRuleset current = r0;
      // As a ClusterSource delivers them: the snapshots with their change lists.
      ClusterUpdate forward = ClusterUpdate.between(before, after);
      ClusterUpdate back = ClusterUpdate.between(after, before);
      for (int i = 0; i < rounds; i++) {
        long t0 = System.nanoTime();
        long c0 = threads.getCurrentThreadCpuTime();
        current = current.update(i % 2 == 0 ? forward : back);
        updateCpu[i] = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
        update[i] = (System.nanoTime() - t0) / 1e6;
        long p0 = os.getProcessCpuTime();
        EnforcementResult r = enforcer.sync(current);
        syncCpu[i] = (os.getProcessCpuTime() - p0) / 1e6;
        tx[i] = r.transaction().toNanos() / 1e6;
        sync[i] = r.duration().toNanos() / 1e6;
        last = r;
        if (!r.elementsOnly()) {
          throw new AssertionError("not an elements-only change: " + r);
        }
      }
      double[] render = new double[Math.max(1, rounds / 5)];
      for (int i = 0; i < render.length; i++) {
        long t0 = System.nanoTime();
        PolicyRuleset.render(i % 2 == 0 ? after : before, "node-0");
        render[i] = (System.nanoTime() - t0) / 1e6;
      }
      System.out.println("last round: " + last);
      System.out.println("| measure (" + rounds + " rounds) | median | p90 | max |");
      System.out.println("|---|---:|---:|---:|");
      print("nft transaction (elements only), wall clock", tx);
      print("PolicyRuleset.update (the change list given)", update);
      print("PolicyEnforcer.sync: diff + transaction", sync);
      print("update, CPU time of the thread", updateCpu);
      print("sync, CPU time of the whole process (diff, libnftables, kernel)", syncCpu);
      System.out.println();
      System.out.println(
          "| render of the 10,000-pod snapshot ("
              + render.length
              + " rounds) | median | p90 | max |");
      System.out.println("|---|---:|---:|---:|");
      print("PolicyRuleset.render", render);
    } finally {
      ns.delete();
    }
  }

  private static void print(String what, double[] ms) {
    double[] s = ms.clone();
    Arrays.sort(s);
    System.out.printf(
        Locale.ROOT,
        "| %s | %.2f ms | %.2f ms | %.2f ms |%n",
        what,
        s[s.length / 2],
        s[(int) (s.length * 0.9)],
        s[s.length - 1]);
  }
}
