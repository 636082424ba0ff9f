package dev.k8snet.proxy.ingress;

import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.Secret;
import dev.k8snet.proxy.ingress.internal.RouteCompiler;
import dev.k8snet.proxy.ingress.internal.RouteTable;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The routing table of the Ingress controller, compiled from a {@link ClusterState}: pure,
 * immutable and thread-safe, so that the data plane can swap whole tables atomically and {@link
 * #explain} is the oracle for what the proxy does.
 *
 * <p>Semantics (networking.k8s.io/v1):
 *
 * <ul>
 *   <li>Served: Ingresses whose {@code ingressClassName} (or the deprecated {@code
 *       kubernetes.io/ingress.class} annotation) names an IngressClass with our controller name;
 *       class-less Ingresses get the default IngressClass (newest of those marked default) as the
 *       API server's admission would.
 *   <li>Hosts are compared lower-case without port. Host groups are tried in order: the exact host,
 *       then its single-label wildcard ({@code *.foo.com} covers {@code bar.foo.com}, not {@code
 *       foo.com} nor {@code a.bar.foo.com}), then rules without host; the first path match wins;
 *       then the oldest Ingress's {@code defaultBackend}; otherwise 404. Paths of every served
 *       Ingress for one host are merged.
 *   <li>Exact compares the path byte for byte; Prefix compares {@code /}-separated elements
 *       (trailing slashes ignored, {@code /foo} does not cover {@code /foobar});
 *       ImplementationSpecific is Prefix. Precedence: the longer path, then Exact, then the older
 *       Ingress (creationTimestamp), then order of appearance; so {@code Prefix /foo/} wins over
 *       {@code Prefix /foo} for a request to {@code /foo}.
 *   <li>Backends: the Service in the Ingress's namespace, its port by number (the Service port) or
 *       name; endpoints chosen as for the Service's ClusterIP ({@link
 *       dev.k8snet.proxy.ServiceTable#clusterEndpoints}). Unresolvable: 500; no ready endpoint:
 *       503.
 *   <li>TLS: {@code spec.tls} Secrets by host; SNI picks the certificate, Host picks the route.
 * </ul>
 *
 * <p>Bad objects do not break the others: an Ingress with an invalid annotation is skipped, a
 * missing or malformed Secret leaves its hosts on the default certificate, a duplicate path is
 * shadowed; each is listed in {@link #problems()}.
 *
 * <pre>{@code
 * IngressRoutes routes = IngressRoutes.compile(state, IngressSettings.DEFAULT);
 * RouteResult r = routes.explain(IngressRequest.of("http", "foo.bar.com", "/app/x"));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class IngressRoutes {
  private final RouteTable table;
  private final long version;

  private IngressRoutes(RouteTable table, long version) {
    this.table = table;
    this.version = version;
  }

  /**
   * Compiles the routes of the Ingresses of our class.
   *
   * @param state the snapshot
   * @param settings the controller's settings
   * @return the table
   */
  public static IngressRoutes compile(ClusterState state, IngressSettings settings) {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(settings, "settings");
    return new IngressRoutes(RouteCompiler.compile(state, settings), state.version());
  }

  /**
   * Returns the version of the snapshot this table was compiled from.
   *
   * @return the version
   */
  public long version() {
    return version;
  }

  /**
   * Returns what was wrong in the input, one sentence each naming the object and field.
   *
   * @return the problems, empty when every served Ingress compiled cleanly
   */
  public List<String> problems() {
    return table.problems();
  }

  /**
   * Returns the Ingresses served, as {@code namespace/name}, oldest first.
   *
   * @return the served Ingresses
   */
  public List<String> servedIngresses() {
    return table.served();
  }

  /**
   * Returns the TLS certificates by host name ({@code foo.com} or {@code *.foo.com}).
   *
   * @return the {@code kubernetes.io/tls} Secrets by host
   */
  public Map<String, Secret> certificates() {
    return table.certificates();
  }

  /**
   * Returns the certificate for a TLS server name: the exact host's, else its wildcard's.
   *
   * @param serverName the SNI name
   * @return the Secret, or empty for the default certificate
   */
  public Optional<Secret> certificateFor(String serverName) {
    return table.certificateFor(serverName);
  }

  /**
   * Routes one request through the model, deterministically: a weighted canary below 100% is not
   * chosen (header rules apply).
   *
   * @param request the request
   * @return what the controller does with it
   */
  public RouteResult explain(IngressRequest request) {
    RouteTable.Decision d =
        table.decide(
            request.scheme().equals("https"),
            request.host(),
            request.path(),
            request.client(),
            h -> request.headers().get(h),
            -1);
    Optional<RouteTable.Route> route = d.route();
    boolean isDefault = route.map(RouteTable.Route::isDefaultBackend).orElse(false);
    Optional<RouteTable.Target> t = d.target();
    return new RouteResult(
        d.status(),
        d.hostGroup(),
        isDefault ? Optional.empty() : route.map(RouteTable.Route::describe),
        route.map(RouteTable.Route::rule),
        d.canary()
            ? route.flatMap(r -> r.canary()).map(RouteTable.Canary::ingress)
            : route.map(RouteTable.Route::ingress),
        t.flatMap(RouteTable.Target::ref),
        d.canary(),
        t.map(RouteTable.Target::endpoints).orElse(List.of()),
        d.location(),
        d.rewrittenPath(),
        route.map(RouteTable.Route::options).orElse(IngressAnnotations.DEFAULT),
        d.reason());
  }

  /** The compiled table, for the data plane in this package. */
  RouteTable table() {
    return table;
  }

  /** Names the version and the number of served Ingresses and problems. */
  @Override
  public String toString() {
    return "IngressRoutes{version="
        + version
        + ", ingresses="
        + table.served().size()
        + ", problems="
        + table.problems().size()
        + "}";
  }
}
