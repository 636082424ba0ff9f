package dev.k8snet.core.model;

/**
 * What an admin network policy rule does with matching traffic.
 *
 * @since 0.1
 */
public enum AdminPolicyAction {
  /**
   * Allow the traffic; no further rules or NetworkPolicies are consulted for this direction. It is
   * {@code Allow} in v1alpha1 and {@code Accept} in v1alpha2.
   */
  ALLOW,
  /** Drop the traffic; nothing further is consulted. */
  DENY,
  /**
   * Skip the remaining rules of the tier: evaluation continues with NetworkPolicies (from the Admin
   * tier) or with the default allow (from the Baseline tier of ClusterNetworkPolicy).
   */
  PASS
}
