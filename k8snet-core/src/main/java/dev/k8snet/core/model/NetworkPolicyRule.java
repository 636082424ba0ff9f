package dev.k8snet.core.model;

import java.util.List;

/**
 * One NetworkPolicy ingress or egress rule: traffic matches when it comes from (goes to) one of the
 * peers AND uses one of the ports.
 *
 * <p>Empty lists mean "everything": no peers (field absent or {@code []}) matches every source or
 * destination, including external IPs; no ports (absent or {@code []}) matches every port of every
 * protocol. An entry {@code {}} in {@code ports} is not the same: it matches all TCP ports only.
 *
 * @param peers {@code from} (ingress) or {@code to} (egress)
 * @param ports {@code ports}
 * @since 0.1
 */
public record NetworkPolicyRule(List<NetworkPolicyPeer> peers, List<NetworkPolicyPort> ports) {
  /** A rule that matches all traffic: {@code {}}. */
  public static final NetworkPolicyRule ALLOW_ALL = new NetworkPolicyRule(List.of(), List.of());

  /**
   * Copies the lists.
   *
   * @param peers {@code from} (ingress) or {@code to} (egress)
   * @param ports {@code ports}
   */
  public NetworkPolicyRule {
    peers = List.copyOf(peers);
    ports = List.copyOf(ports);
  }
}
