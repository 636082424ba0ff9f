package dev.k8snet.core.model;

import java.util.Optional;

/**
 * A Service's {@code ipFamilyPolicy}.
 *
 * @since 0.1
 */
public enum IpFamilyPolicy {
  /** One IP family. */
  SINGLE_STACK("SingleStack"),
  /** Two families when the cluster has both, else one. */
  PREFER_DUAL_STACK("PreferDualStack"),
  /** Two families. */
  REQUIRE_DUAL_STACK("RequireDualStack");

  private final String kubernetesName;

  IpFamilyPolicy(String kubernetesName) {
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
  public static Optional<IpFamilyPolicy> fromKubernetesName(String name) {
    for (IpFamilyPolicy v : values()) {
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
