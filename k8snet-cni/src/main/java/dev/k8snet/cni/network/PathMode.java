package dev.k8snet.cni.network;

/**
 * How this node reaches one peer's pods.
 *
 * @since 0.1
 */
public enum PathMode {
  /** A route via the peer's underlay address (host-gw backend). */
  HOST_GW,
  /** Through the VXLAN device: onlink route, permanent neighbour and FDB entry. */
  VXLAN,
  /** VXLAN backend, but a host-gw route because the peer is on the same subnet (DirectRouting). */
  DIRECT,
  /** Not programmed (see the peer's error). */
  NONE
}
