package dev.k8snet.core.model;

import static dev.k8snet.core.internal.Checks.check;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import java.util.List;
import java.util.Objects;

/**
 * A NetworkPolicy {@code ipBlock}: the addresses of {@code cidr} except those in {@code except}. It
 * matches pod IPs as well as external ones.
 *
 * @param cidr the block
 * @param except blocks to exclude, each strictly inside {@code cidr}
 * @since 0.1
 */
public record IpBlock(Cidr cidr, List<Cidr> except) {

  /**
   * Validates as the API server does.
   *
   * @param cidr the block
   * @param except blocks to exclude, each strictly inside {@code cidr}
   * @throws IllegalArgumentException if an {@code except} block is not a strict subset of {@code
   *     cidr}
   */
  public IpBlock {
    Objects.requireNonNull(cidr, "cidr");
    except = List.copyOf(except);
    for (Cidr e : except) {
      check(isStrictSubset(e, cidr), "except", e, "a strict subset of " + cidr);
    }
  }

  /**
   * Returns a block without exceptions.
   *
   * @param cidr the block
   * @return the block
   */
  public static IpBlock of(Cidr cidr) {
    return new IpBlock(cidr, List.of());
  }

  /**
   * Returns whether {@code inner} lies inside {@code outer} with a longer prefix, the API server's
   * rule for {@code except}.
   *
   * @param inner the candidate exception
   * @param outer the block
   * @return whether it is a strict subset
   */
  public static boolean isStrictSubset(Cidr inner, Cidr outer) {
    return inner.family() == outer.family()
        && outer.contains(inner)
        && inner.prefixLength() > outer.prefixLength();
  }

  /**
   * Returns whether the block matches an address: inside {@code cidr} and in no {@code except}.
   *
   * @param ip the address
   * @return whether it matches
   */
  public boolean contains(IpAddress ip) {
    if (!cidr.contains(ip)) {
      return false;
    }
    for (Cidr e : except) {
      if (e.contains(ip)) {
        return false;
      }
    }
    return true;
  }
}
