package dev.k8snet.core.model;

import java.util.Optional;

/**
 * How a load balancer's ingress IP reaches the nodes ({@code
 * status.loadBalancer.ingress[].ipMode}).
 *
 * @since 0.1
 */
public enum IpMode {
  /** Traffic arrives with the load balancer's IP as destination; nodes capture it (the default). */
  VIP("VIP"),
  /** Traffic arrives at the node's IP from the load balancer; nodes must not capture the IP. */
  PROXY("Proxy");

  private final String kubernetesName;

  IpMode(String kubernetesName) {
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
  public static Optional<IpMode> fromKubernetesName(String name) {
    for (IpMode v : values()) {
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
