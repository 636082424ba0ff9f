package dev.k8snet.policy;

/**
 * What decided one direction of a connection.
 *
 * @since 0.1
 */
public enum Tier {
  /** An AdminNetworkPolicy or a ClusterNetworkPolicy of tier Admin (Allow/Accept or Deny). */
  ADMIN("Admin"),
  /** The NetworkPolicies that isolate the pod: a rule allowed it, or none did. */
  NETWORK_POLICY("NetworkPolicy"),
  /** The BaselineAdminNetworkPolicy or a ClusterNetworkPolicy of tier Baseline. */
  BASELINE("Baseline"),
  /** No policy decided: allowed by default. */
  DEFAULT("Default"),
  /**
   * Not subject to policy at all: the endpoint of this direction is not a pod (an external IP, a
   * node or a host-network pod), the traffic comes from the pod's own node, or a pod talks to
   * itself.
   */
  NONE("None");

  private final String displayName;

  Tier(String displayName) {
    this.displayName = displayName;
  }

  /**
   * Returns the name used in JSON and text output.
   *
   * @return e.g. {@code NetworkPolicy}
   */
  public String displayName() {
    return displayName;
  }

  /** Returns {@link #displayName()}. */
  @Override
  public String toString() {
    return displayName;
  }
}
