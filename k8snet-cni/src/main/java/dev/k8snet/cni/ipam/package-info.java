/**
 * IP address management: {@link dev.k8snet.cni.ipam.HostLocalStore}, host-local's on-disk format
 * with a constant-cost index, and its configuration ({@link dev.k8snet.cni.ipam.IpamConfig}, {@link
 * dev.k8snet.cni.ipam.IpamRange}).
 */
package dev.k8snet.cni.ipam;
