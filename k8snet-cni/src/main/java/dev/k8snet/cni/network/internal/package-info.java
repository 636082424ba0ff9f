/** Internals of the cross-node pod network: planning, the pure kernel diff, I/O. Not API. */
package dev.k8snet.cni.network.internal;
