/**
 * Pod network attachment: the CNI specification 0.1.0–1.1.0 for plugins ({@link
 * dev.k8snet.cni.CniPlugin}, {@link dev.k8snet.cni.CniPluginRunner}), its values ({@link
 * dev.k8snet.cni.CniVersion}, {@link dev.k8snet.cni.CniEnvironment}, {@link
 * dev.k8snet.cni.NetworkConfig}, {@link dev.k8snet.cni.CniResult}) and errors ({@link
 * dev.k8snet.cni.CniException} with the spec's codes).
 *
 * <p>Sub-packages: {@code ipam} (host-local compatible IPAM), {@code plugins} (bridge, IPAM,
 * loopback, portmap), {@code runtime} (the libcni equivalent), {@code daemon} (the node daemon the
 * thin plugin executables talk to), {@code network} (the cross-node pod network, as Flannel).
 *
 * <p>Attaching a pod as a container runtime does, with the plugins {@code k8snet cni install}
 * wrote:
 *
 * <pre>{@code
 * CniRuntime cni = new CniRuntime(List.of(Path.of("/opt/cni/bin")), Path.of("/var/lib/cni"));
 * NetworkConfigList pods = NetworkConfigList.load(Path.of("/etc/cni/net.d/10-k8snet.conflist"));
 * CniResult r = cni.add(pods, RuntimeConf.of(containerId, "/run/netns/" + sandbox, "eth0"));
 * IpAddress podIp = r.ips().get(0).address().address();
 * ...
 * cni.del(pods, RuntimeConf.of(containerId, "/run/netns/" + sandbox, "eth0")); // idempotent
 * }</pre>
 *
 * <p>Error codes used by k8snet plugins: 1 incompatible version, 2 unsupported field, 3 the
 * container's network namespace does not exist (ADD/CHECK), 4 invalid environment, 5 I/O failure, 6
 * decode failure, 7 invalid configuration (including invalid ranges, subnet conflicts between
 * networks, a requested gateway or an unknown IPAM plugin), 11 try again later (IPAM range set
 * exhausted, requested address taken, state locked), 50 not available (STATUS: a range set is
 * full), 100 plugin-specific (kernel failures, duplicate ADD, CHECK mismatches). Delegated plugins'
 * codes are passed through unchanged.
 */
package dev.k8snet.cni;
