package dev.k8snet.core.model;

import java.util.List;
import java.util.Objects;

/**
 * One ingress or egress rule of an admin network policy. Rules of a policy are evaluated in list
 * order; the first that matches decides.
 *
 * @param name the rule's name ({@code ""} when unnamed), for explanations
 * @param action what to do with matching traffic
 * @param peers {@code from} (ingress) or {@code to} (egress): at least one
 * @param ports the destination ports; empty matches every port and protocol
 * @since 0.1
 */
public record AdminPolicyRule(
    String name, AdminPolicyAction action, List<AdminPeer> peers, List<AdminPort> ports) {
  /**
   * Checks nulls and that there is a peer.
   *
   * @param name the rule's name ({@code ""} when unnamed), for explanations
   * @param action what to do with matching traffic
   * @param peers {@code from} (ingress) or {@code to} (egress): at least one
   * @param ports the destination ports; empty matches every port and protocol
   */
  public AdminPolicyRule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(action, "action");
    peers = List.copyOf(peers);
    ports = List.copyOf(ports);
    if (peers.isEmpty()) {
      throw new IllegalArgumentException("peers: [] (expected: at least 1 peer)");
    }
  }
}
