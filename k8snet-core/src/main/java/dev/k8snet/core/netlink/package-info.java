/**
 * rtnetlink from Java: links, addresses, routes, neighbours (including VXLAN FDB entries), the
 * {@code net.*} sysctls of a namespace, and change notifications, over a netlink socket driven
 * through jnr-ffi; and the connection-tracking table over ctnetlink ({@link
 * dev.k8snet.core.netlink.Conntrack}: list entries, delete stale ones).
 *
 * <p>The entry point is {@link dev.k8snet.core.netlink.Netlink}, bound to one network namespace:
 *
 * <pre>{@code
 * try (NetworkNamespace ns = NetworkNamespace.create("pod-1");
 *     Netlink nl = ns.netlink()) {
 *   nl.addLink(LinkSpec.of("veth-h", LinkKind.veth("eth0")));
 *   Link eth0 = nl.link("eth0").orElseThrow();
 *   nl.addAddress(Address.of(eth0, InterfaceAddress.parse("10.244.0.5/24")));
 *   nl.setUp(eth0);
 * }
 * }</pre>
 *
 * @since 0.1
 */
package dev.k8snet.core.netlink;
