package dev.k8snet.cni.network.internal;

import dev.k8snet.cni.network.BackendType;
import dev.k8snet.cni.network.NetConf;
import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpFamily;
import java.util.List;
import java.util.Optional;

/**
 * The pod network's nftables table {@code inet k8snet-podnet}, rendered as one script that replaces
 * the table atomically.
 *
 * <p>Chain {@code tunnel-mark} (filter, output, priority mangle) clears kube-proxy's masquerade
 * mark {@code 0x4000} on the VXLAN outer packets this host sends, so kube-proxy never NATs them
 * (the kubernetes#88986 / #92035 "63-second" bug) and checksum offload can stay on. Chain {@code
 * postrouting} (nat, priority srcnat) masquerades pod traffic leaving the cluster networks, as
 * Flannel's iptables mode: marked packets and pod-to-cluster traffic return, traffic to local pods
 * returns, cluster sources to non-multicast destinations are masqueraded, and outside traffic to
 * remote pods is masqueraded. Neither chain drops anything, so ICMP frag-needed and packet-too-big
 * always pass.
 */
public final class MasqueradeRules {
  /** The table's family and name. */
  public static final String TABLE = "inet k8snet-podnet";

  /** kube-proxy's masquerade mark. */
  public static final int KUBE_PROXY_MARK = 0x4000;

  private MasqueradeRules() {}

  /**
   * Returns the script that installs the table, or the one that removes it when there is nothing to
   * install (masquerading off and no VXLAN), or empty when nothing must change.
   */
  public static Optional<String> render(NetConf conf, List<Cidr> localPodCidrs) {
    boolean vxlan = conf.backend().type() == BackendType.VXLAN;
    if (!conf.ipMasq() && !vxlan) {
      return Optional.empty();
    }
    StringBuilder s = new StringBuilder();
    s.append("table ").append(TABLE).append(" {\n");
    if (vxlan) {
      s.append("  chain tunnel-mark {\n")
          .append("    type filter hook output priority mangle; policy accept;\n")
          .append("    udp dport ")
          .append(conf.backend().port())
          .append(" meta mark & 0x")
          .append(Integer.toHexString(KUBE_PROXY_MARK))
          .append(" != 0 meta mark set meta mark & 0x")
          .append(Integer.toHexString(~KUBE_PROXY_MARK))
          .append(" comment \"VXLAN outer packets are never masqueraded\"\n")
          .append("  }\n");
    }
    if (conf.ipMasq()) {
      s.append("  chain postrouting {\n")
          .append("    type nat hook postrouting priority srcnat; policy accept;\n")
          .append(
              "    meta mark & 0x4000 == 0x4000 return comment \"kube-proxy masquerades it\"\n");
      for (Cidr net : conf.networks()) {
        String ip = net.family() == IpFamily.IPV4 ? "ip" : "ip6";
        String multicast = net.family() == IpFamily.IPV4 ? "224.0.0.0/4" : "ff00::/8";
        s.append("    ")
            .append(ip)
            .append(" saddr ")
            .append(net)
            .append(' ')
            .append(ip)
            .append(" daddr ")
            .append(net)
            .append(" return comment \"pod to pod keeps its source\"\n");
        for (Cidr pod : localPodCidrs) {
          if (pod.family() == net.family()) {
            s.append("    ")
                .append(ip)
                .append(" daddr ")
                .append(pod)
                .append(" return comment \"to local pods\"\n");
          }
        }
        s.append("    ")
            .append(ip)
            .append(" saddr ")
            .append(net)
            .append(' ')
            .append(ip)
            .append(" daddr != ")
            .append(multicast)
            .append(" masquerade fully-random comment \"pod to outside\"\n");
        s.append("    ")
            .append(ip)
            .append(" daddr ")
            .append(net)
            .append(" masquerade fully-random comment \"outside to remote pod\"\n");
      }
      s.append("  }\n");
    }
    s.append("}\n");
    return Optional.of(s.toString());
  }

  /**
   * The verdict of the {@code postrouting} chain for a packet from {@code src} to {@code dst} on a
   * node with {@code localPodCidrs}, with the comment of the deciding rule: the same order as the
   * rendered rules.
   *
   * @return the verdict
   */
  public static Verdict verdict(
      NetConf conf,
      List<Cidr> localPodCidrs,
      dev.k8snet.core.IpAddress src,
      dev.k8snet.core.IpAddress dst,
      boolean kubeProxyMark) {
    if (!conf.ipMasq()) {
      return new Verdict(false, "masquerading is off (IPMasq false)");
    }
    if (kubeProxyMark) {
      return new Verdict(false, "meta mark & 0x4000: kube-proxy masquerades it");
    }
    Optional<Cidr> net = conf.network(dst.family());
    if (net.isEmpty()) {
      return new Verdict(false, "no cluster network of " + dst.family());
    }
    Cidr n = net.get();
    if (n.contains(src) && n.contains(dst)) {
      return new Verdict(
          false, "saddr " + n + " daddr " + n + " return: pod to pod keeps its source");
    }
    for (Cidr pod : localPodCidrs) {
      if (pod.contains(dst)) {
        return new Verdict(false, "daddr " + pod + " return: to local pods");
      }
    }
    if (n.contains(src) && !dst.isMulticast()) {
      return new Verdict(true, "saddr " + n + " daddr != multicast masquerade: pod to outside");
    }
    if (n.contains(dst)) {
      return new Verdict(true, "daddr " + n + " masquerade: outside to remote pod");
    }
    return new Verdict(false, "neither end in " + n);
  }

  /**
   * A masquerade verdict.
   *
   * @param masquerade whether the source is rewritten to the node's address
   * @param rule the deciding rule
   */
  public record Verdict(boolean masquerade, String rule) {}

  /** The full transaction: create-if-missing, delete, then the new table (or only the delete). */
  public static String transaction(Optional<String> table) {
    String reset = "table " + TABLE + " {}\ndelete table " + TABLE + "\n";
    return reset + table.orElse("");
  }
}
