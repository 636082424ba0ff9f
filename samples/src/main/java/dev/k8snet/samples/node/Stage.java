package dev.k8snet.samples.node;

/**
 * The order in which {@code k8snet node} starts its subsystems (and, reversed, stops them), chosen
 * so that no half-built state blackholes traffic: the pod network's routes exist before pods are
 * attached; policy is enforced before a new pod can receive traffic; pods are attached before
 * Services point at them; Service VIPs are programmed before DNS hands them out; Ingress routes to
 * Services last.
 */
public enum Stage {
  /**
   * Extension point: the cross-node pod network (per-node pod CIDRs, host-gw routes or VXLAN), to
   * be added with the pod network subsystem.
   */
  POD_NETWORK,
  /** Extension point: NetworkPolicy enforcement for this node's pods (nftables). */
  POLICY,
  /** The CNI daemon that attaches pods. */
  CNI,
  /** The service proxy (nftables). */
  PROXY,
  /** Cluster DNS. */
  DNS,
  /** Extension point: the Ingress controller (HTTP/HTTPS reverse proxy, ingress status). */
  INGRESS
}
