package dev.k8snet.core.model;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A Kubernetes Node (v1): its addresses, its pod CIDRs (one per family) and its labels.
 *
 * @param metadata the metadata (cluster-scoped)
 * @param addresses {@code status.addresses}, in order
 * @param podCidrs {@code spec.podCIDRs} (or {@code spec.podCIDR}), at most one per family
 * @param unschedulable {@code spec.unschedulable}
 * @since 0.1
 */
public record Node(
    ObjectMeta metadata, List<NodeAddress> addresses, List<Cidr> podCidrs, boolean unschedulable)
    implements KubernetesObject {

  /** The well-known label that names a node's zone. */
  public static final String ZONE_LABEL = "topology.kubernetes.io/zone";

  /** Checks for nulls and copies the lists. */
  public Node {
    Objects.requireNonNull(metadata, "metadata");
    addresses = List.copyOf(addresses);
    podCidrs = List.copyOf(podCidrs);
  }

  /**
   * Returns the node's zone from the {@value #ZONE_LABEL} label.
   *
   * @return the zone, or empty when the label is absent
   */
  public Optional<String> zone() {
    return Optional.ofNullable(metadata.labels().get(ZONE_LABEL));
  }

  /**
   * Returns the IPs of the addresses of one type, in order.
   *
   * @param type {@link NodeAddress.Type#INTERNAL_IP} or {@link NodeAddress.Type#EXTERNAL_IP}
   * @return the IPs
   */
  public List<IpAddress> ips(NodeAddress.Type type) {
    return addresses.stream().filter(a -> a.type() == type).flatMap(a -> a.ip().stream()).toList();
  }

  /**
   * Returns the {@code InternalIP} addresses, in order.
   *
   * @return the IPs
   */
  public List<IpAddress> internalIps() {
    return ips(NodeAddress.Type.INTERNAL_IP);
  }

  /** Returns {@code Node}. */
  @Override
  public String kind() {
    return "Node";
  }
}
