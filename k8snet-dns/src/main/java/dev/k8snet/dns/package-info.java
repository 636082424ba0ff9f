/**
 * Cluster DNS per the Kubernetes DNS-Based Service Discovery specification 1.1.0, served over UDP
 * and TCP, with forwarding for every other name.
 *
 * <p>The pieces:
 *
 * <ul>
 *   <li>{@link dev.k8snet.dns.DnsConfig}: the zone (any cluster domain), TTL and {@link
 *       dev.k8snet.dns.PodRecords pod-record mode}.
 *   <li>{@link dev.k8snet.dns.DnsRecords}: the records of one cluster snapshot, pure and immutable:
 *       {@code dns-version} TXT, ClusterIP A/AAAA, headless A/AAAA per ready endpoint, endpoint
 *       hostnames (also from pod {@code hostname} + {@code subdomain}), SRV for named ports, PTR
 *       for ClusterIPs and endpoints (IPv4 and IPv6), ExternalName CNAME, optional pod records;
 *       RFC-correct negative answers.
 *   <li>{@link dev.k8snet.dns.ClusterDns}: those records kept current from a {@link
 *       dev.k8snet.core.cluster.ClusterSource}, rebuilt incrementally per change and swapped
 *       atomically.
 *   <li>{@link dev.k8snet.dns.DnsServer}: the server (UDP in blocking {@code recvmmsg} loops on
 *       SO_REUSEPORT sockets, TCP and forwarding on netty) with EDNS(0), truncation, RFC 7766 TCP,
 *       a forwarder with cache, prefetch and serve-stale, client access control, {@link
 *       dev.k8snet.dns.DnsMetrics metrics} and an HTTP health endpoint.
 * </ul>
 *
 * <pre>{@code
 * ClusterDns dns = ClusterDns.create(DnsConfig.of("cluster.local"));
 * try (ClusterSource source = DirectoryClusterSource.create(Path.of("manifests"));
 *     DnsServer server =
 *         DnsServer.builder(dns, new InetSocketAddress("127.0.0.1", 5353))
 *             .upstream(new InetSocketAddress("192.0.2.53", 53))
 *             .build()) {
 *   source.start(dns);
 *   server.start();
 *   // dig @127.0.0.1 -p 5353 kubernetes.default.svc.cluster.local
 * }
 * }</pre>
 *
 * <p>Public signatures use only JDK and k8snet types; the wire format (dnsjava) and the transport
 * (netty) stay in {@code dev.k8snet.dns.internal}, which is not API.
 *
 * @since 0.1
 */
package dev.k8snet.dns;
