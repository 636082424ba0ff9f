package dev.k8snet.samples.node;

import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.cluster.ClusterSource;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.Service;
import dev.k8snet.core.netlink.Conntrack;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.core.nftables.Nftables;
import dev.k8snet.proxy.ConntrackCleaner;
import dev.k8snet.proxy.HealthCheckServer;
import dev.k8snet.proxy.NftablesProxy;
import dev.k8snet.proxy.ProxyConfig;
import dev.k8snet.proxy.ProxyMetrics;
import dev.k8snet.proxy.ProxyNode;
import dev.k8snet.proxy.ServiceProxy;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The service proxy: kube-proxy's nftables mode in this network namespace ({@link ServiceProxy}
 * around {@link NftablesProxy}), with the health-check node ports of {@code externalTrafficPolicy:
 * Local} load balancers. Ready after its first successful sync; stopping forgets the in-memory
 * mirror but leaves the table in the kernel, and the next start rebuilds it in one transaction
 * (established connections keep their conntrack entries throughout).
 */
public final class ProxySubsystem implements Subsystem {
  private final String nodeName;
  private final List<IpAddress> nodeIps;
  private final Function<Optional<dev.k8snet.core.model.Node>, ProxyConfig> config;
  private final Optional<IpAddress> healthCheckBind;
  private final NetworkNamespace namespace;
  private Nftables nft;
  private Conntrack conntrack;
  private NftablesProxy proxy;
  private HealthCheckServer health;
  private ServiceProxy loop;
  private volatile String lastError = "";

  /**
   * Creates the subsystem.
   *
   * @param nodeName this node's name
   * @param nodeIps extra local addresses of the node (the Node object's are used too)
   * @param config the proxy settings, given the Node object when the cluster has one
   * @param healthCheckBind where health-check node ports listen; empty disables them
   * @param namespace the network namespace to program (the node's: normally the current one)
   */
  public ProxySubsystem(
      String nodeName,
      List<IpAddress> nodeIps,
      Function<Optional<dev.k8snet.core.model.Node>, ProxyConfig> config,
      Optional<IpAddress> healthCheckBind,
      NetworkNamespace namespace) {
    this.nodeName = nodeName;
    this.nodeIps = List.copyOf(nodeIps);
    this.config = config;
    this.healthCheckBind = healthCheckBind;
    this.namespace = namespace;
  }

  @Override
  public String name() {
    return "proxy";
  }

  @Override
  public Stage stage() {
    return Stage.PROXY;
  }

  @Override
  public void start(ClusterSource cluster, ClusterState now) {
    // The Node object (addresses, zone) and the families come from the snapshot at start.
    ProxyNode node = ProxyNode.of(nodeName, now.node(nodeName), nodeIps);
    ProxyConfig proxyConfig = config.apply(now.node(nodeName));
    boolean v6 =
        node.primaryIp(IpFamily.IPV6).isPresent()
            || now.services().stream()
                .map(Service::clusterIps)
                .flatMap(List::stream)
                .anyMatch(IpAddress::isIpv6);
    List<IpFamily> families = new ArrayList<>(List.of(IpFamily.IPV4));
    if (v6) {
      families.add(IpFamily.IPV6);
    }
    nft = Nftables.open(namespace);
    conntrack = Conntrack.open(namespace);
    proxy = NftablesProxy.create(nft);
    if (healthCheckBind.isPresent()) {
      health = HealthCheckServer.create(healthCheckBind.get());
    }
    loop =
        ServiceProxy.create(
            cluster,
            node,
            proxyConfig,
            families,
            (tables, full) -> {
              try {
                var r = proxy.sync(tables, full);
                lastError = "";
                return r;
              } catch (RuntimeException e) {
                lastError = e.getMessage();
                throw e;
              }
            },
            Optional.ofNullable(health),
            Optional.of(ConntrackCleaner.create(conntrack)),
            InstantSource.system());
    loop.start();
  }

  @Override
  public Health health() {
    ServiceProxy l = loop;
    if (l == null) {
      return new Health(false, false, "not started");
    }
    ProxyMetrics m = l.metrics();
    long syncs = m.fullSyncs() + m.partialSyncs();
    boolean ready = syncs > 0 && lastError.isEmpty();
    return new Health(
        true,
        ready,
        syncs == 0
            ? "waiting for the first sync" + (lastError.isEmpty() ? "" : ": " + lastError)
            : lastError.isEmpty()
                ? syncs + " syncs, " + m.elements() + " elements, " + m.chains() + " chains"
                : "last sync failed (previous rules in force): " + lastError);
  }

  @Override
  public String metrics() {
    ServiceProxy l = loop;
    ProxyMetrics m = l == null ? ProxyMetrics.NONE : l.metrics();
    return new Prometheus()
        .counter("k8snet_proxy_full_syncs_total", "Successful full syncs.", m.fullSyncs())
        .counter("k8snet_proxy_partial_syncs_total", "Successful partial syncs.", m.partialSyncs())
        .counter(
            "k8snet_proxy_sync_failures_total",
            "Failed syncs (the previous rules stayed in force).",
            m.failures())
        .counter(
            "k8snet_proxy_full_sync_seconds_total",
            "Time spent in full syncs.",
            m.totalFullSync().toNanos() / 1e9)
        .counter(
            "k8snet_proxy_partial_sync_seconds_total",
            "Time spent in partial syncs.",
            m.totalPartialSync().toNanos() / 1e9)
        .gauge(
            "k8snet_proxy_network_programming_seconds",
            "From the arrival of the last applied cluster update to its commit.",
            m.lastProgrammingLatency().toNanos() / 1e9)
        .gauge("k8snet_proxy_elements", "Set and map elements programmed.", m.elements())
        .gauge("k8snet_proxy_chains", "Dispatch chains programmed.", m.chains())
        .toString();
  }

  @Override
  public void close() {
    if (loop != null) {
      loop.close(); // also unsubscribes the view
    }
    if (health != null) {
      health.close();
    }
    if (proxy != null) {
      proxy.close(); // forgets the mirror; the table stays in the kernel
    }
    if (nft != null) {
      nft.close();
    }
    if (conntrack != null) {
      conntrack.close();
    }
  }
}
