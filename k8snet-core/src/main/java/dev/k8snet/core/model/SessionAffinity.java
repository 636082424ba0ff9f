package dev.k8snet.core.model;

import java.util.Optional;

/**
 * A Service's {@code sessionAffinity}.
 *
 * @since 0.1
 */
public enum SessionAffinity {
  /** No affinity (the default). */
  NONE("None"),
  /** Connections from one client IP go to the same endpoint while the affinity lasts. */
  CLIENT_IP("ClientIP");

  private final String kubernetesName;

  SessionAffinity(String kubernetesName) {
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
  public static Optional<SessionAffinity> fromKubernetesName(String name) {
    for (SessionAffinity v : values()) {
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
