package dev.k8snet.core.model;

import java.util.Optional;

/**
 * A Service's {@code externalTrafficPolicy} or {@code internalTrafficPolicy}.
 *
 * @since 0.1
 */
public enum TrafficPolicy {
  /** Route to all endpoints of the cluster (the default). */
  CLUSTER("Cluster"),
  /** Route only to endpoints on the receiving node. */
  LOCAL("Local");

  private final String kubernetesName;

  TrafficPolicy(String kubernetesName) {
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
  public static Optional<TrafficPolicy> fromKubernetesName(String name) {
    for (TrafficPolicy v : values()) {
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
