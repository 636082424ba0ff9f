/**
 * Values of Kubernetes node networking: IP addresses, CIDRs, IP ranges, protocols, port ranges and
 * MAC addresses, as immutable values whose text forms round-trip, and the root of k8snet's
 * exceptions.
 *
 * <p>Sub-packages hold the Kubernetes object model ({@code dev.k8snet.core.model}), manifest
 * reading ({@code dev.k8snet.core.manifest}), cluster snapshots and sources ({@code
 * dev.k8snet.core.cluster}), and kernel programming (netlink, network namespaces, nftables).
 */
package dev.k8snet.core;
