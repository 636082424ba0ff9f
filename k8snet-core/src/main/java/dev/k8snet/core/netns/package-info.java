/**
 * Linux network namespaces: create named ones as {@code ip netns add} does, open them by name, path
 * or process, run code inside one, and delete them.
 *
 * <p>{@code setns(2)} moves only the calling OS thread, so this package never moves a caller's
 * thread: {@link dev.k8snet.core.netns.NetworkNamespace#run(java.util.concurrent.Callable)} runs
 * the task on a fresh platform thread that ends afterwards, and per-namespace handles (netlink,
 * nftables) open their sockets on such threads and are then usable from anywhere.
 *
 * <pre>{@code
 * try (NetworkNamespace ns = NetworkNamespace.create("demo")) {
 *   try (Netlink nl = ns.netlink()) {
 *     nl.setUp(nl.link("lo").orElseThrow());
 *   }
 *   ns.delete();
 * }
 * }</pre>
 *
 * @since 0.1
 */
package dev.k8snet.core.netns;
