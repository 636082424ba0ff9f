package dev.k8snet.samples.node;

import dev.k8snet.cni.network.NetConf;
import dev.k8snet.cni.network.NetworkStatus;
import dev.k8snet.cni.network.PeerStatus;
import dev.k8snet.cni.network.RouteManager;
import dev.k8snet.core.cluster.ClusterSource;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.netlink.Netlink;
import dev.k8snet.core.netlink.Sysctls;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.core.nftables.Nftables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.function.Function;

/**
 * The cross-node pod network ({@link RouteManager}: host-gw routes or a VXLAN overlay to every
 * other node's pod CIDR, and masquerading of pod traffic leaving the cluster). It also turns on
 * what pods on a bridge need from the node — forwarding, and bridged traffic passing the IP hooks
 * so that Service replies are un-NATed and policy sees pod-to-pod traffic — and, like Flannel,
 * writes the CNI network configuration for this node's pod CIDR once it is known. Ready once the
 * first sync is done and that file is written; stopping leaves routes and devices in place.
 */
public final class NetworkSubsystem implements Subsystem {
  /** The CNI network name in the written configuration. */
  public static final String CNI_NETWORK = "k8snet";

  /** The pod bridge in the written configuration. */
  public static final String BRIDGE = "cni0";

  private final String nodeName;
  private final Function<ClusterState, NetConf> confOf;
  private NetConf conf;
  private final Path stateDir;
  private final Optional<Path> cniConf;
  private Netlink netlink;
  private Nftables nft;
  private RouteManager manager;
  private ClusterSource view;
  private volatile boolean cniWritten;

  /**
   * Creates the subsystem.
   *
   * @param nodeName this node
   * @param conf the cluster's pod network (net-conf.json), given the snapshot at start
   * @param stateDir where the VTEP MAC and IPAM data live
   * @param cniConf where to write the CNI configuration list for this node's pods, if anywhere
   */
  public NetworkSubsystem(
      String nodeName,
      Function<ClusterState, NetConf> conf,
      Path stateDir,
      Optional<Path> cniConf) {
    this.nodeName = nodeName;
    this.confOf = conf;
    this.stateDir = stateDir;
    this.cniConf = cniConf;
  }

  @Override
  public String name() {
    return "network";
  }

  @Override
  public Stage stage() {
    return Stage.POD_NETWORK;
  }

  @Override
  public void start(ClusterSource cluster, ClusterState now) throws IOException {
    conf = confOf.apply(now);
    Files.createDirectories(stateDir);
    Sysctls sysctls = Sysctls.of(NetworkNamespace.current());
    sysctls.set("net.ipv4.ip_forward", "1");
    sysctls.set("net.bridge.bridge-nf-call-iptables", "1");
    if (conf.network(dev.k8snet.core.IpFamily.IPV6).isPresent()) {
      sysctls.set("net.ipv6.conf.all.forwarding", "1");
      sysctls.set("net.bridge.bridge-nf-call-ip6tables", "1");
    }
    netlink = Netlink.open();
    nft = Nftables.open(NetworkNamespace.current());
    manager =
        RouteManager.builder(netlink, conf, nodeName).stateDir(stateDir).nftables(nft).build();
    view = cluster;
    manager.start(cluster); // the first snapshot is reconciled before this returns
    writeCniConfig();
  }

  /**
   * Writes the CNI configuration once this node's pod CIDR is known; atomic, at most once. Called
   * by start and by health checks (the readiness endpoint's thread), so one caller at a time: both
   * write the same temporary file.
   */
  private synchronized void writeCniConfig() {
    if (cniWritten || cniConf.isEmpty() || manager == null) {
      return;
    }
    Optional<String> text = manager.cniConfig(CNI_NETWORK, BRIDGE, stateDir.resolve("ipam"));
    if (text.isEmpty()) {
      return;
    }
    try {
      Path target = cniConf.get();
      Files.createDirectories(target.toAbsolutePath().getParent());
      Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
      Files.writeString(tmp, text.get() + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      cniWritten = true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + cniConf.get() + ": " + e, e);
    }
  }

  @Override
  public Health health() {
    RouteManager m = manager;
    if (m == null) {
      return new Health(false, false, "not started");
    }
    writeCniConfig(); // the pod CIDR may have arrived since
    NetworkStatus s = m.status();
    long programmed = s.peers().stream().filter(PeerStatus::programmed).count();
    boolean ready = s.syncs() > 0 && (cniConf.isEmpty() || cniWritten);
    String detail =
        s.backend()
            + ", pod CIDRs "
            + s.podCidrs()
            + ", "
            + programmed
            + "/"
            + s.peers().size()
            + " peers programmed"
            + (s.problems().isEmpty() ? "" : ", problems: " + String.join("; ", s.problems()))
            + (cniConf.isPresent() && !cniWritten ? ", CNI configuration not written yet" : "");
    return new Health(true, ready, detail);
  }

  @Override
  public String metrics() {
    RouteManager m = manager;
    if (m == null) {
      return "";
    }
    NetworkStatus s = m.status();
    return new Prometheus()
        .counter("k8snet_network_syncs_total", "Syncs of the pod network.", s.syncs())
        .counter("k8snet_network_kernel_writes_total", "Netlink writes.", s.totalWrites())
        .gauge("k8snet_network_peers", "Peer nodes known.", s.peers().size())
        .gauge(
            "k8snet_network_peers_programmed",
            "Peer nodes whose routes (and tunnel entries) are all in place.",
            s.peers().stream().filter(PeerStatus::programmed).count())
        .gauge("k8snet_network_problems", "Problems of the last sync.", s.problems().size())
        .toString();
  }

  @Override
  public void close() {
    if (manager != null) {
      manager.close(); // routes, devices and rules stay in the kernel
    }
    if (view != null) {
      view.close();
    }
    if (nft != null) {
      nft.close();
    }
    if (netlink != null) {
      netlink.close();
    }
  }
}
