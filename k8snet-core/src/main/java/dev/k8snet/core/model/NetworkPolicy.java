package dev.k8snet.core.model;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A Kubernetes NetworkPolicy (networking.k8s.io/v1) with its {@code policyTypes} defaulted as the
 * API server does: {@code Ingress}, plus {@code Egress} when there are egress rules.
 *
 * <p>A pod selected by {@code podSelector} (in the policy's namespace) is isolated for each
 * direction in {@code policyTypes}; traffic in that direction is then allowed only if it matches a
 * rule. Rules for a direction not in {@code policyTypes} are ignored.
 *
 * @param metadata the metadata
 * @param podSelector the pods the policy applies to; empty selects every pod of the namespace
 * @param policyTypes the directions the policy isolates (never empty)
 * @param ingress the ingress rules; empty with Ingress in {@code policyTypes} allows nothing
 * @param egress the egress rules; empty with Egress in {@code policyTypes} allows nothing
 * @since 0.1
 */
public record NetworkPolicy(
    ObjectMeta metadata,
    LabelSelector podSelector,
    Set<PolicyType> policyTypes,
    List<NetworkPolicyRule> ingress,
    List<NetworkPolicyRule> egress)
    implements KubernetesObject {

  /**
   * Checks nulls and copies collections.
   *
   * @param metadata the metadata
   * @param podSelector the pods the policy applies to; empty selects every pod of the namespace
   * @param policyTypes the directions the policy isolates (never empty)
   * @param ingress the ingress rules; empty with Ingress in {@code policyTypes} allows nothing
   * @param egress the egress rules; empty with Egress in {@code policyTypes} allows nothing
   */
  public NetworkPolicy {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(podSelector, "podSelector");
    if (policyTypes.isEmpty()) {
      throw new IllegalArgumentException("policyTypes: [] (expected: Ingress and/or Egress)");
    }
    policyTypes = java.util.Collections.unmodifiableSet(EnumSet.copyOf(policyTypes));
    ingress = List.copyOf(ingress);
    egress = List.copyOf(egress);
  }

  /**
   * Returns whether the policy isolates its pods in a direction.
   *
   * @param type the direction
   * @return whether {@code policyTypes} contains it
   */
  public boolean isolates(PolicyType type) {
    return policyTypes.contains(type);
  }

  /** Returns {@code NetworkPolicy}. */
  @Override
  public String kind() {
    return "NetworkPolicy";
  }
}
