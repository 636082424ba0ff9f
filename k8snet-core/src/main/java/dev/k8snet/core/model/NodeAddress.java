package dev.k8snet.core.model;

import dev.k8snet.core.IpAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of a Node's {@code status.addresses}.
 *
 * @param type the address type
 * @param address the address: an IP for {@code InternalIP}/{@code ExternalIP}, a host name
 *     otherwise
 * @since 0.1
 */
public record NodeAddress(Type type, String address) {

  /**
   * The type of a node address.
   *
   * @since 0.1
   */
  public enum Type {
    /** {@code InternalIP}: reachable within the cluster. */
    INTERNAL_IP("InternalIP"),
    /** {@code ExternalIP}: reachable from outside the cluster. */
    EXTERNAL_IP("ExternalIP"),
    /** {@code Hostname}: the node's host name. */
    HOSTNAME("Hostname"),
    /** {@code InternalDNS}: a DNS name resolvable within the cluster. */
    INTERNAL_DNS("InternalDNS"),
    /** {@code ExternalDNS}: a DNS name resolvable from outside. */
    EXTERNAL_DNS("ExternalDNS");

    private final String kubernetesName;

    Type(String kubernetesName) {
      this.kubernetesName = kubernetesName;
    }

    /**
     * Returns the spelling in manifests.
     *
     * @return e.g. {@code InternalIP}
     */
    public String kubernetesName() {
      return kubernetesName;
    }

    /**
     * Parses the spelling in manifests.
     *
     * @param name the name
     * @return the type, or empty if unknown
     */
    public static Optional<Type> fromKubernetesName(String name) {
      for (Type t : values()) {
        if (t.kubernetesName.equals(name)) {
          return Optional.of(t);
        }
      }
      return Optional.empty();
    }
  }

  /**
   * Checks for nulls.
   *
   * @param type the address type
   * @param address the address: an IP for {@code InternalIP}/{@code ExternalIP}, a host name
   *     otherwise
   */
  public NodeAddress {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(address, "address");
  }

  /**
   * Returns the address as an IP, when it is one.
   *
   * @return the IP, or empty for host names
   */
  public Optional<IpAddress> ip() {
    return IpAddress.tryParse(address);
  }
}
