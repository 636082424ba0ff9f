/**
 * Service load balancing as kube-proxy does it, programmed into nftables.
 *
 * <p>The pure part: {@link dev.k8snet.proxy.ServiceTable} computes, from a cluster snapshot, a
 * {@link dev.k8snet.proxy.ProxyNode} and a {@link dev.k8snet.proxy.ProxyConfig}, every service
 * port's frontends and usable endpoints (kube-proxy's {@code CategorizeEndpoints}, traffic
 * policies, topology hints, terminating fallback) and explains the verdict for a packet with {@link
 * dev.k8snet.proxy.ServiceTable#trace}. The I/O part: {@link dev.k8snet.proxy.NftablesProxy}
 * programs tables into nftables incrementally, {@link dev.k8snet.proxy.ServiceProxy} is the sync
 * loop around it, {@link dev.k8snet.proxy.HealthCheckServer} serves the health-check node ports,
 * and {@link dev.k8snet.proxy.KubeProxyConfiguration} reads kube-proxy's configuration file.
 *
 * <pre>{@code
 * ProxyNode node = ProxyNode.of("node1", state.node("node1"), List.of());
 * ProxyConfig config = KubeProxyConfiguration.parse(Files.readString(path), state.node("node1"));
 * ServiceTable table = ServiceTable.build(state, node, config, IpFamily.IPV4);
 * try (Nftables nft = NetworkNamespace.current().nftables();
 *     NftablesProxy proxy = NftablesProxy.create(nft)) {
 *   proxy.sync(List.of(table));                                   // full, then incremental
 *   proxy.sync(List.of(table.update(newState, Set.of("default/web"))));
 * }
 * }</pre>
 *
 * <p>Endpoint selection is random as in kube-proxy, or Maglev consistent hashing ({@link
 * dev.k8snet.proxy.ProxyConfig#maglevTableSize()}), in both cases after ClientIP session affinity
 * where a service asks for it. After each sync {@link dev.k8snet.proxy.ConntrackCleaner} removes
 * the UDP and SCTP flows left pointing at endpoints that are gone.
 */
package dev.k8snet.proxy;
