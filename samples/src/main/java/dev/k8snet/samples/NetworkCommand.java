package dev.k8snet.samples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.k8snet.cni.network.KernelView;
import dev.k8snet.cni.network.NetConf;
import dev.k8snet.cni.network.NetworkExplain;
import dev.k8snet.cni.network.NetworkStatus;
import dev.k8snet.cni.network.PathExplanation;
import dev.k8snet.cni.network.PeerStatus;
import dev.k8snet.cni.network.RouteManager;
import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.cluster.ClusterSource;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.cluster.DirectoryClusterSource;
import dev.k8snet.core.model.Node;
import dev.k8snet.core.model.Pod;
import dev.k8snet.core.netlink.Netlink;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.core.nftables.Nftables;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code k8snet network}: the flat pod network across nodes (Flannel's job). */
@Command(
    name = "network",
    mixinStandardHelpOptions = true,
    description = "The pod network across nodes: host-gw routes or a VXLAN overlay.",
    subcommands = {NetworkCommand.Explain.class, NetworkCommand.Run.class})
final class NetworkCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static NetConf config(String option, Optional<Path> file, ClusterState state) {
    if (file.isPresent()) {
      if (!Files.isRegularFile(file.get())) {
        throw new UsageException(option + ": " + file.get() + ": no such file");
      }
      try {
        return NetConf.read(file.get());
      } catch (UncheckedIOException e) {
        throw new UsageException(option + ": " + e.getMessage());
      }
    }
    // Without a file: VXLAN VNI 1 over the smallest network holding every node's pod CIDR.
    Optional<Cidr> v4 = cover(state, IpFamily.IPV4);
    Optional<Cidr> v6 = cover(state, IpFamily.IPV6);
    if (v4.isEmpty() && v6.isEmpty()) {
      throw new UsageException(
          option + ": absent and no Node has a spec.podCIDR to derive the Network from");
    }
    return new NetConf(v4, v6, NetConf.Backend.vxlan(1), true);
  }

  private static Optional<Cidr> cover(ClusterState state, IpFamily f) {
    Cidr out = null;
    for (Node n : state.nodes()) {
      for (Cidr c : n.podCidrs()) {
        if (c.family() != f) {
          continue;
        }
        out = out == null ? c : out;
        while (!out.contains(c)) {
          out = Cidr.containing(out.address(), out.prefixLength() - 1);
        }
      }
    }
    return Optional.ofNullable(out);
  }

  static Pod pod(ClusterState state, String option, String ref) {
    int slash = ref.indexOf('/');
    if (slash > 0) {
      String ns = ref.substring(0, slash);
      String name = ref.substring(slash + 1);
      return state.pods(ns).stream()
          .filter(p -> p.metadata().name().equals(name))
          .findFirst()
          .orElseThrow(() -> new UsageException(option + ": " + ref + ": no such pod"));
    }
    return IpAddress.tryParse(ref)
        .flatMap(state::podByIp)
        .orElseThrow(
            () ->
                new UsageException(option + ": " + ref + " (expected: NAMESPACE/POD or a pod IP)"));
  }

  /** {@code k8snet network explain}. */
  @Command(
      name = "explain",
      mixinStandardHelpOptions = true,
      description =
          "Walks the path between two pods in kernel-object terms: route, neighbour, FDB entry,"
              + " underlay route, masquerade verdict.")
  static final class Explain implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ManifestsOption manifests;

    @Option(names = "--from", required = true, paramLabel = "NS/POD", description = "Source pod.")
    String from;

    @Option(
        names = "--to",
        required = true,
        paramLabel = "NS/POD|IP",
        description = "Destination pod, or any address.")
    String to;

    @Option(
        names = "--config",
        paramLabel = "FILE",
        description = "net-conf.json (default: VXLAN VNI 1 over the nodes' pod CIDRs).")
    Path config;

    @Option(
        names = "--kernel",
        description =
            "Check each object against the current network namespace (run it on the source node).")
    boolean kernel;

    @Option(names = "--output", paramLabel = "FORMAT", description = "text (default) or json.")
    String output = "text";

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      ClusterState state = manifests.load(spec.commandLine().getErr());
      NetConf conf = config("--config", Optional.ofNullable(config), state);
      Pod src = pod(state, "--from", from);
      Optional<IpAddress> toIp = IpAddress.tryParse(to);
      Optional<KernelView> view = Optional.empty();
      if (kernel) {
        try (Netlink nl = Netlink.open()) {
          view = Optional.of(KernelView.read(nl));
        }
      }
      PathExplanation e =
          toIp.isPresent() && state.podByIp(toIp.get()).isEmpty()
              ? NetworkExplain.explain(conf, state, src, toIp.get(), view)
              : NetworkExplain.explain(conf, state, src, pod(state, "--to", to), view);
      switch (output.toLowerCase(Locale.ROOT)) {
        case "text" -> out.print(e.render());
        case "json" -> out.println(json(e));
        default -> throw new UsageException("--output: " + output + " (expected: text or json)");
      }
      out.flush();
      return 0;
    }

    private static String json(PathExplanation e) throws Exception {
      ObjectMapper m = new ObjectMapper();
      ObjectNode o = m.createObjectNode();
      o.put("from", e.source().toString());
      o.put("to", e.destination().toString());
      o.put("fromNode", e.sourceNode());
      e.destinationNode().ifPresent(n -> o.put("toNode", n));
      o.put("mode", e.mode().name());
      o.put("masquerade", e.masquerade());
      o.put("ok", e.ok());
      ArrayNode steps = o.putArray("steps");
      for (PathExplanation.Step s : e.steps()) {
        ObjectNode j = steps.addObject();
        j.put("kind", s.kind());
        j.put("object", s.object());
        s.kernel().ifPresent(k -> j.put("kernel", k));
      }
      return m.writeValueAsString(o);
    }
  }

  /** {@code k8snet network run}. */
  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description =
          "Programs the pod network of one node in the current network namespace and keeps it in"
              + " step with the manifests.")
  static final class Run implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ManifestsOption manifests;

    @Option(names = "--node-name", required = true, paramLabel = "NAME", description = "This node.")
    String nodeName;

    @Option(
        names = "--config",
        required = true,
        paramLabel = "FILE",
        description = "net-conf.json.")
    Path config;

    @Option(
        names = "--state-dir",
        paramLabel = "DIR",
        description = "Where the VTEP MAC is persisted (default: /var/lib/k8snet/network).")
    Path stateDir = Path.of("/var/lib/k8snet/network");

    @Option(
        names = "--cni-conf",
        paramLabel = "FILE",
        description = "Write the node's CNI bridge configuration (pod CIDRs, MTU) to FILE.")
    Path cniConf;

    @Option(names = "--once", description = "Exit after one sync.")
    boolean once;

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      ClusterState state = manifests.load(err);
      NetConf conf = config("--config", Optional.of(config), state);
      if (state.node(nodeName).isEmpty()) {
        throw new UsageException("--node-name: " + nodeName + ": no such Node in the manifests");
      }
      try (Netlink nl = Netlink.open();
          Nftables nft = Nftables.open(NetworkNamespace.current());
          RouteManager m =
              RouteManager.builder(nl, conf, nodeName).stateDir(stateDir).nftables(nft).build()) {
        NetworkStatus s = m.reconcile(state);
        report(spec.commandLine().getOut(), s);
        writeCni(m);
        if (once) {
          return s.problems().isEmpty() ? 0 : 1;
        }
        try (ClusterSource source = DirectoryClusterSource.create(manifests.paths)) {
          m.start(source);
          new CountDownLatch(1).await(); // until interrupted
        }
        return 0;
      }
    }

    private void writeCni(RouteManager m) throws Exception {
      if (cniConf == null) {
        return;
      }
      Optional<String> c = m.cniConfig("k8snet", "cni0", Path.of("/var/lib/cni/networks"));
      if (c.isPresent()) {
        Files.writeString(cniConf, c.get() + "\n", StandardCharsets.UTF_8);
      }
    }

    static void report(PrintWriter out, NetworkStatus s) {
      out.printf(
          Locale.ROOT,
          "node %s: %s, pod CIDRs %s, pod MTU %s, VTEP MAC %s, %d kernel writes%n",
          s.node(),
          s.backend(),
          s.podCidrs(),
          s.podMtu().isPresent() ? Integer.toString(s.podMtu().getAsInt()) : "-",
          s.vtepMac().map(Object::toString).orElse("-"),
          s.lastWrites());
      for (String p : s.problems()) {
        out.println("  problem: " + p);
      }
      for (PeerStatus p : s.peers()) {
        out.printf(
            Locale.ROOT,
            "  peer %s %s via %s: %s%s%s%n",
            p.node(),
            p.podCidrs(),
            p.underlayIps(),
            p.mode(),
            p.programmed() ? ", programmed" : ", NOT programmed",
            p.lastError().map(e -> " (" + e + ")").orElse(""));
      }
      out.flush();
    }
  }
}
