package dev.k8snet.proxy.ingress.internal;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.model.PathType;
import dev.k8snet.core.model.Secret;
import dev.k8snet.proxy.ServiceEndpoint;
import dev.k8snet.proxy.ingress.IngressAnnotations;
import dev.k8snet.proxy.ingress.ServiceBackendRef;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The compiled routing table, shaped like Gateway API's HTTPRoute: host groups (exact, wildcard,
 * any) of rules, each a path match and weighted backends (a primary and an optional canary) with
 * filters (rewrite, redirect, source ranges). Immutable; the data plane swaps whole tables.
 */
public final class RouteTable {

  /** A resolved backend: a Service port with its endpoints, or why it cannot be used. */
  public record Target(
      Optional<ServiceBackendRef> ref, int status, List<ServiceEndpoint> endpoints, String reason) {
    public Target {
      endpoints = List.copyOf(endpoints);
    }
  }

  /** A canary backend and its selection rule. */
  public record Canary(
      Target target,
      String ingress,
      int weight,
      int total,
      Optional<String> header,
      Optional<String> headerValue) {}

  /** One rule: a path match, where it came from, its options and backends. */
  public record Route(
      String ingress,
      String rule,
      PathType type,
      String path,
      List<String> elements,
      IngressAnnotations options,
      Target target,
      Optional<Canary> canary,
      Instant created,
      int order) {

    /** Whether {@code requestPath} (no query) matches. */
    public boolean matches(String requestPath) {
      if (type == PathType.EXACT) {
        return requestPath.equals(path);
      }
      int pos = 0;
      int n = requestPath.length();
      for (String e : elements) {
        while (pos < n && requestPath.charAt(pos) == '/') {
          pos++;
        }
        if (!requestPath.startsWith(e, pos)) {
          return false;
        }
        pos += e.length();
        if (pos < n && requestPath.charAt(pos) != '/') {
          return false;
        }
      }
      return true;
    }

    /** The path sent upstream when rewrite-target is set. */
    public String rewrite(String requestPath) {
      String target = options.rewriteTarget().orElseThrow();
      if (type == PathType.EXACT) {
        return target;
      }
      int pos = 0;
      int n = requestPath.length();
      for (String e : elements) {
        while (pos < n && requestPath.charAt(pos) == '/') {
          pos++;
        }
        pos += e.length();
      }
      String rest = requestPath.substring(pos);
      if (rest.isEmpty()) {
        return target;
      }
      if (target.endsWith("/") && rest.startsWith("/")) {
        return target + rest.substring(1);
      }
      return target + rest;
    }

    /** The rule name of an Ingress's {@code spec.defaultBackend}. */
    public static final String DEFAULT_BACKEND_RULE = "spec.defaultBackend";

    /** Whether this is an Ingress's {@code spec.defaultBackend} rather than a path rule. */
    public boolean isDefaultBackend() {
      return rule.equals(DEFAULT_BACKEND_RULE);
    }

    /** {@code Prefix /foo}. */
    public String describe() {
      return type.kubernetesName() + " " + path;
    }
  }

  /** The routes of one host group, in precedence order. */
  public record HostGroup(String description, List<Route> routes) {}

  /**
   * What happens to a request.
   *
   * @param refusal why the request is not served by an endpoint (404, 403, redirect, a backend
   *     without endpoints); empty when it is
   */
  public record Decision(
      int status,
      Optional<String> hostGroup,
      Optional<Route> route,
      Optional<Target> target,
      boolean canary,
      Optional<String> location,
      Optional<String> rewrittenPath,
      Optional<String> refusal) {

    /**
     * The rule that serves the request, or why none does. Built on demand: the data plane decides
     * on every request and never asks.
     */
    public String reason() {
      if (refusal.isPresent()) {
        return refusal.get();
      }
      Route r = route.orElseThrow();
      return (canary ? "canary " : "")
          + r.rule()
          + " of "
          + r.ingress()
          + (r.isDefaultBackend() ? "" : " (" + r.describe() + ")");
    }
  }

  /** Precedence: longer path first, then Exact, then the older Ingress, then list order. */
  static final Comparator<Route> PRECEDENCE =
      Comparator.comparingInt((Route r) -> -r.path().length())
          .thenComparingInt(r -> r.type() == PathType.EXACT ? 0 : 1)
          .thenComparing(Route::created)
          .thenComparingInt(Route::order);

  private final Map<String, HostGroup> exact;
  private final Map<String, HostGroup> wildcard;
  private final Optional<HostGroup> anyHost;
  private final Optional<Route> defaultRoute;
  private final Map<String, Secret> certificates;
  private final List<String> problems;
  private final List<String> served;

  RouteTable(
      Map<String, HostGroup> exact,
      Map<String, HostGroup> wildcard,
      Optional<HostGroup> anyHost,
      Optional<Route> defaultRoute,
      Map<String, Secret> certificates,
      List<String> problems,
      List<String> served) {
    this.exact = Map.copyOf(exact);
    this.wildcard = Map.copyOf(wildcard);
    this.anyHost = anyHost;
    this.defaultRoute = defaultRoute;
    this.certificates = Map.copyOf(certificates);
    this.problems = List.copyOf(problems);
    this.served = List.copyOf(served);
  }

  /** Problems found while compiling, one sentence each. */
  public List<String> problems() {
    return problems;
  }

  /** The Ingresses served, as {@code namespace/name}. */
  public List<String> served() {
    return served;
  }

  /** The TLS Secrets by host ({@code foo.com} or {@code *.foo.com}). */
  public Map<String, Secret> certificates() {
    return certificates;
  }

  /** The Secret for a TLS server name: exact host first, then its one-label wildcard. */
  public Optional<Secret> certificateFor(String serverName) {
    if (serverName == null || serverName.isEmpty()) {
      return Optional.empty();
    }
    String h = normalizeHost(serverName);
    Secret s = certificates.get(h);
    if (s == null) {
      int dot = h.indexOf('.');
      if (dot > 0) {
        s = certificates.get("*" + h.substring(dot));
      }
    }
    return Optional.ofNullable(s);
  }

  /** Lower-case, without a port or a trailing dot. */
  public static String normalizeHost(String host) {
    String h = host;
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      h = end > 0 ? h.substring(0, end + 1) : h;
    } else {
      int colon = h.lastIndexOf(':');
      if (colon >= 0 && h.indexOf(':') == colon) {
        h = h.substring(0, colon);
      }
    }
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    return h.toLowerCase(Locale.ROOT);
  }

  /** The path part of a request target: before the first '?' or '#'. */
  public static String pathOf(String target) {
    int end = target.length();
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c == '?' || c == '#') {
        end = i;
        break;
      }
    }
    String p = target.substring(0, end);
    if (p.startsWith("http://") || p.startsWith("https://")) {
      int slash = p.indexOf('/', p.indexOf("//") + 2);
      p = slash < 0 ? "/" : p.substring(slash);
    }
    return p;
  }

  /**
   * Routes one request.
   *
   * @param https whether it came in over TLS
   * @param host the Host header (any case, maybe with a port)
   * @param target the request target (path and query)
   * @param client the client address, if known
   * @param headers request headers by lower-case name
   * @param dice a non-negative random number for weighted canaries (taken modulo the weight total),
   *     or -1 to never select a weighted canary
   */
  public Decision decide(
      boolean https,
      String host,
      String target,
      Optional<IpAddress> client,
      Function<String, String> headers,
      int dice) {
    String h = normalizeHost(host);
    String path = pathOf(target);
    Optional<String> group = Optional.empty();
    Route match = null;
    HostGroup g = exact.get(h);
    if (g != null) {
      match = first(g, path);
      group = Optional.of(g.description());
    }
    if (match == null) {
      int dot = h.indexOf('.');
      HostGroup w = dot > 0 ? wildcard.get(h.substring(dot + 1)) : null;
      if (w != null) {
        match = first(w, path);
        group = Optional.of(w.description());
      }
    }
    if (match == null && anyHost.isPresent()) {
      match = first(anyHost.get(), path);
      group = Optional.of(anyHost.get().description());
    }
    if (match == null && defaultRoute.isPresent()) {
      match = defaultRoute.get();
      group = Optional.of("default backend");
    }
    if (match == null) {
      return new Decision(
          404,
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          false,
          Optional.empty(),
          Optional.empty(),
          Optional.of("no rule matches " + h + path + " and no Ingress has a defaultBackend"));
    }
    IngressAnnotations o = match.options();
    if (!o.sourceRanges().isEmpty()) {
      boolean allowed = false;
      if (client.isPresent()) {
        for (Cidr c : o.sourceRanges()) {
          if (c.contains(client.get())) {
            allowed = true;
            break;
          }
        }
      }
      if (!allowed) {
        return new Decision(
            403,
            group,
            Optional.of(match),
            Optional.empty(),
            false,
            Optional.empty(),
            Optional.empty(),
            Optional.of(
                "the client "
                    + client.map(IpAddress::toString).orElse("(unknown)")
                    + " is outside the source ranges of "
                    + match.ingress()));
      }
    }
    if (!https && (o.forceSslRedirect() || (o.sslRedirect() && certificateFor(h).isPresent()))) {
      String authority = h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h;
      return new Decision(
          308,
          group,
          Optional.of(match),
          Optional.empty(),
          false,
          Optional.of("https://" + authority + (target.startsWith("/") ? target : path)),
          Optional.empty(),
          Optional.of("ssl-redirect of " + match.ingress()));
    }
    Target t = match.target();
    boolean canary = false;
    if (match.canary().isPresent()) {
      Canary c = match.canary().get();
      Boolean byHeader = null;
      if (c.header().isPresent()) {
        String v = headers.apply(c.header().get());
        if (v != null) {
          if (c.headerValue().isPresent()) {
            byHeader = v.equals(c.headerValue().get()) ? Boolean.TRUE : null;
          } else if (v.equals("always")) {
            byHeader = Boolean.TRUE;
          } else if (v.equals("never")) {
            byHeader = Boolean.FALSE;
          }
        }
      }
      canary = byHeader != null ? byHeader : dice >= 0 && dice % c.total() < c.weight();
      if (canary) {
        t = c.target();
      }
    }
    Optional<String> rewritten =
        o.rewriteTarget().isPresent() ? Optional.of(match.rewrite(path)) : Optional.empty();
    return new Decision(
        t.status(),
        group,
        Optional.of(match),
        Optional.of(t),
        canary,
        Optional.empty(),
        rewritten,
        t.status() == 200 ? Optional.empty() : Optional.of(t.reason()));
  }

  private static Route first(HostGroup g, String path) {
    for (Route r : g.routes()) {
      if (r.matches(path)) {
        return r;
      }
    }
    return null;
  }
}
