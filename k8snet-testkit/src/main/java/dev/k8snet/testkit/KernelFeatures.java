package dev.k8snet.testkit;

import dev.k8snet.core.netlink.LinkKind;
import dev.k8snet.core.netlink.LinkSpec;
import dev.k8snet.core.netlink.Netlink;
import dev.k8snet.core.netlink.NetlinkException;
import org.junit.jupiter.api.Assumptions;

/**
 * Probes for kernel features that differ between kernel builds, and skips a test (in every {@code
 * k8snet.privileged} mode) with the reason when one is missing.
 *
 * @since 0.1
 */
public final class KernelFeatures {
  private static final int EOPNOTSUPP = 95;

  private KernelFeatures() {}

  /**
   * Returns whether the kernel knows the link kind {@code kind}, by asking it to create a probe
   * link without settings through {@code nl}: {@code EOPNOTSUPP} means the kind is missing; success
   * (the probe is deleted again) or any other refusal (e.g. {@code EINVAL} because a {@code vlan}
   * needs a parent) means the kernel has it.
   *
   * @param nl the handle of the namespace to probe in
   * @param kind the kernel's kind name, e.g. {@code vxlan}
   * @return false only when the kernel answered {@code EOPNOTSUPP}
   */
  public static boolean hasLinkKind(Netlink nl, String kind) {
    String name = "k8probe" + Math.abs(System.nanoTime() % 100000);
    try {
      nl.addLink(LinkSpec.of(name, new LinkKind.Simple(kind)));
    } catch (NetlinkException e) {
      return e.errno() != EOPNOTSUPP;
    }
    nl.link(name).ifPresent(nl::deleteLink);
    return true;
  }

  /**
   * Skips the test when the kernel cannot create links of {@code kind}.
   *
   * @param nl the handle of the namespace to probe in
   * @param kind the kernel's kind name, e.g. {@code vxlan}
   */
  public static void assumeLinkKind(Netlink nl, String kind) {
    Assumptions.assumeTrue(
        hasLinkKind(nl, kind), "kernel lacks link kind '" + kind + "' (EOPNOTSUPP)");
  }
}
