package dev.k8snet.cni.network;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.MacAddress;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A snapshot of the pod network on this node after a sync: the local subnet and MTU, each peer's
 * status, problems that concern the whole node, and how many kernel writes the sync made.
 * Immutable.
 *
 * @param node this node's name
 * @param backend the backend in use
 * @param podCidrs this node's pod CIDRs (the ranges its IPAM hands out)
 * @param podMtu the MTU pods on this node should use (for the CNI bridge config), once known
 * @param vtepMac this node's VTEP MAC (VXLAN), once the device exists
 * @param peers every other node, sorted by name
 * @param problems node-wide problems (own podCIDR missing, underlay not found…), empty when healthy
 * @param lastWrites the kernel writes (netlink requests and nftables transactions) of the last sync
 * @param totalWrites the kernel writes since the manager was built
 * @param syncs the number of syncs so far
 * @param lastSync when the last sync finished
 * @since 0.1
 */
public record NetworkStatus(
    String node,
    BackendType backend,
    List<Cidr> podCidrs,
    OptionalInt podMtu,
    Optional<MacAddress> vtepMac,
    List<PeerStatus> peers,
    List<String> problems,
    long lastWrites,
    long totalWrites,
    long syncs,
    Optional<Instant> lastSync) {

  /**
   * Validates and copies the components.
   *
   * @param node this node's name
   * @param backend the backend in use
   * @param podCidrs this node's pod CIDRs (the ranges its IPAM hands out)
   * @param podMtu the MTU pods on this node should use (for the CNI bridge config), once known
   * @param vtepMac this node's VTEP MAC (VXLAN), once the device exists
   * @param peers every other node, sorted by name
   * @param problems node-wide problems (own podCIDR missing, underlay not found…), empty when
   *     healthy
   * @param lastWrites the kernel writes (netlink requests and nftables transactions) of the last
   *     sync
   * @param totalWrites the kernel writes since the manager was built
   * @param syncs the number of syncs so far
   * @param lastSync when the last sync finished
   */
  public NetworkStatus {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(backend, "backend");
    podCidrs = List.copyOf(podCidrs);
    Objects.requireNonNull(podMtu, "podMtu");
    Objects.requireNonNull(vtepMac, "vtepMac");
    peers = List.copyOf(peers);
    problems = List.copyOf(problems);
    Objects.requireNonNull(lastSync, "lastSync");
  }

  /**
   * Returns the status of the peer named {@code node}, if it is a peer.
   *
   * @param node the Node name
   * @return the peer's status, or empty when {@code node} is not a peer
   */
  public Optional<PeerStatus> peer(String node) {
    return peers.stream().filter(p -> p.node().equals(node)).findFirst();
  }
}
