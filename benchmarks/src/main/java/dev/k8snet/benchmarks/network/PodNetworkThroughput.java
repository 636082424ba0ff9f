package dev.k8snet.benchmarks.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.k8snet.cni.CniPluginRunner;
import dev.k8snet.cni.network.NetConf;
import dev.k8snet.cni.network.NetworkStatus;
import dev.k8snet.cni.network.NodeSubnets;
import dev.k8snet.cni.network.RouteManager;
import dev.k8snet.cni.plugins.BridgePlugin;
import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.Node;
import dev.k8snet.core.model.NodeAddress;
import dev.k8snet.core.model.ObjectMeta;
import dev.k8snet.core.netlink.Address;
import dev.k8snet.core.netlink.InterfaceAddress;
import dev.k8snet.core.netlink.Link;
import dev.k8snet.core.netlink.LinkKind;
import dev.k8snet.core.netlink.LinkSpec;
import dev.k8snet.core.netlink.Netlink;
import dev.k8snet.core.netns.NetworkNamespace;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Pod-to-pod TCP throughput (iperf3) in the lab of pod-network.md §3.1, side by side in one run,
 * scenarios interleaved per repetition: (a) two pods on one node, (b) across nodes over our host-gw
 * routes, (c) across nodes over our VXLAN overlay, (d) across nodes over the same VXLAN set up by
 * hand with {@code ip}/{@code bridge} (Flannel's layout), (e) across nodes over host-gw routes
 * added by hand with {@code ip route} (what (b) costs beyond the lab's topology). All pods use MTU
 * 1450 (the VXLAN pod MTU), so (b)/(c) isolates encapsulation. Needs root, iperf3, ip, bridge.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.k8snet.benchmarks.network.PodNetworkThroughput [repetitions] [seconds]}
 */
public final class PodNetworkThroughput {
  private PodNetworkThroughput() {}

  private static final PrintStream NULL = new PrintStream(OutputStream.nullOutputStream());
  private static final Cidr NETWORK = Cidr.parse("10.244.0.0/16");
  private final List<NetworkNamespace> created = new ArrayList<>();
  private final String prefix = "k8snet-podnet-tp" + Long.toHexString(System.nanoTime() & 0xffff);
  private Path tmp;

  /**
   * Runs the benchmark.
   *
   * @param args [repetitions] [seconds per run]
   */
  public static void main(String[] args) throws Exception {
    int reps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int secs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    PodNetworkThroughput b = new PodNetworkThroughput();
    try {
      b.run(reps, secs);
    } finally {
      b.cleanup();
    }
  }

  private NetworkNamespace ns(String suffix) {
    NetworkNamespace ns = NetworkNamespace.create(prefix + "-" + suffix);
    created.add(ns);
    return ns;
  }

  private static Node node(int n) {
    return new Node(
        new ObjectMeta("", "node-" + n, Map.of(), Map.of(), "", "", Optional.empty()),
        List.of(new NodeAddress(NodeAddress.Type.INTERNAL_IP, "192.168.50.1" + n)),
        List.of(Cidr.parse("10.244." + n + ".0/24")),
        false);
  }

  private void run(int reps, int secs) throws Exception {
    tmp = Files.createTempDirectory("k8snet-podnet-tp");
    NetworkNamespace ul = ns("ul");
    try (Netlink nl = ul.netlink()) {
      nl.addLink(LinkSpec.builder("ulbr", LinkKind.bridge()).up(true).build());
    }
    NetworkNamespace[] nodes = {null, ns("n1"), ns("n2")};
    for (int n = 1; n <= 2; n++) {
      try (Netlink nl = ul.netlink()) {
        nl.addLink(
            LinkSpec.builder("ul" + n, LinkKind.veth("eth0").peerNamespace(nodes[n]))
                .master(nl.link("ulbr").orElseThrow())
                .up(true)
                .build());
      }
      try (Netlink nl = nodes[n].netlink()) {
        nl.setUp(nl.link("lo").orElseThrow());
        Link eth0 = nl.link("eth0").orElseThrow();
        nl.addAddress(Address.of(eth0, InterfaceAddress.parse("192.168.50.1" + n + "/24")));
        nl.setUp(eth0);
      }
      nodes[n].sysctls().setForwarding(IpFamily.IPV4, true);
    }
    ClusterState state = ClusterState.of(1, List.of(node(1), node(2)));
    NetConf vxlan = NetConf.of(NETWORK, NetConf.Backend.vxlan(1));
    NetConf hostGw = NetConf.of(NETWORK, NetConf.Backend.hostGw());
    // pods: MTU of the VXLAN backend for every scenario
    String[] pods = new String[3];
    IpAddress[] ips = new IpAddress[3];
    int[] podNode = {1, 1, 2};
    for (int i = 0; i < 3; i++) {
      NetworkNamespace pod = ns("p" + i);
      int n = podNode[i];
      String conf =
          NodeSubnets.bridgeConfig(
              vxlan,
              List.of(Cidr.parse("10.244." + n + ".0/24")),
              1450,
              "podnet",
              "cni0",
              tmp.resolve("ipam" + n));
      Map<String, String> env = new HashMap<>();
      env.put("CNI_COMMAND", "ADD");
      env.put("CNI_CONTAINERID", "tp" + i);
      env.put("CNI_NETNS", pod.path().toString());
      env.put("CNI_IFNAME", "eth0");
      env.put("CNI_PATH", "/usr/lib/cni");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int rc =
          CniPluginRunner.run(
              new BridgePlugin(nodes[n]),
              env,
              conf.getBytes(StandardCharsets.UTF_8),
              new PrintStream(out),
              NULL,
              "");
      if (rc != 0) {
        throw new IllegalStateException("CNI ADD: " + out);
      }
      JsonNode j = new ObjectMapper().readTree(out.toByteArray());
      ips[i] = InterfaceAddress.parse(j.at("/ips/0/address").asText()).address();
      pods[i] = pod.name().orElseThrow();
    }
    Path pid1 = tmp.resolve("iperf-1.pid");
    Path pid2 = tmp.resolve("iperf-2.pid");
    PodNetworkProgramming.exec(
        "ip",
        "netns",
        "exec",
        pods[1],
        "iperf3",
        "-s",
        "-D",
        "-B",
        ips[1].toString(),
        "-I",
        pid1.toString());
    PodNetworkProgramming.exec(
        "ip",
        "netns",
        "exec",
        pods[2],
        "iperf3",
        "-s",
        "-D",
        "-B",
        ips[2].toString(),
        "-I",
        pid2.toString());
    Thread.sleep(300);
    Map<String, double[]> results = new LinkedHashMap<>();
    String[] names = {
      "(a) same node",
      "(b) host-gw (ours)",
      "(c) VXLAN (ours)",
      "(d) VXLAN by hand (ip/bridge)",
      "(e) host-gw by hand (ip route)"
    };
    for (String s : names) {
      results.put(s, new double[reps]);
    }
    try {
      for (int r = 0; r < reps; r++) {
        results.get(names[0])[r] = iperf(pods[0], ips[1], secs);
        program(nodes, hostGw, state);
        results.get(names[1])[r] = iperf(pods[0], ips[2], secs);
        flush(nodes);
        program(nodes, vxlan, state);
        results.get(names[2])[r] = iperf(pods[0], ips[2], secs);
        flush(nodes);
        byHand(nodes);
        results.get(names[3])[r] = iperf(pods[0], ips[2], secs);
        flush(nodes);
        hostGwByHand(nodes);
        results.get(names[4])[r] = iperf(pods[0], ips[2], secs);
        flush(nodes);
        System.err.printf(Locale.ROOT, "rep %d done%n", r);
      }
    } finally {
      for (Path p : List.of(pid1, pid2)) {
        if (Files.exists(p)) {
          long pid = Long.parseLong(Files.readString(p).trim());
          ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        }
      }
    }
    double same = PodNetworkProgramming.median(results.get(names[0]));
    double gw = PodNetworkProgramming.median(results.get(names[1]));
    double hand = PodNetworkProgramming.median(results.get(names[3]));
    System.out.println(
        "| Scenario | TCP Gbit/s (median) | runs | ÷ same node | ÷ host-gw | ÷ VXLAN by hand |");
    System.out.println("|---|---|---|---|---|---|");
    for (String s : names) {
      double[] v = results.get(s);
      double m = PodNetworkProgramming.median(v);
      StringBuilder runs = new StringBuilder();
      for (double x : v) {
        runs.append(runs.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", x));
      }
      System.out.printf(
          Locale.ROOT,
          "| %s | %.2f | %s | %.2f | %.2f | %.2f |%n",
          s,
          m,
          runs,
          m / same,
          m / gw,
          m / hand);
    }
  }

  private static void program(NetworkNamespace[] nodes, NetConf conf, ClusterState state) {
    for (int n = 1; n <= 2; n++) {
      try (Netlink nl = nodes[n].netlink();
          RouteManager m = RouteManager.builder(nl, conf, "node-" + n).build()) {
        NetworkStatus s = m.reconcile(state);
        if (!s.problems().isEmpty() || !s.peers().get(0).programmed()) {
          throw new IllegalStateException("not programmed: " + s);
        }
      }
    }
  }

  /** host-gw with ip: a route to the other node's pod CIDR via its underlay address. */
  private static void hostGwByHand(NetworkNamespace[] nodes) throws Exception {
    for (int n = 1; n <= 2; n++) {
      int m = 3 - n;
      PodNetworkProgramming.exec(
          "ip",
          "-n",
          nodes[n].name().orElseThrow(),
          "route",
          "add",
          "10.244." + m + ".0/24",
          "via",
          "192.168.50.1" + m,
          "dev",
          "eth0",
          "proto",
          "107"); // so that flush() removes it with ours
    }
  }

  /** Flannel's VXLAN layout with ip and bridge (pod-network.md §3.1). */
  private static void byHand(NetworkNamespace[] nodes) throws Exception {
    for (int n = 1; n <= 2; n++) {
      int m = 3 - n;
      String ns = nodes[n].name().orElseThrow();
      PodNetworkProgramming.exec(
          "ip",
          "-n",
          ns,
          "link",
          "add",
          "flannel.1",
          "type",
          "vxlan",
          "id",
          "1",
          "local",
          "192.168.50.1" + n,
          "dev",
          "eth0",
          "dstport",
          "8472",
          "nolearning");
      PodNetworkProgramming.exec(
          "ip", "-n", ns, "link", "set", "flannel.1", "address", "02:00:00:00:00:0" + n);
      PodNetworkProgramming.exec(
          "ip", "-n", ns, "addr", "add", "10.244." + n + ".0/32", "dev", "flannel.1");
      PodNetworkProgramming.exec("ip", "-n", ns, "link", "set", "flannel.1", "up");
      PodNetworkProgramming.exec(
          "ip",
          "-n",
          ns,
          "neigh",
          "replace",
          "10.244." + m + ".0",
          "lladdr",
          "02:00:00:00:00:0" + m,
          "dev",
          "flannel.1",
          "nud",
          "permanent");
      PodNetworkProgramming.exec(
          "bridge",
          "-n",
          ns,
          "fdb",
          "replace",
          "02:00:00:00:00:0" + m,
          "dev",
          "flannel.1",
          "dst",
          "192.168.50.1" + m,
          "self",
          "permanent");
      PodNetworkProgramming.exec(
          "ip",
          "-n",
          ns,
          "route",
          "replace",
          "10.244." + m + ".0/24",
          "via",
          "10.244." + m + ".0",
          "dev",
          "flannel.1",
          "onlink");
    }
  }

  /** Removes every tunnel device and every route of ours. */
  private static void flush(NetworkNamespace[] nodes) throws Exception {
    for (int n = 1; n <= 2; n++) {
      String ns = nodes[n].name().orElseThrow();
      for (String dev : List.of("k8snet.1", "flannel.1")) {
        try (Netlink nl = nodes[n].netlink()) {
          Optional<Link> l = nl.link(dev);
          if (l.isPresent()) {
            nl.deleteLink(l.get());
          }
        }
      }
      PodNetworkProgramming.exec("ip", "-n", ns, "route", "flush", "proto", "107");
    }
  }

  private static double iperf(String pod, IpAddress server, int secs) throws Exception {
    String out =
        PodNetworkProgramming.exec(
            "ip",
            "netns",
            "exec",
            pod,
            "iperf3",
            "-c",
            server.toString(),
            "-t",
            Integer.toString(secs),
            "-J");
    JsonNode j = new ObjectMapper().readTree(out);
    return j.at("/end/sum_received/bits_per_second").asDouble() / 1e9;
  }

  private void cleanup() throws Exception {
    for (NetworkNamespace ns : created) {
      try {
        ns.delete();
      } catch (RuntimeException e) {
        // best effort
      }
    }
    if (tmp != null) {
      try (var s = Files.walk(tmp)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
