package dev.k8snet.core.model;

import java.util.Optional;

/**
 * The type of a Service ({@code spec.type}).
 *
 * @since 0.1
 */
public enum ServiceType {
  /** A virtual IP reachable inside the cluster (the default). */
  CLUSTER_IP("ClusterIP"),
  /** A ClusterIP service also exposed on a port of every node. */
  NODE_PORT("NodePort"),
  /** A NodePort service also exposed through an external load balancer. */
  LOAD_BALANCER("LoadBalancer"),
  /** A DNS alias (CNAME) for an external name; no proxying. */
  EXTERNAL_NAME("ExternalName");

  private final String kubernetesName;

  ServiceType(String kubernetesName) {
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
  public static Optional<ServiceType> fromKubernetesName(String name) {
    for (ServiceType v : values()) {
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
