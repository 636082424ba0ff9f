package dev.k8snet.proxy.ingress;

import dev.k8snet.proxy.ServiceEndpoint;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the Ingress controller does with one request, and why.
 *
 * <p>Status codes are used consistently: {@code 200} the request is forwarded to one of {@link
 * #endpoints()}; {@code 308} redirect to {@link #location()} (ssl-redirect); {@code 403} the client
 * is outside the rule's source ranges; {@code 404} no rule and no default backend matches; {@code
 * 500} the rule's backend cannot be resolved (no such Service or Service port, a resource backend,
 * an ExternalName Service); {@code 503} the backend has no ready endpoint.
 *
 * @param status the status, as above
 * @param hostGroup which host group matched: {@code exact HOST}, {@code wildcard *.SUFFIX}, {@code
 *     any host} or {@code default backend}; empty for 404
 * @param path the matched path as {@code TYPE PATH}, e.g. {@code Prefix /foo}
 * @param rule where in the Ingress the rule is, e.g. {@code spec.rules[0].http.paths[1]} or {@code
 *     spec.defaultBackend}
 * @param ingress the Ingress as {@code namespace/name}
 * @param backend the Service port chosen, if any
 * @param canary whether the backend is a canary Ingress's
 * @param endpoints the endpoints that may serve it (the ready ones), sorted
 * @param location the redirect target for 308
 * @param rewrittenPath the path sent to the backend when a rewrite applies
 * @param options the Ingress's annotations
 * @param reason one sentence for people
 * @since 0.1.0
 */
public record RouteResult(
    int status,
    Optional<String> hostGroup,
    Optional<String> path,
    Optional<String> rule,
    Optional<String> ingress,
    Optional<ServiceBackendRef> backend,
    boolean canary,
    List<ServiceEndpoint> endpoints,
    Optional<String> location,
    Optional<String> rewrittenPath,
    IngressAnnotations options,
    String reason) {

  /**
   * Checks nulls and copies the list.
   *
   * @param status the status, as above
   * @param hostGroup which host group matched: {@code exact HOST}, {@code wildcard *.SUFFIX},
   *     {@code any host} or {@code default backend}; empty for 404
   * @param path the matched path as {@code TYPE PATH}, e.g. {@code Prefix /foo}
   * @param rule where in the Ingress the rule is, e.g. {@code spec.rules[0].http.paths[1]} or
   *     {@code spec.defaultBackend}
   * @param ingress the Ingress as {@code namespace/name}
   * @param backend the Service port chosen, if any
   * @param canary whether the backend is a canary Ingress's
   * @param endpoints the endpoints that may serve it (the ready ones), sorted
   * @param location the redirect target for 308
   * @param rewrittenPath the path sent to the backend when a rewrite applies
   * @param options the Ingress's annotations
   * @param reason one sentence for people
   */
  public RouteResult {
    Objects.requireNonNull(hostGroup, "hostGroup");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(ingress, "ingress");
    Objects.requireNonNull(backend, "backend");
    endpoints = List.copyOf(endpoints);
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(rewrittenPath, "rewrittenPath");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(reason, "reason");
  }
}
