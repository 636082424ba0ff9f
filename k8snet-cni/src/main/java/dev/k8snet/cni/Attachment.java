package dev.k8snet.cni;

import java.util.Objects;

/**
 * One attachment of a container to a network: the key of IPAM reservations and cached results.
 *
 * @param containerId the container id
 * @param ifname the interface name in the container
 * @since 0.1
 */
public record Attachment(String containerId, String ifname) {
  /**
   * Validates the components.
   *
   * @param containerId the container id
   * @param ifname the interface name in the container
   */
  public Attachment {
    Objects.requireNonNull(containerId, "containerId");
    Objects.requireNonNull(ifname, "ifname");
  }
}
