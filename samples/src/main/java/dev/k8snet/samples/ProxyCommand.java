package dev.k8snet.samples;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.cluster.ClusterSource;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.cluster.DirectoryClusterSource;
import dev.k8snet.core.model.Service;
import dev.k8snet.core.netlink.Conntrack;
import dev.k8snet.core.netlink.Sysctls;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.core.nftables.Nftables;
import dev.k8snet.proxy.ConntrackCleaner;
import dev.k8snet.proxy.ConntrackConfig;
import dev.k8snet.proxy.HealthCheckServer;
import dev.k8snet.proxy.KubeProxyConfiguration;
import dev.k8snet.proxy.NftablesProxy;
import dev.k8snet.proxy.ProxyConfig;
import dev.k8snet.proxy.ProxyNode;
import dev.k8snet.proxy.ServiceProxy;
import dev.k8snet.proxy.ServiceTable;
import dev.k8snet.proxy.SyncResult;
import dev.k8snet.proxy.TraceResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code k8snet proxy}: the service proxy (what kube-proxy does) on nftables. */
@Command(
    name = "proxy",
    mixinStandardHelpOptions = true,
    description = "Service load balancing as kube-proxy does it, programmed into nftables.",
    subcommands = {ProxyCommand.Render.class, ProxyCommand.Sync.class, ProxyCommand.Trace.class})
final class ProxyCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Options shared by every proxy subcommand. */
  static final class NodeOptions {
    @Mixin ManifestsOption manifests;

    @Option(names = "--node-name", required = true, paramLabel = "NAME", description = "This node.")
    String nodeName;

    @Option(
        names = "--config",
        paramLabel = "FILE",
        description = "A KubeProxyConfiguration (kubeproxy.config.k8s.io/v1alpha1), YAML or JSON.")
    Path config;

    @Option(
        names = "--node-ip",
        paramLabel = "IP",
        description = "A local address of the node (repeatable; the first of a family is primary).")
    List<String> nodeIps = new ArrayList<>();

    @Option(
        names = "--cluster-cidr",
        paramLabel = "CIDR",
        split = ",",
        description = "The pod network, to tell pod sources from others (overrides --config).")
    List<String> clusterCidrs = new ArrayList<>();

    @Option(
        names = "--service-cidr",
        paramLabel = "CIDR",
        split = ",",
        description = "Service ranges: unallocated addresses in them are dropped.")
    List<String> serviceCidrs = new ArrayList<>();

    @Option(names = "--masquerade-all", description = "Masquerade all traffic to ClusterIPs.")
    boolean masqueradeAll;

    @Option(
        names = "--nodeport-addresses",
        paramLabel = "CIDR",
        split = ",",
        description = "Where node ports open: CIDRs or 'primary' (default primary).")
    List<String> nodePortAddresses = new ArrayList<>();

    @Option(
        names = "--maglev",
        paramLabel = "M",
        description =
            "Pick endpoints by Maglev consistent hashing with a table of prime size M (251, 509,"
                + " 1021, …) instead of at random.")
    int maglev;

    @Option(
        names = "--maglev-seed",
        paramLabel = "N",
        description = "The Maglev seed, the same on every node (default 0).")
    int maglevSeed;

    ClusterState state;
    ProxyNode node;
    ProxyConfig proxyConfig;

    void load(PrintWriter err) {
      state = manifests.load(err);
      List<IpAddress> ips = new ArrayList<>();
      for (String s : nodeIps) {
        ips.add(
            IpAddress.tryParse(s)
                .orElseThrow(() -> new UsageException("--node-ip: " + s + " (expected: an IP)")));
      }
      node = ProxyNode.of(nodeName, state.node(nodeName), ips);
      ProxyConfig.Builder b = ProxyConfig.builder();
      if (config != null) {
        String text;
        try {
          text = Files.readString(config, StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new UsageException("--config: " + config + ": " + e.getMessage());
        }
        try {
          b = KubeProxyConfiguration.parse(text, state.node(nodeName)).toBuilder();
        } catch (IllegalArgumentException e) {
          throw new UsageException("--config: " + config + ": " + e.getMessage());
        }
      }
      if (!clusterCidrs.isEmpty()) {
        b.clusterCidrs(cidrs("--cluster-cidr", clusterCidrs));
      }
      if (!serviceCidrs.isEmpty()) {
        b.serviceCidrs(cidrs("--service-cidr", serviceCidrs));
      }
      if (masqueradeAll) {
        b.masqueradeAll(true);
      }
      if (!nodePortAddresses.isEmpty()) {
        b.nodePortAddresses(nodePortAddresses);
      }
      if (maglev != 0) {
        b.maglev(maglev, maglevSeed);
      }
      try {
        proxyConfig = b.build();
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
    }

    private static List<Cidr> cidrs(String option, List<String> texts) {
      List<Cidr> out = new ArrayList<>();
      for (String s : texts) {
        out.add(
            Cidr.tryParse(s.trim())
                .orElseThrow(() -> new UsageException(option + ": " + s + " (expected: a CIDR)")));
      }
      return out;
    }

    /** IPv4 always; IPv6 when a service or the node has an IPv6 address. */
    List<ServiceTable> tables(PrintWriter err) {
      List<ServiceTable> out = new ArrayList<>();
      boolean v6 =
          node.primaryIp(IpFamily.IPV6).isPresent()
              || state.services().stream()
                  .map(Service::clusterIps)
                  .flatMap(List::stream)
                  .anyMatch(IpAddress::isIpv6);
      for (IpFamily f : v6 ? List.of(IpFamily.IPV4, IpFamily.IPV6) : List.of(IpFamily.IPV4)) {
        ServiceTable t = ServiceTable.build(state, node, proxyConfig, f);
        for (String p : t.problems()) {
          err.println("warning: " + p);
        }
        out.add(t);
      }
      err.flush();
      return out;
    }
  }

  /** {@code k8snet proxy render}. */
  @Command(
      name = "render",
      mixinStandardHelpOptions = true,
      description = "Prints the nftables ruleset for this node (loadable with nft -f).")
  static final class Render implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin NodeOptions options;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      options.load(err);
      PrintWriter out = spec.commandLine().getOut();
      out.print(NftablesProxy.render(options.tables(err)));
      out.flush();
      return 0;
    }
  }

  /** {@code k8snet proxy sync}. */
  @Command(
      name = "sync",
      mixinStandardHelpOptions = true,
      description =
          "Programs the current network namespace; without --once keeps it in step with the"
              + " manifests (every given file and directory is watched) with at most one sync per minSyncPeriod, a"
              + " full reconcile every syncPeriod, retries after failures, and serves the"
              + " healthCheckNodePorts of eTP=Local load balancers.")
  static final class Sync implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin NodeOptions options;

    @Option(names = "--once", description = "Exit after one sync.")
    boolean once;

    @Option(
        names = "--healthz-port",
        paramLabel = "PORT",
        defaultValue = "10256",
        description =
            "Serve kube-proxy's node health endpoint (/healthz, /livez) on this port; 0 turns it"
                + " off (default ${DEFAULT-VALUE}).")
    int healthzPort;

    @Override
    public Integer call() throws InterruptedException {
      PrintWriter err = spec.commandLine().getErr();
      options.load(err);
      try (NetworkNamespace here = NetworkNamespace.current();
          Nftables nft = Nftables.open(here);
          Conntrack ct = Conntrack.open(here);
          NftablesProxy proxy = NftablesProxy.create(nft)) {
        ConntrackCleaner cleaner = ConntrackCleaner.create(ct);
        applyConntrackSettings(here, err);
        List<ServiceTable> first = options.tables(err);
        SyncResult r = proxy.sync(first);
        report(err, r);
        cleaner.clean(first);
        if (once) {
          return 0;
        }
        // Keep in step: every given directory and file is watched, merged into one snapshot.
        ClusterSource source = DirectoryClusterSource.create(options.manifests.paths);
        List<IpFamily> families = new ArrayList<>();
        for (ServiceTable t : options.tables(err)) {
          families.add(t.family());
        }
        if (healthzPort < 0 || healthzPort > 65535) {
          throw new UsageException("--healthz-port: " + healthzPort + " (expected: 0 ~ 65535)");
        }
        try (HealthCheckServer health = HealthCheckServer.create(IpAddress.parse("0.0.0.0"));
            ServiceProxy loop =
                ServiceProxy.create(
                    source,
                    options.node,
                    options.proxyConfig,
                    families,
                    (tables, full) -> {
                      SyncResult s = proxy.sync(tables, full);
                      report(err, s);
                      return s;
                    },
                    Optional.of(health),
                    Optional.of(cleaner),
                    InstantSource.system())) {
          if (healthzPort > 0) {
            try {
              health.serveProxyHealth(
                  healthzPort,
                  options.proxyConfig.syncPeriod().multipliedBy(2),
                  InstantSource.system());
            } catch (java.io.UncheckedIOException e) {
              err.println("warning: " + e.getMessage());
              err.flush();
            }
          }
          loop.start();
          new CountDownLatch(1).await(); // until interrupted
        }
        return 0;
      }
    }

    /**
     * Sets the conntrack sysctls of the configuration where the kernel lets this namespace set
     * them, and, as kube-proxy does, leaves INVALID packets alone when TCP tracking is liberal.
     */
    private void applyConntrackSettings(NetworkNamespace ns, PrintWriter err) {
      Sysctls sysctls = ns.sysctls();
      ConntrackConfig c = options.proxyConfig.conntrack();
      boolean initial;
      try (NetworkNamespace init = NetworkNamespace.ofPid(1)) {
        initial = init.inode() == ns.inode();
      } catch (RuntimeException e) {
        initial = true;
      }
      boolean inInitial = initial;
      c.sysctls(Runtime.getRuntime().availableProcessors())
          .forEach(
              (k, v) -> {
                if (!inInitial && k.equals("net.netfilter.nf_conntrack_max")) {
                  return; // the table size belongs to the initial namespace alone
                }
                try {
                  if (!sysctls.get(k).equals(v)) {
                    sysctls.set(k, v);
                  }
                } catch (RuntimeException e) {
                  err.println("warning: cannot set " + k + "=" + v + ": " + e.getMessage());
                }
              });
      try {
        if (!c.tcpBeLiberal()
            && sysctls.get("net.netfilter.nf_conntrack_tcp_be_liberal").equals("1")) {
          err.println("nf_conntrack_tcp_be_liberal is set: not dropping INVALID packets");
          options.proxyConfig =
              options.proxyConfig.toBuilder().conntrack(c.withTcpBeLiberal(true)).build();
        }
      } catch (RuntimeException e) {
        err.println("warning: cannot read nf_conntrack_tcp_be_liberal: " + e.getMessage());
      }
      err.flush();
    }

    private static void report(PrintWriter err, SyncResult r) {
      err.printf(
          Locale.ROOT,
          "%s sync: %d transaction(s), %d repair(s), +%d/-%d elements, +%d/-%d chains, %d"
              + " elements and %d chains programmed, %.1f ms%n",
          r.full() ? (r.rebuilt() ? "full (rebuilt)" : "full") : "partial",
          r.transactions(),
          r.repairs(),
          r.elementsAdded(),
          r.elementsDeleted(),
          r.chainsAdded(),
          r.chainsDeleted(),
          r.elements(),
          r.chains(),
          r.duration().toNanos() / 1e6);
      err.flush();
    }
  }

  /** {@code k8snet proxy trace}. */
  @Command(
      name = "trace",
      mixinStandardHelpOptions = true,
      description = "Explains the verdict for the first packet of a new connection.")
  static final class Trace implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin NodeOptions options;

    @Option(names = "--from", required = true, paramLabel = "IP", description = "Source address.")
    String from;

    @Option(
        names = "--to",
        required = true,
        paramLabel = "IP:PORT",
        description = "Destination, IPv6 as [ip]:port.")
    String to;

    @Option(
        names = "--protocol",
        required = true,
        paramLabel = "P",
        description = "TCP, UDP or SCTP.")
    String protocol;

    @Option(names = "--output", paramLabel = "FORMAT", description = "text (default) or json.")
    String output = "text";

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      IpAddress src =
          IpAddress.tryParse(from)
              .orElseThrow(() -> new UsageException("--from: " + from + " (expected: an IP)"));
      AddressPort target = AddressPort.parse("--to", to, "IP:PORT, IPv6 as [ip]:port");
      IpAddress dst = target.address();
      int port = target.port();
      if (port < 1 || port > 65535) {
        throw new UsageException("--to: " + to + " (expected: a port 1 ~ 65535)");
      }
      Protocol proto;
      try {
        proto = Protocol.parse(protocol.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--protocol: " + protocol + " (expected: TCP, UDP or SCTP)");
      }
      if (src.family() != dst.family()) {
        throw new UsageException("--from, --to: " + from + ", " + to + " (expected: one family)");
      }
      if (!output.equals("json") && !output.equals("text")) {
        throw new UsageException("--output: " + output + " (expected: text or json)");
      }
      options.load(err);
      ServiceTable table =
          ServiceTable.build(options.state, options.node, options.proxyConfig, dst.family());
      for (String p : table.problems()) {
        err.println("warning: " + p);
      }
      err.flush();
      TraceResult r = table.trace(src, dst, port, proto);
      PrintWriter out = spec.commandLine().getOut();
      if (output.equals("json")) {
        out.println(r.toJson());
      } else {
        out.println(
            r.verdict()
                + (r.destinations().isEmpty() ? "" : " " + String.join(", ", r.destinations()))
                + (r.masquerade() ? " (masquerade)" : ""));
        for (String line : r.explanation()) {
          out.println("  " + line);
        }
      }
      out.flush();
      return 0;
    }
  }
}
