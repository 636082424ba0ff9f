package dev.k8snet.benchmarks.cni;

import dev.k8snet.cni.CniPlugin;
import dev.k8snet.cni.CniPluginRunner;
import dev.k8snet.cni.plugins.BridgePlugin;
import dev.k8snet.cni.plugins.IpamPlugin;
import dev.k8snet.core.netns.NetworkNamespace;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Side-by-side macro benchmark of the CNI plugins, ours and the reference ones from /usr/lib/cni in
 * the same run: (1) IPAM ADD+DEL with 0, 1 000 and 5 000 addresses already allocated, k8snet-ipam
 * in-process (what the node daemon runs) vs host-local executed per call; (2) bridge + IPAM ADD+DEL
 * of one pod in a throw-away namespace, k8snet-bridge in-process vs the reference bridge +
 * host-local executed per call. Prints a Markdown table. Needs root.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar:…
 * dev.k8snet.benchmarks.cni.CniMacroBenchmark}
 */
public final class CniMacroBenchmark {
  private CniMacroBenchmark() {}

  private static final PrintStream NULL = new PrintStream(OutputStream.nullOutputStream());

  /**
   * Runs the benchmark.
   *
   * @param args [iterations]
   */
  public static void main(String[] args) throws Exception {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 25;
    System.out.println(
        "| Operation | k8snet p50 / p90 (ms) | reference p50 / p90 (ms) | ratio (p50) |");
    System.out.println("|---|---|---|---|");
    for (int mode = 0; mode < 3; mode++) {
      for (int prefill : new int[] {0, 1000, 5000}) {
        ipam(prefill, iterations, mode);
      }
    }
    bridge(iterations);
    daemon(iterations, true);
    daemon(iterations, false);
    standalone(Math.max(5, iterations / 2));
  }

  /** Our plugin through the node daemon and the thin C client (compiled here with gcc). */
  private static void daemon(int iterations, boolean fsync) throws Exception {
    NetworkNamespace host = NetworkNamespace.create("k8snet-bench-host");
    Path work = Files.createTempDirectory("k8snet-bench-daemon");
    Path ref = Files.createTempDirectory("k8snet-bench-dhl");
    try {
      Path src = work.resolve("client.c");
      try (var in =
          dev.k8snet.cni.daemon.CniDaemon.class.getResourceAsStream("k8snet-cni-client.c")) {
        Files.write(src, in.readAllBytes());
      }
      Path client = work.resolve("k8snet-bridge");
      Process gcc =
          new ProcessBuilder(
                  "gcc",
                  "-O2",
                  "-DPLUGIN=\"k8snet-bridge\"",
                  "-DFALLBACK=\"/bin/false\"",
                  "-o",
                  client.toString(),
                  src.toString())
              .inheritIO()
              .start();
      if (gcc.waitFor() != 0) {
        throw new IllegalStateException("gcc failed");
      }
      Path sock = work.resolve("run/cni.sock");
      dev.k8snet.cni.ipam.IpamState state = dev.k8snet.cni.ipam.IpamState.inMemory(fsync);
      try (dev.k8snet.cni.daemon.CniDaemon d =
          new dev.k8snet.cni.daemon.CniDaemon(
              sock,
              n ->
                  n.equals("k8snet-bridge")
                      ? new BridgePlugin(host, state)
                      : dev.k8snet.cni.plugins.PluginMain.plugins(state).apply(n))) {
        d.start();
        String cfgOurs = bridgeConf("kb2", "10.65.0.0/24", "k8snet-ipam", work);
        String cfgRef = bridgeConf("rb2", "10.66.0.0/24", "host-local", ref);
        List<String> refExe = List.of("nsenter", "--net=" + host.path(), "/usr/lib/cni/bridge");
        double[] o = new double[iterations];
        double[] r = new double[iterations];
        for (int i = -3; i < iterations; i++) {
          NetworkNamespace pod = NetworkNamespace.create("k8snet-bench-pod");
          try {
            String p = pod.path().toString();
            Map<String, String> add = env("ADD", "d" + i, p);
            add.put("K8SNET_CNI_SOCKET", sock.toString());
            Map<String, String> del = env("DEL", "d" + i, p);
            del.put("K8SNET_CNI_SOCKET", sock.toString());
            long t0 = System.nanoTime();
            exec(List.of(client.toString()), add, cfgOurs);
            exec(List.of(client.toString()), del, cfgOurs);
            long t1 = System.nanoTime();
            exec(refExe, env("ADD", "e" + i, p), cfgRef);
            exec(refExe, env("DEL", "e" + i, p), cfgRef);
            long t2 = System.nanoTime();
            if (i >= 0) {
              o[i] = (t1 - t0) / 1e6;
              r[i] = (t2 - t1) / 1e6;
            }
          } finally {
            pod.delete();
          }
        }
        row(
            "bridge + IPAM ADD+DEL of one pod through the daemon (thin C client, IPAM "
                + (fsync ? "fsync'd" : "without fsync")
                + ") vs bridge + host-local exec",
            o,
            r);
      }
    } finally {
      host.delete();
      deleteTree(work);
      deleteTree(ref);
    }
  }

  /** Our plugin as an executable: one JVM per call, as a runtime without the daemon runs it. */
  private static void standalone(int iterations) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("java.class.path");
    NetworkNamespace host = NetworkNamespace.create("k8snet-bench-host");
    Path ours = Files.createTempDirectory("k8snet-bench-sa");
    Path ref = Files.createTempDirectory("k8snet-bench-sahl");
    try {
      List<String> exe =
          List.of(
              "nsenter",
              "--net=" + host.path(),
              java,
              "-XX:TieredStopAtLevel=1",
              "-XX:+UseSerialGC",
              "-Xshare:auto",
              "-cp",
              cp,
              "dev.k8snet.cni.plugins.PluginMain",
              "k8snet-bridge");
      List<String> refExe = List.of("nsenter", "--net=" + host.path(), "/usr/lib/cni/bridge");
      String cfgOurs = bridgeConf("kb1", "10.63.0.0/24", "k8snet-ipam", ours);
      String cfgRef = bridgeConf("rb1", "10.64.0.0/24", "host-local", ref);
      double[] o = new double[iterations];
      double[] r = new double[iterations];
      for (int i = -1; i < iterations; i++) {
        NetworkNamespace pod = NetworkNamespace.create("k8snet-bench-pod");
        try {
          String p = pod.path().toString();
          long t0 = System.nanoTime();
          exec(exe, env("ADD", "s" + i, p), cfgOurs);
          exec(exe, env("DEL", "s" + i, p), cfgOurs);
          long t1 = System.nanoTime();
          exec(refExe, env("ADD", "q" + i, p), cfgRef);
          exec(refExe, env("DEL", "q" + i, p), cfgRef);
          long t2 = System.nanoTime();
          if (i >= 0) {
            o[i] = (t1 - t0) / 1e6;
            r[i] = (t2 - t1) / 1e6;
          }
        } finally {
          pod.delete();
        }
      }
      row(
          "bridge + IPAM ADD+DEL of one pod, standalone (k8snet-bridge JVM per call vs bridge + host-local exec)",
          o,
          r);
    } finally {
      host.delete();
      deleteTree(ours);
      deleteTree(ref);
    }
  }

  private static void ipam(int prefill, int iterations, int mode) throws IOException {
    Path ours = Files.createTempDirectory("k8snet-bench-ipam");
    Path ref = Files.createTempDirectory("k8snet-bench-hl");
    try {
      for (Path d : List.of(ours, ref)) {
        Path net = Files.createDirectories(d.resolve("bench"));
        for (int i = 0; i < prefill; i++) {
          int ip = (10 << 24) | (50 << 16) | (i + 2);
          String name =
              (ip >>> 24) + "." + ((ip >>> 16) & 255) + "." + ((ip >>> 8) & 255) + "." + (ip & 255);
          Files.writeString(net.resolve(name), "pre-" + i + "\r\neth0", StandardCharsets.UTF_8);
        }
        Files.writeString(
            net.resolve("last_reserved_ip.0"),
            "10.50." + ((prefill + 1) >>> 8) + "." + ((prefill + 1) & 255));
      }
      String cfgOurs = ipamConf(ours);
      String cfgRef = ipamConf(ref);
      IpamPlugin plugin =
          mode == 0
              ? new IpamPlugin()
              : new IpamPlugin(dev.k8snet.cni.ipam.IpamState.inMemory(mode == 1));
      // warm-up (JIT, index build)
      for (int i = 0; i < 50; i++) {
        inProcess(plugin, env("ADD", "w" + i, "/run/netns/x"), cfgOurs);
        inProcess(plugin, env("DEL", "w" + i, "/run/netns/x"), cfgOurs);
      }
      double[] o = new double[iterations];
      double[] r = new double[iterations];
      for (int i = 0; i < iterations; i++) {
        long t0 = System.nanoTime();
        inProcess(plugin, env("ADD", "c" + i, "/run/netns/x"), cfgOurs);
        long t1 = System.nanoTime();
        o[i] = (t1 - t0) / 1e6;
        inProcess(plugin, env("DEL", "c" + i, "/run/netns/x"), cfgOurs);
        long t2 = System.nanoTime();
        exec(List.of("/usr/lib/cni/host-local"), env("ADD", "c" + i, "/run/netns/x"), cfgRef);
        long t3 = System.nanoTime();
        r[i] = (t3 - t2) / 1e6;
        exec(List.of("/usr/lib/cni/host-local"), env("DEL", "c" + i, "/run/netns/x"), cfgRef);
      }
      row(
          "IPAM ADD, "
              + prefill
              + " addresses allocated ("
              + (mode == 0
                  ? "k8snet-ipam in-process, files only"
                  : mode == 1
                      ? "the daemon's in-memory state, fsync'd write-through"
                      : "the daemon's in-memory state, write-through without fsync")
              + " vs host-local exec)",
          o,
          r);
    } finally {
      deleteTree(ours);
      deleteTree(ref);
    }
  }

  private static void bridge(int iterations) throws IOException {
    NetworkNamespace host = NetworkNamespace.create("k8snet-bench-host");
    Path ours = Files.createTempDirectory("k8snet-bench-br");
    Path ref = Files.createTempDirectory("k8snet-bench-brhl");
    try {
      BridgePlugin plugin = new BridgePlugin(host);
      String cfgOurs = bridgeConf("kb0", "10.61.0.0/24", "k8snet-ipam", ours);
      String cfgRef = bridgeConf("rb0", "10.62.0.0/24", "host-local", ref);
      double[] o = new double[iterations];
      double[] r = new double[iterations];
      for (int i = -3; i < iterations; i++) {
        NetworkNamespace pod = NetworkNamespace.create("k8snet-bench-pod");
        try {
          String p = pod.path().toString();
          long t0 = System.nanoTime();
          inProcess(plugin, env("ADD", "c" + i, p), cfgOurs);
          inProcess(plugin, env("DEL", "c" + i, p), cfgOurs);
          long t1 = System.nanoTime();
          List<String> inHost = List.of("nsenter", "--net=" + host.path(), "/usr/lib/cni/bridge");
          long t2 = System.nanoTime();
          exec(inHost, env("ADD", "r" + i, p), cfgRef);
          exec(inHost, env("DEL", "r" + i, p), cfgRef);
          long t3 = System.nanoTime();
          if (i >= 0) {
            o[i] = (t1 - t0) / 1e6;
            r[i] = (t3 - t2) / 1e6;
          }
        } finally {
          pod.delete();
        }
      }
      row("bridge + IPAM ADD+DEL of one pod (k8snet in-process vs bridge + host-local exec)", o, r);
    } finally {
      host.delete();
      deleteTree(ours);
      deleteTree(ref);
    }
  }

  private static String ipamConf(Path dir) {
    return "{\"cniVersion\":\"1.0.0\",\"name\":\"bench\",\"ipam\":{\"type\":\"host-local\",\"dataDir\":\""
        + dir
        + "\",\"subnet\":\"10.50.0.0/16\"}}";
  }

  private static String bridgeConf(String bridge, String subnet, String ipam, Path dir) {
    return "{\"cniVersion\":\"1.0.0\",\"name\":\"bench\",\"type\":\"bridge\",\"bridge\":\""
        + bridge
        + "\",\"isGateway\":true,\"ipam\":{\"type\":\""
        + ipam
        + "\",\"dataDir\":\""
        + dir
        + "\",\"subnet\":\""
        + subnet
        + "\"}}";
  }

  private static Map<String, String> env(String cmd, String cid, String netns) {
    Map<String, String> env = new HashMap<>();
    env.put("CNI_COMMAND", cmd);
    env.put("CNI_CONTAINERID", cid);
    env.put("CNI_NETNS", netns);
    env.put("CNI_IFNAME", "eth0");
    env.put("CNI_PATH", "/usr/lib/cni");
    env.put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    return env;
  }

  private static void inProcess(CniPlugin plugin, Map<String, String> env, String conf) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int rc =
        CniPluginRunner.run(
            plugin, env, conf.getBytes(StandardCharsets.UTF_8), new PrintStream(out), NULL, "");
    if (rc != 0) {
      throw new IllegalStateException(env.get("CNI_COMMAND") + " failed: " + out);
    }
  }

  private static void exec(List<String> cmd, Map<String, String> env, String conf)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().clear();
    pb.environment().putAll(env);
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(conf.getBytes(StandardCharsets.UTF_8));
    }
    byte[] out = p.getInputStream().readAllBytes();
    try {
      if (p.waitFor() != 0) {
        throw new IllegalStateException(
            cmd + " failed: " + new String(out, StandardCharsets.UTF_8));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static double pct(double[] v, double q) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[Math.min(s.length - 1, (int) Math.floor(q * (s.length - 1) + 0.5))];
  }

  private static void row(String what, double[] ours, double[] ref) {
    System.out.println(
        String.format(
            Locale.ROOT,
            "| %s | %.2f / %.2f | %.2f / %.2f | %.3f× |",
            what,
            pct(ours, 0.5),
            pct(ours, 0.9),
            pct(ref, 0.5),
            pct(ref, 0.9),
            pct(ours, 0.5) / pct(ref, 0.5)));
    System.out.flush();
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      List<Path> all = new ArrayList<>(s.toList());
      all.sort(Comparator.reverseOrder());
      for (Path x : all) {
        Files.deleteIfExists(x);
      }
    }
  }
}
