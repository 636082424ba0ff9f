package dev.k8snet.cni.network;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.k8snet.cni.ipam.IpamRange;
import dev.k8snet.cni.network.internal.NetworkPlan;
import dev.k8snet.core.Cidr;
import dev.k8snet.core.model.Node;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A node's pod CIDRs, from {@code Node.spec.podCIDRs} (or {@code podCIDR}), one per enabled family,
 * and what the CNI side makes of them: the IPAM ranges and the bridge network configuration for the
 * node's pods. Pure functions.
 *
 * @since 0.1
 */
public final class NodeSubnets {
  private NodeSubnets() {}

  /**
   * Returns the pod CIDRs of {@code node} that the pod network uses (IPv4 first).
   *
   * @param conf the pod network configuration
   * @param node the node
   * @return the node's pod CIDRs, at most one per enabled family
   * @throws IllegalArgumentException naming the node and field when it has none yet, more than one
   *     per family, or one outside the cluster network
   */
  public static List<Cidr> podCidrs(NetConf conf, Node node) {
    Objects.requireNonNull(conf, "conf");
    NetworkPlan plan = NetworkPlan.compute(conf, List.of(node), node.metadata().name());
    NetworkPlan.NodePlan p = plan.local().orElseThrow();
    List<String> bad = p.problems().stream().filter(s -> s.startsWith("spec.")).toList();
    if (!bad.isEmpty()) {
      throw new IllegalArgumentException("node " + node.metadata().name() + ": " + bad.get(0));
    }
    return p.podCidrList();
  }

  /**
   * Returns the IPAM range sets for {@code podCidrs}: one set per family, the whole subnet.
   *
   * @param podCidrs the node's pod CIDRs
   * @return one range set per CIDR, each holding one range over the whole CIDR
   */
  public static List<List<IpamRange>> ipamRanges(List<Cidr> podCidrs) {
    return podCidrs.stream().map(c -> List.of(IpamRange.of(c))).toList();
  }

  /**
   * Returns the CNI network configuration (JSON) for the bridge on a node with {@code podCidrs}, as
   * Flannel's CNI plugin delegates to the bridge plugin: gateway and default gateway on, hairpin
   * on, {@code mtu}, no per-pod masquerading, host-local compatible IPAM with one range set per
   * family and a route to each cluster network.
   *
   * @param conf the pod network configuration, for the routes to the cluster networks
   * @param podCidrs the node's pod CIDRs
   * @param mtu the pod MTU
   * @param networkName the CNI network name
   * @param bridge the bridge name
   * @param dataDir the IPAM data directory
   * @return the configuration JSON, CNI version 1.0.0
   */
  public static String bridgeConfig(
      NetConf conf, List<Cidr> podCidrs, int mtu, String networkName, String bridge, Path dataDir) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.put("cniVersion", "1.0.0");
    root.put("name", networkName);
    root.put("type", "k8snet-bridge");
    root.put("bridge", bridge);
    root.put("isGateway", true);
    root.put("isDefaultGateway", true);
    root.put("hairpinMode", true);
    root.put("ipMasq", false);
    root.put("mtu", mtu);
    ObjectNode ipam = root.putObject("ipam");
    ipam.put("type", "k8snet-ipam");
    ipam.put("dataDir", dataDir.toString());
    ArrayNode ranges = ipam.putArray("ranges");
    for (Cidr c : podCidrs) {
      ranges.addArray().addObject().put("subnet", c.toString());
    }
    ArrayNode routes = ipam.putArray("routes");
    for (Cidr n : conf.networks()) {
      routes.addObject().put("dst", n.toString());
    }
    return root.toString();
  }
}
