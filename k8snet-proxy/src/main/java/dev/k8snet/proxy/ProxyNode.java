package dev.k8snet.proxy;

import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.model.Node;
import dev.k8snet.core.model.NodeAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The node a proxy runs on: its name (to tell local endpoints), its addresses (the first of each
 * family is the primary one; all count as local for {@code fib saddr type local}) and its labels
 * (the zone, for topology hints).
 *
 * @param name the node name
 * @param ips the node's local addresses, primary first per family
 * @param labels the Node's labels
 * @since 0.1.0
 */
public record ProxyNode(String name, List<IpAddress> ips, Map<String, String> labels) {

  /**
   * Validates and copies.
   *
   * @param name the node name
   * @param ips the node's local addresses, primary first per family
   * @param labels the Node's labels
   */
  public ProxyNode {
    Objects.requireNonNull(name, "name");
    ips = List.copyOf(ips);
    labels = Map.copyOf(labels);
  }

  /**
   * Returns the node from its Node object, or from the name alone when there is none.
   *
   * @param name the node name
   * @param node the Node, if known
   * @param extraIps addresses given on the command line ({@code --node-ip}); when present they come
   *     first (and so are primary)
   * @return the node
   */
  public static ProxyNode of(String name, Optional<Node> node, List<IpAddress> extraIps) {
    List<IpAddress> ips = new ArrayList<>(extraIps);
    node.ifPresent(
        n -> {
          for (IpAddress ip : n.ips(NodeAddress.Type.INTERNAL_IP)) {
            if (!ips.contains(ip)) {
              ips.add(ip);
            }
          }
          for (IpAddress ip : n.ips(NodeAddress.Type.EXTERNAL_IP)) {
            if (!ips.contains(ip)) {
              ips.add(ip);
            }
          }
        });
    return new ProxyNode(name, ips, node.map(n -> n.metadata().labels()).orElse(Map.of()));
  }

  /**
   * Returns the zone label, {@code topology.kubernetes.io/zone}.
   *
   * @return the zone, if labelled
   */
  public Optional<String> zone() {
    return Optional.ofNullable(labels.get(Node.ZONE_LABEL));
  }

  /**
   * Returns the primary address of a family: the first one listed.
   *
   * @param family the family
   * @return the address, if the node has one of that family
   */
  public Optional<IpAddress> primaryIp(IpFamily family) {
    return ips.stream().filter(ip -> ip.family() == family).findFirst();
  }

  /**
   * Returns whether an address is one of the node's own ({@code fib type local}).
   *
   * @param ip the address
   * @return true if local
   */
  public boolean isLocal(IpAddress ip) {
    return ips.contains(ip);
  }
}
