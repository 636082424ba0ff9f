/**
 * Pod network attachment: the CNI specification 0.1.0–1.1.0, IPAM, the bridge, loopback and portmap
 * plugins, the runtime side that executes plugins, the node daemon, and the cross-node pod network.
 */
package dev.k8snet.cni;
