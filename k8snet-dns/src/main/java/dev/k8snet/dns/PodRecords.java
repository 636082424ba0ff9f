package dev.k8snet.dns;

/**
 * Whether and how {@code <dashed-ip>.<ns>.pod.<zone>} records are answered. They were removed from
 * the Kubernetes DNS specification in 1.1.0 and survive as CoreDNS's {@code pods} option.
 *
 * @since 0.1
 */
public enum PodRecords {
  /** No pod records: every name below {@code pod.<zone>} is NXDOMAIN. The default. */
  DISABLED,
  /**
   * Any well-formed dashed IP in any namespace is answered without checking that such a pod exists
   * (kube-dns compatible; lets anyone mint names for any IP, see CoreDNS's warning).
   */
  INSECURE,
  /** Answered only when a pod (not on the host network) with that IP exists in that namespace. */
  VERIFIED
}
