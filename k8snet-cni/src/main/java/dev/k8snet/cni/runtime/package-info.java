/**
 * The runtime side of CNI, as libcni: loading network configuration lists and running plugin chains
 * with result caching ({@link dev.k8snet.cni.runtime.CniRuntime}).
 */
package dev.k8snet.cni.runtime;
