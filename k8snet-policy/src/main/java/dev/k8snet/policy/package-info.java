/**
 * NetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy and ClusterNetworkPolicy:
 * evaluation with explanations, and compilation to nftables enforcement.
 */
package dev.k8snet.policy;
