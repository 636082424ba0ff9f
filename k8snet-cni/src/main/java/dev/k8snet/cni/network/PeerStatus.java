package dev.k8snet.cni.network;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.MacAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The state of the path from this node to one peer node, as of the last sync. Immutable.
 *
 * @param node the peer's Node name
 * @param podCidrs the peer's pod CIDRs (one per family)
 * @param underlayIps the peer's underlay addresses used as next hop or tunnel endpoint
 * @param vtepMac the peer's VTEP MAC, for VXLAN paths
 * @param mode how the peer is reached
 * @param programmed whether every kernel object for the peer is in place
 * @param mtu the MTU of the path for pod traffic (tunnel or underlay device MTU)
 * @param lastError why the peer is not (fully) programmed, if it is not
 * @since 0.1
 */
public record PeerStatus(
    String node,
    List<Cidr> podCidrs,
    List<IpAddress> underlayIps,
    Optional<MacAddress> vtepMac,
    PathMode mode,
    boolean programmed,
    OptionalInt mtu,
    Optional<String> lastError) {

  /**
   * Validates and copies the components.
   *
   * @param node the peer's Node name
   * @param podCidrs the peer's pod CIDRs (one per family)
   * @param underlayIps the peer's underlay addresses used as next hop or tunnel endpoint
   * @param vtepMac the peer's VTEP MAC, for VXLAN paths
   * @param mode how the peer is reached
   * @param programmed whether every kernel object for the peer is in place
   * @param mtu the MTU of the path for pod traffic (tunnel or underlay device MTU)
   * @param lastError why the peer is not (fully) programmed, if it is not
   */
  public PeerStatus {
    Objects.requireNonNull(node, "node");
    podCidrs = List.copyOf(podCidrs);
    underlayIps = List.copyOf(underlayIps);
    Objects.requireNonNull(vtepMac, "vtepMac");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(mtu, "mtu");
    Objects.requireNonNull(lastError, "lastError");
  }
}
