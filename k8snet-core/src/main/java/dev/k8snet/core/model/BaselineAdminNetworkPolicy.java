package dev.k8snet.core.model;

import static dev.k8snet.core.internal.Checks.check;

import java.util.List;
import java.util.Objects;

/**
 * The BaselineAdminNetworkPolicy (policy.networking.k8s.io/v1alpha1): the cluster's single policy
 * of the Baseline tier (named {@code default}), consulted only for traffic that no Admin-tier rule
 * decided and no NetworkPolicy isolates. Its actions are ALLOW and DENY.
 *
 * @param metadata the metadata (cluster-scoped; the name is {@code default})
 * @param subject the pods the policy applies to
 * @param ingress the ingress rules, in precedence order
 * @param egress the egress rules, in precedence order
 * @since 0.1
 */
public record BaselineAdminNetworkPolicy(
    ObjectMeta metadata,
    AdminPeer subject,
    List<AdminPolicyRule> ingress,
    List<AdminPolicyRule> egress)
    implements KubernetesObject {

  /**
   * Checks nulls, the subject kind and that no rule passes.
   *
   * @param metadata the metadata (cluster-scoped; the name is {@code default})
   * @param subject the pods the policy applies to
   * @param ingress the ingress rules, in precedence order
   * @param egress the egress rules, in precedence order
   */
  public BaselineAdminNetworkPolicy {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(subject, "subject");
    check(subject.selectsPods(), "subject", subject, "namespaces or pods");
    ingress = List.copyOf(ingress);
    egress = List.copyOf(egress);
    for (AdminPolicyRule r : ingress) {
      check(r.action() != AdminPolicyAction.PASS, "action", r.action(), "ALLOW or DENY");
    }
    for (AdminPolicyRule r : egress) {
      check(r.action() != AdminPolicyAction.PASS, "action", r.action(), "ALLOW or DENY");
    }
  }

  /** Returns {@code BaselineAdminNetworkPolicy}. */
  @Override
  public String kind() {
    return "BaselineAdminNetworkPolicy";
  }
}
