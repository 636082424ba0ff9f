/**
 * The Ingress controller (networking.k8s.io/v1): a pure routing model and a netty data plane.
 *
 * <p>The pure part: {@link dev.k8snet.proxy.ingress.IngressRoutes} compiles the Ingresses of our
 * class ({@value dev.k8snet.proxy.ingress.IngressSettings#CONTROLLER_NAME}) in a {@link
 * dev.k8snet.core.cluster.ClusterState} into an immutable table (host groups, path precedence,
 * default backend, TLS Secrets by host, the typed {@link
 * dev.k8snet.proxy.ingress.IngressAnnotations}), and {@link
 * dev.k8snet.proxy.ingress.IngressRoutes#explain} says what happens to a request, with the host
 * group, rule, Ingress, backend and endpoints. Endpoints are chosen as for the Service's ClusterIP
 * ({@link dev.k8snet.proxy.ServiceTable#clusterEndpoints}).
 *
 * <p>The I/O part: {@link dev.k8snet.proxy.ingress.IngressController} serves the table over
 * HTTP/1.1, h2c, HTTPS with SNI and HTTP/2 over ALPN, and WebSocket, forwarding to endpoints over
 * pooled keep-alive connections; {@link dev.k8snet.proxy.ingress.IngressController#update} swaps
 * routes and certificates without dropping connections.
 *
 * <pre>{@code
 * IngressRoutes routes = IngressRoutes.compile(state, IngressSettings.DEFAULT);
 * RouteResult r = routes.explain(IngressRequest.of("https", "shop.example", "/cart"));
 * try (IngressController c = IngressController.builder()
 *     .listen(new InetSocketAddress("0.0.0.0", 80)).build()) {
 *   c.update(state);
 *   c.start();
 * }
 * }</pre>
 */
package dev.k8snet.proxy.ingress;
