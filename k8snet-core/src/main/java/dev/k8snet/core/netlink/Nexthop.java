package dev.k8snet.core.netlink;

import dev.k8snet.core.IpAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * One path of a multipath route.
 *
 * @param gateway the next hop's address, empty for a directly connected path
 * @param linkIndex the output interface index
 * @param weight the relative weight, 1 to 256 (the kernel stores weight − 1)
 * @since 0.1
 */
public record Nexthop(Optional<IpAddress> gateway, int linkIndex, int weight) {

  /**
   * Validates the components.
   *
   * @param gateway the next hop's address, empty for a directly connected path
   * @param linkIndex the output interface index
   * @param weight the relative weight, 1 to 256 (the kernel stores weight − 1)
   */
  public Nexthop {
    Objects.requireNonNull(gateway, "gateway");
    if (linkIndex <= 0) {
      throw new IllegalArgumentException("linkIndex: " + linkIndex + " (expected: > 0)");
    }
    if (weight < 1 || weight > 256) {
      throw new IllegalArgumentException("weight: " + weight + " (expected: 1 to 256)");
    }
  }

  /**
   * Returns a path via {@code gateway} out of {@code link} with weight 1.
   *
   * @param gateway the next hop
   * @param link the output interface
   * @return the path
   */
  public static Nexthop via(IpAddress gateway, Link link) {
    return new Nexthop(Optional.of(gateway), link.index(), 1);
  }

  /**
   * Returns a copy with {@code value} as weight.
   *
   * @param value the weight
   * @return a copy with the same gateway and interface
   */
  public Nexthop weight(int value) {
    return new Nexthop(gateway, linkIndex, value);
  }
}
