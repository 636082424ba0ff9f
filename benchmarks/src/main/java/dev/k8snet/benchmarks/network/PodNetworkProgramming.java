package dev.k8snet.benchmarks.network;

import dev.k8snet.cni.network.NetConf;
import dev.k8snet.cni.network.NetworkStatus;
import dev.k8snet.cni.network.RouteManager;
import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.Node;
import dev.k8snet.core.model.NodeAddress;
import dev.k8snet.core.model.ObjectMeta;
import dev.k8snet.core.netlink.Address;
import dev.k8snet.core.netlink.InterfaceAddress;
import dev.k8snet.core.netlink.LinkKind;
import dev.k8snet.core.netlink.LinkSpec;
import dev.k8snet.core.netlink.Netlink;
import dev.k8snet.core.netns.NetworkNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Programming remote nodes, ours vs one {@code ip -batch} run (plus one {@code bridge -batch} for
 * the FDB, as the reference measurement in pod-network.md §3.5), in the same run, in throw-away
 * namespaces: N peers from cold, one new node on top of N, and a resync where nothing changed
 * (writes counted). Needs root, {@code ip} and {@code bridge}.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.k8snet.benchmarks.network.PodNetworkProgramming [N] [repetitions]}
 */
public final class PodNetworkProgramming {
  private PodNetworkProgramming() {}

  private static final Cidr NETWORK = Cidr.parse("10.0.0.0/8");
  private static final int STEADY = 40;
  private static final java.lang.management.ThreadMXBean CPU =
      java.lang.management.ManagementFactory.getThreadMXBean();

  /**
   * Runs the benchmark.
   *
   * @param args [peers] [repetitions]
   */
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    System.out.printf(Locale.ROOT, "peers: %d, repetitions: %d%n%n", n, reps);
    System.out.println(
        "| Backend | Operation | k8snet p50 (ms) | netlink writes | `ip -batch` p50 (ms) | ratio |");
    System.out.println("|---|---|---|---|---|---|");
    for (boolean vxlan : new boolean[] {true, false}) {
      run(vxlan, n, reps);
    }
  }

  static IpAddress underlay(int i) {
    return IpAddress.ofIpv4(0xac100000 + 10 + i); // 172.16.0.10 + i
  }

  static Cidr podCidr(int i) {
    return Cidr.containing(IpAddress.ofIpv4(0x0a000000 + (i << 8)), 24);
  }

  static Node node(int i) {
    return new Node(
        new ObjectMeta("", "node-" + i, Map.of(), Map.of(), "", "", Optional.empty()),
        List.of(new NodeAddress(NodeAddress.Type.INTERNAL_IP, underlay(i).toString())),
        List.of(podCidr(i)),
        false);
  }

  static ClusterState cluster(int n) {
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i <= n; i++) {
      nodes.add(node(i));
    }
    return ClusterState.of(n, nodes);
  }

  private static NetworkNamespace namespace() {
    NetworkNamespace ns =
        NetworkNamespace.create("k8snet-podnet-bench-" + Long.toHexString(System.nanoTime()));
    try (Netlink nl = ns.netlink()) {
      nl.setUp(nl.link("lo").orElseThrow());
      nl.addLink(LinkSpec.builder("eth0", LinkKind.veth("eth0p")).up(true).build());
      nl.setUp(nl.link("eth0p").orElseThrow());
      nl.addAddress(
          Address.of(nl.link("eth0").orElseThrow(), new InterfaceAddress(underlay(0), 12)));
    }
    return ns;
  }

  private static void run(boolean vxlan, int n, int reps) throws Exception {
    NetConf conf = NetConf.of(NETWORK, vxlan ? NetConf.Backend.vxlan(1) : NetConf.Backend.hostGw());
    String backend = vxlan ? "VXLAN" : "host-gw";
    ClusterState state = cluster(n);
    // as an informer does: the unchanged Node objects are the same instances in the next snapshot
    List<Node> more = new ArrayList<>(state.nodes());
    more.add(node(n + 1));
    ClusterState plusOne = ClusterState.of(n + 1, more);
    double[] cold = new double[reps];
    double[] one = new double[reps];
    double[] oneCpu = new double[reps];
    double[] coldCpu = new double[reps];
    double[] noop = new double[reps];
    double[] full = new double[reps];
    double[] ipBatch = new double[reps];
    long coldWrites = 0;
    long oneWrites = 0;
    long noopWrites = 0;
    long fullWrites = 0;
    for (int r = -1; r < reps; r++) {
      NetworkNamespace ns = namespace();
      try (Netlink nl = ns.netlink();
          RouteManager m = RouteManager.builder(nl, conf, "node-0").build()) {
        long t0 = System.nanoTime();
        long c0 = CPU.getCurrentThreadCpuTime();
        NetworkStatus s = m.sync(state);
        long t1 = System.nanoTime();
        double cpu = (CPU.getCurrentThreadCpuTime() - c0) / 1e6;
        check(s, n);
        if (r >= 0) {
          cold[r] = (t1 - t0) / 1e6;
          coldCpu[r] = cpu;
          coldWrites = s.lastWrites();
        }
        // one node added, then removed again, many times: the steady state of a running agent
        double[] adds = new double[STEADY];
        double[] addsCpu = new double[STEADY];
        double[] noops = new double[STEADY];
        for (int i = 0; i < STEADY; i++) {
          long a = System.nanoTime();
          long ac = CPU.getCurrentThreadCpuTime();
          NetworkStatus s1 = m.sync(plusOne);
          long b = System.nanoTime();
          addsCpu[i] = (CPU.getCurrentThreadCpuTime() - ac) / 1e6;
          NetworkStatus s2 = m.sync(plusOne);
          long c = System.nanoTime();
          m.sync(state);
          adds[i] = (b - a) / 1e6;
          noops[i] = (c - b) / 1e6;
          oneWrites = s1.lastWrites();
          noopWrites = s2.lastWrites();
        }
        long t3 = System.nanoTime();
        NetworkStatus s3 = m.reconcile(state);
        long t4 = System.nanoTime();
        if (r >= 0) {
          one[r] = median(adds);
          oneCpu[r] = median(addsCpu);
          noop[r] = median(noops);
          full[r] = (t4 - t3) / 1e6;
          fullWrites = s3.lastWrites();
        }
      } finally {
        ns.delete();
      }
      NetworkNamespace ref = namespace();
      try {
        double t = ipBatch(ref, vxlan, n);
        if (r >= 0) {
          ipBatch[r] = t;
        }
      } finally {
        ref.delete();
      }
    }
    double c = median(cold);
    double ib = median(ipBatch);
    row(backend, n + " peers from cold", c, coldWrites, ib);
    row(
        backend,
        n + " peers from cold, CPU time of the syncing thread",
        median(coldCpu),
        coldWrites,
        Double.NaN);
    row(backend, "one new node on top of " + n, median(one), oneWrites, Double.NaN);
    row(
        backend,
        "one new node on top of " + n + ", CPU time of the syncing thread",
        median(oneCpu),
        oneWrites,
        Double.NaN);
    row(backend, "resync, nothing changed (in-memory diff)", median(noop), noopWrites, Double.NaN);
    row(
        backend,
        "reconcile, nothing changed (kernel dump + diff)",
        median(full),
        fullWrites,
        Double.NaN);
  }

  private static void check(NetworkStatus s, int n) {
    long programmed = s.peers().stream().filter(p -> p.programmed()).count();
    if (programmed != n || !s.problems().isEmpty()) {
      throw new IllegalStateException(
          "programmed " + programmed + " of " + n + ": " + s.problems());
    }
  }

  private static void row(String backend, String op, double ours, long writes, double ref) {
    System.out.printf(
        Locale.ROOT,
        "| %s | %s | %.3f | %d | %s | %s |%n",
        backend,
        op,
        ours,
        writes,
        Double.isNaN(ref) ? "–" : String.format(Locale.ROOT, "%.1f", ref),
        Double.isNaN(ref) ? "–" : String.format(Locale.ROOT, "%.2f×", ours / ref));
  }

  /** The same objects with the reference tools: device by hand, then one batch per tool. */
  private static double ipBatch(NetworkNamespace ns, boolean vxlan, int n)
      throws IOException, InterruptedException {
    String name = ns.name().orElseThrow();
    Path ipFile = Files.createTempFile("k8snet-podnet-ip", ".batch");
    Path brFile = Files.createTempFile("k8snet-podnet-br", ".batch");
    try {
      StringBuilder ip = new StringBuilder();
      StringBuilder br = new StringBuilder();
      if (vxlan) {
        exec(
            "ip",
            "-n",
            name,
            "link",
            "add",
            "flannel.1",
            "type",
            "vxlan",
            "id",
            "1",
            "local",
            underlay(0).toString(),
            "dev",
            "eth0",
            "dstport",
            "8472",
            "nolearning");
        exec("ip", "-n", name, "addr", "add", podCidr(0).first() + "/32", "dev", "flannel.1");
        exec("ip", "-n", name, "link", "set", "flannel.1", "up");
      }
      for (int i = 1; i <= n; i++) {
        Cidr c = podCidr(i);
        if (vxlan) {
          String mac =
              String.format(Locale.ROOT, "0e:6b:%02x:%02x:%02x:00", 10, (i >> 8) & 0xff, i & 0xff);
          br.append("fdb replace ")
              .append(mac)
              .append(" dev flannel.1 dst ")
              .append(underlay(i))
              .append(" self permanent\n");
          ip.append("neigh replace ")
              .append(c.first())
              .append(" lladdr ")
              .append(mac)
              .append(" dev flannel.1 nud permanent\n");
          ip.append("route replace ")
              .append(c)
              .append(" via ")
              .append(c.first())
              .append(" dev flannel.1 onlink\n");
        } else {
          ip.append("route replace ")
              .append(c)
              .append(" via ")
              .append(underlay(i))
              .append(" dev eth0\n");
        }
      }
      Files.writeString(ipFile, ip.toString(), StandardCharsets.UTF_8);
      Files.writeString(brFile, br.toString(), StandardCharsets.UTF_8);
      long t0 = System.nanoTime();
      if (vxlan) {
        exec("bridge", "-n", name, "-batch", brFile.toString());
      }
      exec("ip", "-n", name, "-batch", ipFile.toString());
      return (System.nanoTime() - t0) / 1e6;
    } finally {
      Files.deleteIfExists(ipFile);
      Files.deleteIfExists(brFile);
    }
  }

  static String exec(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(
          Arrays.toString(cmd) + ": " + new String(out, StandardCharsets.UTF_8));
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  static double median(double[] xs) {
    double[] c = xs.clone();
    Arrays.sort(c);
    return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
  }
}
