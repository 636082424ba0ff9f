/**
 * The k8snet CNI plugins as {@link dev.k8snet.cni.CniPlugin} implementations: {@code
 * k8snet-bridge}, {@code k8snet-ipam}, {@code k8snet-loopback} and {@code k8snet-portmap}, and the
 * {@code main} of their executables ({@link dev.k8snet.cni.plugins.PluginMain}).
 */
package dev.k8snet.cni.plugins;
