package dev.k8snet.core.model;

import static dev.k8snet.core.internal.Checks.check;

import java.util.List;
import java.util.Objects;

/**
 * An AdminNetworkPolicy (policy.networking.k8s.io/v1alpha1): a cluster-scoped policy of the Admin
 * tier, evaluated before NetworkPolicies in ascending {@code priority}.
 *
 * @param metadata the metadata (cluster-scoped)
 * @param priority 0–1000; lower is evaluated first
 * @param subject the pods the policy applies to ({@link AdminPeer.Namespaces} or {@link
 *     AdminPeer.Pods})
 * @param ingress the ingress rules, in precedence order
 * @param egress the egress rules, in precedence order
 * @since 0.1
 */
public record AdminNetworkPolicy(
    ObjectMeta metadata,
    int priority,
    AdminPeer subject,
    List<AdminPolicyRule> ingress,
    List<AdminPolicyRule> egress)
    implements KubernetesObject {

  /**
   * Checks nulls, the priority range and the subject kind.
   *
   * @param metadata the metadata (cluster-scoped)
   * @param priority 0–1000; lower is evaluated first
   * @param subject the pods the policy applies to ({@link AdminPeer.Namespaces} or {@link
   *     AdminPeer.Pods})
   * @param ingress the ingress rules, in precedence order
   * @param egress the egress rules, in precedence order
   */
  public AdminNetworkPolicy {
    Objects.requireNonNull(metadata, "metadata");
    check(priority >= 0 && priority <= 1000, "priority", priority, "0 ~ 1000");
    Objects.requireNonNull(subject, "subject");
    check(subject.selectsPods(), "subject", subject, "namespaces or pods");
    ingress = List.copyOf(ingress);
    egress = List.copyOf(egress);
  }

  /** Returns {@code AdminNetworkPolicy}. */
  @Override
  public String kind() {
    return "AdminNetworkPolicy";
  }
}
