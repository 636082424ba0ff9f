package dev.k8snet.proxy.ingress;

import dev.k8snet.core.IpAddress;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The parts of an HTTP request that Ingress routing looks at.
 *
 * @param scheme {@code http} or {@code https} (the listener the request came in on)
 * @param host the {@code Host} header or {@code :authority}, possibly with a port
 * @param sni the TLS server name the client sent, if any (picks the certificate, never the route)
 * @param path the request target's path, possibly with a query ({@code ?…} and {@code #…} are
 *     ignored for matching)
 * @param method the method, e.g. {@code GET}
 * @param headers request headers by lower-case name (one value each), for canary-by-header
 * @param client the client's address, if known (for source ranges)
 * @since 0.1.0
 */
public record IngressRequest(
    String scheme,
    String host,
    Optional<String> sni,
    String path,
    String method,
    Map<String, String> headers,
    Optional<IpAddress> client) {

  /**
   * Checks values and copies the headers with lower-case names.
   *
   * @param scheme {@code http} or {@code https} (the listener the request came in on)
   * @param host the {@code Host} header or {@code :authority}, possibly with a port
   * @param sni the TLS server name the client sent, if any (picks the certificate, never the route)
   * @param path the request target's path, possibly with a query ({@code ?…} and {@code #…} are
   *     ignored for matching)
   * @param method the method, e.g. {@code GET}
   * @param headers request headers by lower-case name (one value each), for canary-by-header
   * @param client the client's address, if known (for source ranges)
   */
  public IngressRequest {
    Objects.requireNonNull(scheme, "scheme");
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("scheme: " + scheme + " (expected: http or https)");
    }
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(sni, "sni");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(method, "method");
    TreeMap<String, String> h = new TreeMap<>();
    headers.forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), Objects.requireNonNull(v)));
    headers = java.util.Collections.unmodifiableMap(h);
    Objects.requireNonNull(client, "client");
  }

  /**
   * Returns a {@code GET} request without SNI, headers or client address.
   *
   * @param scheme {@code http} or {@code https}
   * @param host the host
   * @param path the path
   * @return the request
   */
  public static IngressRequest of(String scheme, String host, String path) {
    return new IngressRequest(
        scheme, host, Optional.empty(), path, "GET", Map.of(), Optional.empty());
  }
}
