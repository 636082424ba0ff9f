package dev.k8snet.core.model;

import java.util.Optional;

/**
 * How an Ingress path matches ({@code pathType}).
 *
 * @since 0.1
 */
public enum PathType {
  /** The URL path equals the path, case-sensitively. */
  EXACT("Exact"),
  /** The path's {@code /}-separated elements are a prefix of the URL path's. */
  PREFIX("Prefix"),
  /** Up to the controller; k8snet treats it as {@code Prefix}. */
  IMPLEMENTATION_SPECIFIC("ImplementationSpecific");

  private final String kubernetesName;

  PathType(String kubernetesName) {
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
  public static Optional<PathType> fromKubernetesName(String name) {
    for (PathType v : values()) {
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
