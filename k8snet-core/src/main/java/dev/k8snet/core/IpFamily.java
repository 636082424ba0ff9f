package dev.k8snet.core;

/**
 * An IP address family.
 *
 * @since 0.1
 */
public enum IpFamily {
  /** IPv4: 32-bit addresses. */
  IPV4(32),
  /** IPv6: 128-bit addresses. */
  IPV6(128);

  private final int bitLength;

  IpFamily(int bitLength) {
    this.bitLength = bitLength;
  }

  /**
   * Returns the number of bits in an address of this family.
   *
   * @return 32 or 128
   */
  public int bitLength() {
    return bitLength;
  }

  /**
   * Returns the Kubernetes spelling of this family, as in {@code Service.spec.ipFamilies}.
   *
   * @return {@code "IPv4"} or {@code "IPv6"}
   */
  public String kubernetesName() {
    return this == IPV4 ? "IPv4" : "IPv6";
  }

  /**
   * Parses the Kubernetes spelling of a family ({@code IPv4}, {@code IPv6}).
   *
   * @param name the family name, case-sensitive as the API server requires
   * @return the family
   * @throws IllegalArgumentException if {@code name} is neither
   */
  public static IpFamily fromKubernetesName(String name) {
    switch (name) {
      case "IPv4":
        return IPV4;
      case "IPv6":
        return IPV6;
      default:
        throw new IllegalArgumentException("ipFamily: " + name + " (expected: IPv4 or IPv6)");
    }
  }
}
