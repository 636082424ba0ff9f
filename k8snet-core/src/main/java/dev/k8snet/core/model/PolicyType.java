package dev.k8snet.core.model;

import java.util.Optional;

/**
 * A direction a NetworkPolicy isolates ({@code spec.policyTypes}).
 *
 * @since 0.1
 */
public enum PolicyType {
  /** Traffic to the selected pods. */
  INGRESS("Ingress"),
  /** Traffic from the selected pods. */
  EGRESS("Egress");

  private final String kubernetesName;

  PolicyType(String kubernetesName) {
    this.kubernetesName = kubernetesName;
  }

  /**
   * Returns the spelling in manifests.
   *
   * @return the name as the API writes it
   * @since 0.1
   */
  public String kubernetesName() {
    return kubernetesName;
  }

  /**
   * Parses the spelling in manifests (case-sensitive).
   *
   * @param name the name
   * @return the constant, or empty if {@code name} is not one
   * @since 0.1
   */
  public static Optional<PolicyType> fromKubernetesName(String name) {
    for (PolicyType v : values()) {
      if (v.kubernetesName.equals(name)) {
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }

  /** Returns the spelling in manifests. */
  @Override
  public String toString() {
    return kubernetesName;
  }
}
