package dev.k8snet.core.model;

import java.util.Objects;
import java.util.Optional;

/**
 * A NetworkPolicy peer ({@code from[]} / {@code to[]}): pods by selector (in the policy's
 * namespace, or in the namespaces a namespace selector picks, both ANDed), or an {@link IpBlock}.
 *
 * <p>A {@code podSelector} alone selects pods in the policy's own namespace; a {@code
 * namespaceSelector} alone selects all pods of the matching namespaces; both select the matching
 * pods in the matching namespaces.
 *
 * @param podSelector the pod selector, if given
 * @param namespaceSelector the namespace selector, if given
 * @param ipBlock the IP block, if given (then neither selector is)
 * @since 0.1
 */
public record NetworkPolicyPeer(
    Optional<LabelSelector> podSelector,
    Optional<LabelSelector> namespaceSelector,
    Optional<IpBlock> ipBlock) {

  /**
   * Validates as the API server does.
   *
   * @param podSelector the pod selector, if given
   * @param namespaceSelector the namespace selector, if given
   * @param ipBlock the IP block, if given (then neither selector is)
   * @throws IllegalArgumentException if no peer is given, or an IP block is given with a selector
   */
  public NetworkPolicyPeer {
    Objects.requireNonNull(podSelector, "podSelector");
    Objects.requireNonNull(namespaceSelector, "namespaceSelector");
    Objects.requireNonNull(ipBlock, "ipBlock");
    if (podSelector.isEmpty() && namespaceSelector.isEmpty() && ipBlock.isEmpty()) {
      throw new IllegalArgumentException("peer: {} (expected: must specify a peer)");
    }
    if (ipBlock.isPresent() && (podSelector.isPresent() || namespaceSelector.isPresent())) {
      throw new IllegalArgumentException(
          "peer: " + ipBlock.get() + " (expected: may not specify both ipBlock and another peer)");
    }
  }

  /**
   * Returns a peer of the pods a selector picks in the policy's namespace.
   *
   * @param podSelector the selector
   * @return the peer
   */
  public static NetworkPolicyPeer pods(LabelSelector podSelector) {
    return new NetworkPolicyPeer(Optional.of(podSelector), Optional.empty(), Optional.empty());
  }

  /**
   * Returns a peer of all pods in the namespaces a selector picks.
   *
   * @param namespaceSelector the selector
   * @return the peer
   */
  public static NetworkPolicyPeer namespaces(LabelSelector namespaceSelector) {
    return new NetworkPolicyPeer(
        Optional.empty(), Optional.of(namespaceSelector), Optional.empty());
  }

  /**
   * Returns a peer of the pods a selector picks in the namespaces another selector picks.
   *
   * @param podSelector the pod selector
   * @param namespaceSelector the namespace selector
   * @return the peer
   */
  public static NetworkPolicyPeer podsInNamespaces(
      LabelSelector podSelector, LabelSelector namespaceSelector) {
    return new NetworkPolicyPeer(
        Optional.of(podSelector), Optional.of(namespaceSelector), Optional.empty());
  }

  /**
   * Returns a peer of an IP block.
   *
   * @param ipBlock the block
   * @return the peer
   */
  public static NetworkPolicyPeer ipBlock(IpBlock ipBlock) {
    return new NetworkPolicyPeer(Optional.empty(), Optional.empty(), Optional.of(ipBlock));
  }
}
