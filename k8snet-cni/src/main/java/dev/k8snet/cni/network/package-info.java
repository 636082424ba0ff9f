/**
 * The flat pod network across nodes, as Flannel does it: per-node pod CIDRs from {@code
 * Node.spec.podCIDR(s)} ({@link dev.k8snet.cni.network.NodeSubnets}), the {@code net-conf.json}
 * configuration ({@link dev.k8snet.cni.network.NetConf}), the route manager that programs host-gw
 * routes or a VXLAN overlay plus masquerading for every peer node ({@link
 * dev.k8snet.cni.network.RouteManager}, status in {@link dev.k8snet.cni.network.NetworkStatus}),
 * and the explanation of a pod-to-pod path in kernel-object terms ({@link
 * dev.k8snet.cni.network.NetworkExplain}).
 *
 * <p>Kernel objects owned by the route manager: routes with protocol {@value
 * dev.k8snet.cni.network.RouteManager#DEFAULT_ROUTE_PROTOCOL} in the main table, the VXLAN devices
 * {@code k8snet.<VNI>} and {@code k8snv6.<VNI>} with their permanent neighbours and {@code self}
 * FDB entries, and the nftables table {@code inet k8snet-podnet}.
 */
package dev.k8snet.cni.network;
