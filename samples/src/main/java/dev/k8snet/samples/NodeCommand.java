package dev.k8snet.samples;

import dev.k8snet.core.IpAddress;
import dev.k8snet.core.K8snetException;
import dev.k8snet.core.cluster.ClusterSource;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.cluster.DirectoryClusterSource;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.dns.ClusterDns;
import dev.k8snet.dns.DnsConfig;
import dev.k8snet.dns.DnsServer;
import dev.k8snet.dns.PodRecords;
import dev.k8snet.policy.enforce.EnforcementOptions;
import dev.k8snet.proxy.KubeProxyConfiguration;
import dev.k8snet.proxy.ProxyConfig;
import dev.k8snet.proxy.ingress.IngressController;
import dev.k8snet.proxy.ingress.IngressRoutes;
import dev.k8snet.samples.kube.IngressStatusWriter;
import dev.k8snet.samples.kube.KubernetesClusterSource;
import dev.k8snet.samples.node.ClusterFanout;
import dev.k8snet.samples.node.CniSubsystem;
import dev.k8snet.samples.node.DnsSubsystem;
import dev.k8snet.samples.node.IngressSubsystem;
import dev.k8snet.samples.node.NetworkSubsystem;
import dev.k8snet.samples.node.NodeHttpServer;
import dev.k8snet.samples.node.NodeStack;
import dev.k8snet.samples.node.PolicySubsystem;
import dev.k8snet.samples.node.ProxySubsystem;
import dev.k8snet.samples.node.Subsystem;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code k8snet node}: the node agent. One process runs the node's stack from one cluster source
 * (watched manifests, or a Kubernetes API server): the CNI daemon, the service proxy and cluster
 * DNS, started in an order that never blackholes traffic, with {@code /healthz}, {@code /readyz}
 * and {@code /metrics}. SIGTERM stops it gracefully, leaving programmed rules in place.
 */
@Command(
    name = "node",
    mixinStandardHelpOptions = true,
    description =
        "Runs the node's network stack (CNI daemon, service proxy, cluster DNS) from one cluster"
            + " source until stopped; programmed state stays in place when it stops.")
final class NodeCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(NodeCommand.class);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private KubernetesClient kubeClient; // when following an API server; closed when the node stops

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "A NodeConfiguration (k8snet.dev/v1alpha1), YAML or JSON; flags override it.")
  Path config;

  @Option(names = "--node-name", paramLabel = "NAME", description = "This node.")
  String nodeName;

  @Option(
      names = "--manifests",
      arity = "1..*",
      paramLabel = "PATH",
      description = "Manifest files or directories, merged and watched (the embedded source).")
  List<Path> manifests = new ArrayList<>();

  @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Follow this API server.")
  Path kubeconfig;

  @Option(
      names = "--in-cluster",
      description = "Follow the API server of the pod's service account.")
  boolean inCluster;

  @Option(
      names = "--http",
      paramLabel = "ADDR:PORT",
      description = "Serve /healthz, /readyz and /metrics here (default 0.0.0.0:10290).")
  String http;

  @Option(
      names = "--dns-listen",
      paramLabel = "ADDR:PORT",
      description = "Cluster DNS address (default 127.0.0.1:53).")
  String dnsListen;

  @Option(
      names = "--dns-upstream",
      paramLabel = "ADDR:PORT",
      description = "Upstream (repeatable).")
  List<String> dnsUpstreams = new ArrayList<>();

  @Option(names = "--zone", paramLabel = "ZONE", description = "Cluster domain (cluster.local).")
  String zone;

  @Option(names = "--cni-socket", paramLabel = "PATH", description = "The CNI daemon's socket.")
  Path cniSocket;

  @Option(
      names = "--proxy-config",
      paramLabel = "FILE",
      description = "A KubeProxyConfiguration for the service proxy.")
  Path proxyConfig;

  @Option(
      names = "--node-ip",
      paramLabel = "IP",
      description = "A local node address (repeatable).")
  List<String> nodeIps = new ArrayList<>();

  @Option(names = "--no-cni", description = "Do not run the CNI daemon.")
  boolean noCni;

  @Option(names = "--no-proxy", description = "Do not run the service proxy.")
  boolean noProxy;

  @Option(names = "--no-dns", description = "Do not run cluster DNS.")
  boolean noDns;

  @Option(
      names = "--network-config",
      paramLabel = "FILE",
      description =
          "The pod network, net-conf.json as Flannel's (default: the nodes' pod CIDRs over VXLAN).")
  Path networkConfig;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description = "The pod network's state: VTEP MAC, IPAM data (/var/lib/k8snet/network).")
  Path stateDir;

  @Option(
      names = "--cni-conf",
      paramLabel = "FILE",
      description =
          "Write the CNI configuration for this node's pods here, once its CIDR is known.")
  Path cniConf;

  @Option(names = "--no-network", description = "Do not run the cross-node pod network.")
  boolean noNetwork;

  @Option(names = "--no-policy", description = "Do not enforce NetworkPolicies.")
  boolean noPolicy;

  @Option(
      names = "--ingress-listen",
      paramLabel = "ADDR:PORT",
      description = "Run the Ingress controller, serving HTTP here.")
  String ingressListen;

  @Option(
      names = "--ingress-listen-tls",
      paramLabel = "ADDR:PORT",
      description = "Also serve HTTPS here (with --ingress-listen).")
  String ingressListenTls;

  @Option(
      names = "--ingress-forwarded-headers",
      paramLabel = "LIST",
      description =
          "Forwarding fields the Ingress controller writes, comma-separated, or none (default: all"
              + " five; see k8snet ingress serve --forwarded-headers).")
  String ingressForwardedHeaders;

  @Option(
      names = "--ingress-client-idle-timeout",
      paramLabel = "DURATION",
      description =
          "Close an Ingress client connection idle this long, e.g. 75s (default: 75s; overrides"
              + " ingress.clientIdleTimeout).")
  String ingressClientIdleTimeout;

  @Option(
      names = "--ingress-backend-idle-timeout",
      paramLabel = "DURATION",
      description =
          "Close a pooled connection to an endpoint idle this long (default: 50s; overrides"
              + " ingress.backendIdleTimeout); keep it below the endpoints' keep-alive timeout.")
  String ingressBackendIdleTimeout;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    NodeConfig c = effectiveConfig();
    ClusterSource source = source(c); // first: the Ingress status writer uses its client
    List<Subsystem> subsystems = subsystems(c);
    AddressPort httpAddress =
        AddressPort.parse(flagOr("--http", http, "http.listen"), c.httpListen, "ADDR:PORT");
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stop.countDown();
              try {
                stopped.await(20, TimeUnit.SECONDS); // let the main thread stop the stack
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "k8snet-node-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    NodeStack stack = new NodeStack(new ClusterFanout(source), subsystems, c.readyTimeout);
    try (NodeHttpServer server = NodeHttpServer.start(httpAddress.toSocketAddress(), stack)) {
      stack.start();
      err.println(
          "k8snet node: "
              + c.nodeName
              + " running "
              + subsystems.stream().map(Subsystem::name).toList()
              + " from "
              + source
              + "; http "
              + server.address());
      err.flush();
      stop.await(); // until SIGTERM/SIGINT, or an interrupt when embedded
      log.atInfo().addKeyValue("event", "node_stopping").log("stopping the node stack");
      return 0;
    } catch (IOException e) {
      throw new UsageException(
          flagOr("--http", http, "http.listen") + ": " + c.httpListen + ": " + e.getMessage());
    } catch (K8snetException e) {
      err.println("k8snet node: " + e.getMessage());
      err.flush();
      return 1;
    } finally {
      stack.close();
      if (kubeClient != null) {
        kubeClient.close();
      }
      stopped.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down: the hook is running
      }
    }
  }

  private String flagOr(String flag, Object flagValue, String field) {
    return flagValue != null || config == null ? flag : config + ": " + field;
  }

  NodeConfig effectiveConfig() {
    int sourceFlags =
        (manifests.isEmpty() ? 0 : 1) + (kubeconfig == null ? 0 : 1) + (inCluster ? 1 : 0);
    if (sourceFlags > 1) {
      throw new UsageException(
          "cluster source: more than one (expected: exactly one of --manifests PATH…, --kubeconfig"
              + " FILE, --in-cluster)");
    }
    NodeConfig c = config == null ? new NodeConfig() : NodeConfig.read(config);
    if (nodeName != null) {
      c.nodeName = nodeName;
    }
    if (!manifests.isEmpty()) {
      c.manifests = manifests;
      c.kubeconfig = null;
      c.inCluster = false;
    }
    if (kubeconfig != null) {
      c.kubeconfig = kubeconfig;
      c.manifests = List.of();
      c.inCluster = false;
    }
    if (inCluster) {
      c.inCluster = true;
      c.manifests = List.of();
      c.kubeconfig = null;
    }
    if (http != null) {
      c.httpListen = http;
    }
    if (dnsListen != null) {
      c.dnsListen = dnsListen;
    }
    if (!dnsUpstreams.isEmpty()) {
      c.dnsUpstreams = dnsUpstreams;
    }
    if (zone != null) {
      c.dnsZone = zone;
    }
    if (cniSocket != null) {
      c.cniSocket = cniSocket;
    }
    if (proxyConfig != null) {
      c.proxyConfig = proxyConfig;
    }
    if (!nodeIps.isEmpty()) {
      c.nodeIps = nodeIps;
    }
    c.cniEnabled &= !noCni;
    c.proxyEnabled &= !noProxy;
    c.dnsEnabled &= !noDns;
    if (networkConfig != null) {
      c.networkConfig = networkConfig;
    }
    if (stateDir != null) {
      c.networkStateDir = stateDir;
    }
    if (cniConf != null) {
      c.networkCniConf = cniConf;
    }
    c.networkEnabled &= !noNetwork;
    c.policyEnabled &= !noPolicy;
    if (ingressListen != null) {
      c.ingressListen = ingressListen;
    }
    if (ingressListenTls != null) {
      c.ingressListenTls = ingressListenTls;
    }
    if (ingressForwardedHeaders != null) {
      c.ingressForwardedHeaders =
          IngressCommand.Serve.forwardedHeaders(
              "--ingress-forwarded-headers", ingressForwardedHeaders);
    }
    if (ingressClientIdleTimeout != null) {
      c.ingressClientIdleTimeout =
          IngressCommand.Serve.idleTimeout(
              "--ingress-client-idle-timeout", ingressClientIdleTimeout);
    }
    if (ingressBackendIdleTimeout != null) {
      c.ingressBackendIdleTimeout =
          IngressCommand.Serve.idleTimeout(
              "--ingress-backend-idle-timeout", ingressBackendIdleTimeout);
    }
    if (c.nodeName == null) {
      throw new UsageException(
          "--node-name: missing (expected: this node's name, or nodeName in" + " --config)");
    }
    int sources =
        (c.manifests.isEmpty() ? 0 : 1) + (c.kubeconfig == null ? 0 : 1) + (c.inCluster ? 1 : 0);
    if (sources != 1) {
      throw new UsageException(
          "cluster source: "
              + (sources == 0 ? "none" : "more than one")
              + " (expected: exactly one of --manifests PATH…, --kubeconfig FILE, --in-cluster)");
    }
    return c;
  }

  private ClusterSource source(NodeConfig c) {
    if (!c.manifests.isEmpty()) {
      ManifestsOption.checkExist(c.manifests);
      return DirectoryClusterSource.builder(c.manifests).debounce(Duration.ofMillis(100)).build();
    }
    try {
      var cfg =
          c.kubeconfig != null
              ? KubernetesClusterSource.kubeconfig(c.kubeconfig)
              : KubernetesClusterSource.inCluster();
      kubeClient = new KubernetesClientBuilder().withConfig(cfg).build();
      return KubernetesClusterSource.builder(kubeClient).resync(c.resync).build();
    } catch (IllegalArgumentException e) {
      // "kubeconfig: FILE (expected: …)" or "in-cluster: … (expected: …)": name the flag.
      throw new UsageException("--" + e.getMessage());
    }
  }

  private List<Subsystem> subsystems(NodeConfig c) {
    List<Subsystem> out = new ArrayList<>();
    // in Stage order (see dev.k8snet.samples.node.Stage)
    if (c.networkEnabled) {
      out.add(network(c));
    }
    if (c.policyEnabled) {
      out.add(
          new PolicySubsystem(
              c.nodeName, EnforcementOptions.DEFAULTS.withLogDenied(c.policyLogDenied)));
    }
    if (c.cniEnabled) {
      out.add(new CniSubsystem(c.cniSocket));
    }
    if (c.proxyEnabled) {
      out.add(proxy(c));
    }
    if (c.dnsEnabled) {
      out.add(dns(c));
    }
    if (c.ingressListen != null) {
      out.add(ingress(c));
    } else if (c.ingressListenTls != null) {
      throw new UsageException(
          flagOr("--ingress-listen-tls", ingressListenTls, "ingress.listenTls")
              + ": "
              + c.ingressListenTls
              + " (expected: together with --ingress-listen or ingress.listen)");
    }
    if (out.isEmpty()) {
      throw new UsageException(
          "subsystems: none enabled (expected: at least one of cni, proxy, dns)");
    }
    return out;
  }

  private Subsystem proxy(NodeConfig c) {
    List<IpAddress> ips = new ArrayList<>();
    for (String s : c.nodeIps) {
      ips.add(
          IpAddress.tryParse(s)
              .orElseThrow(
                  () ->
                      new UsageException(
                          flagOr("--node-ip", nodeIps.isEmpty() ? null : nodeIps, "proxy.nodeIPs")
                              + ": "
                              + s
                              + " (expected: an IP)")));
    }
    String text;
    if (c.proxyConfig != null) {
      try {
        text = Files.readString(c.proxyConfig, StandardCharsets.UTF_8);
        KubeProxyConfiguration.parse(text, Optional.empty()); // fail now, not at start
      } catch (IOException e) {
        throw new UsageException("proxy.config: " + c.proxyConfig + ": " + e.getMessage());
      } catch (IllegalArgumentException e) {
        throw new UsageException("proxy.config: " + c.proxyConfig + ": " + e.getMessage());
      }
    } else {
      text = null;
    }
    Optional<IpAddress> bind =
        c.healthCheckBindAddress.equals("none")
            ? Optional.empty()
            : Optional.of(
                IpAddress.tryParse(c.healthCheckBindAddress)
                    .orElseThrow(
                        () ->
                            new UsageException(
                                "proxy.healthCheckBindAddress: "
                                    + c.healthCheckBindAddress
                                    + " (expected: an IP, or none)")));
    return new ProxySubsystem(
        c.nodeName,
        ips,
        node -> text == null ? ProxyConfig.DEFAULT : KubeProxyConfiguration.parse(text, node),
        bind,
        NetworkNamespace.current());
  }

  private Subsystem network(NodeConfig c) {
    Optional<Path> file = Optional.ofNullable(c.networkConfig);
    String option = flagOr("--network-config", networkConfig, "network.config");
    if (file.isPresent()) {
      NetworkCommand.config(
          option, file, ClusterState.EMPTY); // fail now, naming the file and field
    }
    return new NetworkSubsystem(
        c.nodeName,
        state -> NetworkCommand.config(option, file, state),
        c.networkStateDir,
        Optional.ofNullable(c.networkCniConf));
  }

  private Subsystem ingress(NodeConfig c) {
    IngressController.Builder b =
        IngressController.builder()
            .listen(
                AddressPort.parse(
                        flagOr("--ingress-listen", ingressListen, "ingress.listen"),
                        c.ingressListen,
                        "ADDR:PORT")
                    .toSocketAddress());
    if (c.ingressListenTls != null) {
      b.listenTls(
          AddressPort.parse(
                  flagOr("--ingress-listen-tls", ingressListenTls, "ingress.listenTls"),
                  c.ingressListenTls,
                  "ADDR:PORT")
              .toSocketAddress());
    }
    if (c.ingressForwardedHeaders != null) {
      b.forwardedHeaders(c.ingressForwardedHeaders);
    }
    if (c.ingressClientIdleTimeout != null) {
      b.clientIdleTimeout(c.ingressClientIdleTimeout);
    }
    if (c.ingressBackendIdleTimeout != null) {
      b.backendIdleTimeout(c.ingressBackendIdleTimeout);
    }
    return new IngressSubsystem(b, ingressStatus(c));
  }

  /**
   * Where Ingress status goes: with an API server, {@code status.loadBalancer} of each served
   * Ingress gets the node's addresses ({@code --node-ip}, else the Ingress listen address unless it
   * is a wildcard); with manifests, nowhere.
   */
  private Consumer<IngressRoutes> ingressStatus(NodeConfig c) {
    if (kubeClient == null) {
      return routes -> {};
    }
    List<IpAddress> addresses = new ArrayList<>();
    for (String ip : c.nodeIps) {
      IpAddress.tryParse(ip).ifPresent(addresses::add);
    }
    if (addresses.isEmpty()) {
      IpAddress listen =
          IpAddress.of(
              AddressPort.parse("--ingress-listen", c.ingressListen, "ADDR:PORT")
                  .toSocketAddress()
                  .getAddress());
      if (!listen.toInetAddress().isAnyLocalAddress()) {
        addresses.add(listen);
      }
    }
    if (addresses.isEmpty()) {
      log.atWarn()
          .addKeyValue("event", "ingress_status_disabled")
          .log("no node address to publish in Ingress status (give --node-ip)");
      return routes -> {};
    }
    return new IngressStatusWriter(kubeClient, addresses);
  }

  private Subsystem dns(NodeConfig c) {
    PodRecords pods;
    try {
      pods = PodRecords.valueOf(c.dnsPods.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException(
          "dns.pods: " + c.dnsPods + " (expected: disabled, insecure, verified)");
    }
    DnsConfig dnsConfig;
    try {
      dnsConfig =
          DnsConfig.builder(c.dnsZone).ttl(Duration.ofSeconds(c.dnsTtl)).podRecords(pods).build();
    } catch (IllegalArgumentException e) {
      throw new UsageException("dns.zone: " + c.dnsZone + ": " + e.getMessage());
    }
    ClusterDns dns = ClusterDns.create(dnsConfig);
    DnsServer.Builder b =
        DnsServer.builder(
            dns, DnsCommand.hostPort(flagOr("--dns-listen", dnsListen, "dns.listen"), c.dnsListen));
    String upstreamName =
        flagOr("--dns-upstream", dnsUpstreams.isEmpty() ? null : dnsUpstreams, "dns.upstreams");
    for (String u : c.dnsUpstreams) {
      b.upstream(DnsCommand.hostPort(upstreamName, u));
    }
    return new DnsSubsystem(dns, b);
  }
}
