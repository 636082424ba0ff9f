package dev.k8snet.core.model;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A Kubernetes Node (v1): its addresses, its pod CIDRs (one per family), its labels, its taints and
 * whether it is being deleted.
 *
 * @param metadata the metadata (cluster-scoped)
 * @param addresses {@code status.addresses}, in order
 * @param podCidrs {@code spec.podCIDRs} (or {@code spec.podCIDR}), at most one per family
 * @param unschedulable {@code spec.unschedulable}
 * @param taints {@code spec.taints}, in order
 * @param deletionTimestamp {@code metadata.deletionTimestamp}: set once the node is being deleted
 * @since 0.1
 */
public record Node(
    ObjectMeta metadata,
    List<NodeAddress> addresses,
    List<Cidr> podCidrs,
    boolean unschedulable,
    List<Taint> taints,
    Optional<Instant> deletionTimestamp)
    implements KubernetesObject {

  /** The well-known label that names a node's zone. */
  public static final String ZONE_LABEL = "topology.kubernetes.io/zone";

  /** The taint the cluster autoscaler puts on a node it is about to remove. */
  public static final String TO_BE_DELETED_TAINT = "ToBeDeletedByClusterAutoscaler";

  /**
   * A taint of a node.
   *
   * @param key the key
   * @param value the value, {@code ""} when absent
   * @param effect {@code NoSchedule}, {@code PreferNoSchedule} or {@code NoExecute}
   * @since 0.1
   */
  public record Taint(String key, String value, String effect) {
    /**
     * Checks for nulls.
     *
     * @param key the key
     * @param value the value, {@code ""} when absent
     * @param effect {@code NoSchedule}, {@code PreferNoSchedule} or {@code NoExecute}
     */
    public Taint {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(effect, "effect");
    }
  }

  /**
   * Checks for nulls and copies the lists.
   *
   * @param metadata the metadata (cluster-scoped)
   * @param addresses {@code status.addresses}, in order
   * @param podCidrs {@code spec.podCIDRs} (or {@code spec.podCIDR}), at most one per family
   * @param unschedulable {@code spec.unschedulable}
   * @param taints {@code spec.taints}, in order
   * @param deletionTimestamp {@code metadata.deletionTimestamp}: set once the node is being deleted
   */
  public Node {
    Objects.requireNonNull(metadata, "metadata");
    addresses = List.copyOf(addresses);
    podCidrs = List.copyOf(podCidrs);
    taints = List.copyOf(taints);
    Objects.requireNonNull(deletionTimestamp, "deletionTimestamp");
  }

  /**
   * Returns a node without taints that is not being deleted.
   *
   * @param metadata the metadata
   * @param addresses the addresses
   * @param podCidrs the pod CIDRs
   * @param unschedulable whether unschedulable
   */
  public Node(
      ObjectMeta metadata,
      List<NodeAddress> addresses,
      List<Cidr> podCidrs,
      boolean unschedulable) {
    this(metadata, addresses, podCidrs, unschedulable, List.of(), Optional.empty());
  }

  /**
   * Returns whether the node is on its way out: being deleted, or tainted {@value
   * #TO_BE_DELETED_TAINT} by the cluster autoscaler (kube-proxy then fails its {@code /healthz} so
   * that load balancers drain the node, KEP-3836).
   *
   * @return true when the node is going away
   */
  public boolean goingAway() {
    return deletionTimestamp.isPresent()
        || taints.stream().anyMatch(t -> t.key().equals(TO_BE_DELETED_TAINT));
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
