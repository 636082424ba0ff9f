package dev.k8snet.core.model;

import static dev.k8snet.core.internal.Checks.check;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A ClusterNetworkPolicy (policy.networking.k8s.io/v1alpha2): a cluster-scoped policy of the Admin
 * tier (before NetworkPolicies) or the Baseline tier (after them), ordered by {@code priority}
 * within its tier. Its {@code Accept} action is {@link AdminPolicyAction#ALLOW}.
 *
 * @param metadata the metadata (cluster-scoped)
 * @param tier the tier
 * @param priority 0–1000; lower is evaluated first within the tier
 * @param subject the pods the policy applies to
 * @param ingress the ingress rules, in precedence order (at most 25)
 * @param egress the egress rules, in precedence order (at most 25)
 * @since 0.1
 */
public record ClusterNetworkPolicy(
    ObjectMeta metadata,
    Tier tier,
    int priority,
    AdminPeer subject,
    List<AdminPolicyRule> ingress,
    List<AdminPolicyRule> egress)
    implements KubernetesObject {

  /**
   * The tier of a ClusterNetworkPolicy.
   *
   * @since 0.1
   */
  public enum Tier {
    /** Evaluated before NetworkPolicies. */
    ADMIN("Admin"),
    /** Evaluated after NetworkPolicies, for pods they do not isolate. */
    BASELINE("Baseline");

    private final String kubernetesName;

    Tier(String kubernetesName) {
      this.kubernetesName = kubernetesName;
    }

    /**
     * Returns the spelling in manifests.
     *
     * @return {@code Admin} or {@code Baseline}
     */
    public String kubernetesName() {
      return kubernetesName;
    }

    /**
     * Parses the spelling in manifests.
     *
     * @param name the name
     * @return the tier, or empty if unknown
     */
    public static Optional<Tier> fromKubernetesName(String name) {
      for (Tier t : values()) {
        if (t.kubernetesName.equals(name)) {
          return Optional.of(t);
        }
      }
      return Optional.empty();
    }
  }

  /**
   * Checks nulls, the priority range, the subject kind and the rule counts.
   *
   * @param metadata the metadata (cluster-scoped)
   * @param tier the tier
   * @param priority 0–1000; lower is evaluated first within the tier
   * @param subject the pods the policy applies to
   * @param ingress the ingress rules, in precedence order (at most 25)
   * @param egress the egress rules, in precedence order (at most 25)
   */
  public ClusterNetworkPolicy {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(tier, "tier");
    check(priority >= 0 && priority <= 1000, "priority", priority, "0 ~ 1000");
    Objects.requireNonNull(subject, "subject");
    check(subject.selectsPods(), "subject", subject, "namespaces or pods");
    ingress = List.copyOf(ingress);
    egress = List.copyOf(egress);
    check(ingress.size() <= 25, "ingress", ingress.size() + " rules", "at most 25");
    check(egress.size() <= 25, "egress", egress.size() + " rules", "at most 25");
  }

  /** Returns {@code ClusterNetworkPolicy}. */
  @Override
  public String kind() {
    return "ClusterNetworkPolicy";
  }
}
