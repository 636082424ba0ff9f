package dev.k8snet.proxy.ingress;

import dev.k8snet.core.Cidr;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The per-Ingress options k8snet reads from annotations, as typed values: no snippets, no
 * templates, nothing that is pasted into a configuration. Each annotation is read under k8snet's
 * prefix {@value #PREFIX}; the same name under ingress-nginx's prefix {@value #NGINX_PREFIX} is
 * accepted as an alias, and k8snet's wins when both are set.
 *
 * <table>
 *   <caption>Annotations (name after the prefix)</caption>
 *   <tr><th>Name</th><th>Value</th><th>Default</th></tr>
 *   <tr><td>{@code rewrite-target}</td><td>an absolute path without {@code $}: the part of the
 *       request path that the rule matched is replaced by it (Gateway API's {@code
 *       ReplacePrefixMatch} for Prefix rules, {@code ReplaceFullPath} for Exact ones); no regular
 *       expressions</td><td>none</td></tr>
 *   <tr><td>{@code ssl-redirect}</td><td>{@code true}/{@code false}: answer plain-HTTP requests
 *       for a host listed under {@code spec.tls} with 308 to https</td><td>false</td></tr>
 *   <tr><td>{@code force-ssl-redirect}</td><td>{@code true}/{@code false}: redirect plain HTTP
 *       even without TLS for the host</td><td>false</td></tr>
 *   <tr><td>{@code backend-protocol}</td><td>{@code HTTP}, {@code HTTPS}, {@code GRPC}, {@code
 *       GRPCS} or {@code H2C}</td><td>HTTP</td></tr>
 *   <tr><td>{@code proxy-body-size}</td><td>nginx size: bytes, or a number with {@code k}, {@code
 *       m} or {@code g}; {@code 0} is unlimited. Larger requests get 413</td><td>1m</td></tr>
 *   <tr><td>{@code proxy-connect-timeout}, {@code proxy-read-timeout}, {@code
 *       proxy-send-timeout}</td><td>seconds, optionally with an {@code s} suffix</td><td>5, 60,
 *       60</td></tr>
 *   <tr><td>{@code affinity}</td><td>{@code cookie}: requests carrying the session cookie go to
 *       the endpoint that served the first one</td><td>none</td></tr>
 *   <tr><td>{@code session-cookie-name}</td><td>a cookie name</td><td>INGRESSCOOKIE</td></tr>
 *   <tr><td>{@code canary}</td><td>{@code true}: this Ingress's paths add a canary backend to the
 *       same host and path of the primary Ingress instead of routing alone</td><td>false</td></tr>
 *   <tr><td>{@code canary-weight}, {@code canary-weight-total}</td><td>integers, 0 ≤ weight ≤
 *       total</td><td>0, 100</td></tr>
 *   <tr><td>{@code canary-by-header}</td><td>a header name: value {@code always} selects the
 *       canary, {@code never} the primary</td><td>none</td></tr>
 *   <tr><td>{@code canary-by-header-value}</td><td>with {@code canary-by-header}: this exact value
 *       selects the canary</td><td>none</td></tr>
 *   <tr><td>{@code whitelist-source-range} (alias {@code allowlist-source-range})</td><td>comma
 *       separated CIDRs: other clients get 403</td><td>everyone</td></tr>
 * </table>
 *
 * @param rewriteTarget the replacement path, if any
 * @param sslRedirect redirect plain HTTP to https for hosts with TLS
 * @param forceSslRedirect redirect plain HTTP to https for every host
 * @param backendProtocol how to talk to the endpoints
 * @param maxBodySize the largest request body in bytes; empty for unlimited
 * @param connectTimeout the backend connect timeout
 * @param readTimeout the longest wait for backend bytes
 * @param sendTimeout the longest wait for the backend to accept bytes
 * @param affinityCookie the session cookie's name when cookie affinity is on
 * @param canary whether the Ingress is a canary
 * @param canaryWeight the canary's weight
 * @param canaryWeightTotal the weight total
 * @param canaryHeader the header that selects the canary, if any
 * @param canaryHeaderValue the header value that selects the canary, if any
 * @param sourceRanges the client networks allowed; empty allows every client
 * @since 0.1.0
 */
public record IngressAnnotations(
    Optional<String> rewriteTarget,
    boolean sslRedirect,
    boolean forceSslRedirect,
    BackendProtocol backendProtocol,
    OptionalLong maxBodySize,
    Duration connectTimeout,
    Duration readTimeout,
    Duration sendTimeout,
    Optional<String> affinityCookie,
    boolean canary,
    int canaryWeight,
    int canaryWeightTotal,
    Optional<String> canaryHeader,
    Optional<String> canaryHeaderValue,
    List<Cidr> sourceRanges) {

  /** k8snet's annotation prefix. */
  public static final String PREFIX = "ingress.k8snet.io/";

  /** ingress-nginx's annotation prefix, accepted as an alias. */
  public static final String NGINX_PREFIX = "nginx.ingress.kubernetes.io/";

  /** The options of an Ingress without annotations. */
  public static final IngressAnnotations DEFAULT =
      new IngressAnnotations(
          Optional.empty(),
          false,
          false,
          BackendProtocol.HTTP,
          OptionalLong.of(1024 * 1024),
          Duration.ofSeconds(5),
          Duration.ofSeconds(60),
          Duration.ofSeconds(60),
          Optional.empty(),
          false,
          0,
          100,
          Optional.empty(),
          Optional.empty(),
          List.of());

  /**
   * How the proxy talks to the endpoints.
   *
   * @since 0.1.0
   */
  public enum BackendProtocol {
    /** HTTP/1.1 in clear text. */
    HTTP,
    /** HTTP/1.1 over TLS (the endpoint's certificate is not verified, as nginx's default). */
    HTTPS,
    /** gRPC: HTTP/2 in clear text. */
    GRPC,
    /** gRPC over TLS. */
    GRPCS,
    /** HTTP/2 in clear text with prior knowledge. */
    H2C
  }

  /**
   * Checks values and copies the list.
   *
   * @param rewriteTarget the replacement path, if any
   * @param sslRedirect redirect plain HTTP to https for hosts with TLS
   * @param forceSslRedirect redirect plain HTTP to https for every host
   * @param backendProtocol how to talk to the endpoints
   * @param maxBodySize the largest request body in bytes; empty for unlimited
   * @param connectTimeout the backend connect timeout
   * @param readTimeout the longest wait for backend bytes
   * @param sendTimeout the longest wait for the backend to accept bytes
   * @param affinityCookie the session cookie's name when cookie affinity is on
   * @param canary whether the Ingress is a canary
   * @param canaryWeight the canary's weight
   * @param canaryWeightTotal the weight total
   * @param canaryHeader the header that selects the canary, if any
   * @param canaryHeaderValue the header value that selects the canary, if any
   * @param sourceRanges the client networks allowed; empty allows every client
   */
  public IngressAnnotations {
    Objects.requireNonNull(rewriteTarget, "rewriteTarget");
    Objects.requireNonNull(backendProtocol, "backendProtocol");
    Objects.requireNonNull(maxBodySize, "maxBodySize");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(readTimeout, "readTimeout");
    Objects.requireNonNull(sendTimeout, "sendTimeout");
    Objects.requireNonNull(affinityCookie, "affinityCookie");
    Objects.requireNonNull(canaryHeader, "canaryHeader");
    Objects.requireNonNull(canaryHeaderValue, "canaryHeaderValue");
    sourceRanges = List.copyOf(sourceRanges);
    if (canaryWeightTotal < 1 || canaryWeight < 0 || canaryWeight > canaryWeightTotal) {
      throw new IllegalArgumentException(
          "canaryWeight: "
              + canaryWeight
              + "/"
              + canaryWeightTotal
              + " (expected: 0 <= weight <= total, total >= 1)");
    }
  }

  /**
   * Reads the options from an object's annotations. Annotations under neither prefix, and unknown
   * names under them, are ignored.
   *
   * @param annotations the annotations
   * @return the options
   * @throws IllegalArgumentException naming the first annotation whose value is invalid, as {@code
   *     annotation: "value" (expected: …)}
   */
  public static IngressAnnotations parse(Map<String, String> annotations) {
    Reader r = new Reader(annotations);
    Optional<String> rewrite = r.string("rewrite-target");
    if (rewrite.isPresent()) {
      String t = rewrite.get();
      if (!t.startsWith("/") || t.contains("$") || !validPathChars(t)) {
        throw r.invalid(
            "rewrite-target", "an absolute path without '$' (k8snet does not use regexes)");
      }
    }
    boolean ssl = r.bool("ssl-redirect", DEFAULT.sslRedirect);
    boolean force = r.bool("force-ssl-redirect", DEFAULT.forceSslRedirect);
    BackendProtocol protocol = DEFAULT.backendProtocol;
    Optional<String> bp = r.string("backend-protocol");
    if (bp.isPresent()) {
      try {
        protocol = BackendProtocol.valueOf(bp.get().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw r.invalid("backend-protocol", "HTTP, HTTPS, GRPC, GRPCS or H2C");
      }
    }
    OptionalLong body = DEFAULT.maxBodySize;
    Optional<String> size = r.string("proxy-body-size");
    if (size.isPresent()) {
      long n = parseSize(size.get());
      if (n < 0) {
        throw r.invalid("proxy-body-size", "a size such as 1048576, 8k, 1m or 0 for unlimited");
      }
      body = n == 0 ? OptionalLong.empty() : OptionalLong.of(n);
    }
    Duration connect = r.seconds("proxy-connect-timeout", DEFAULT.connectTimeout);
    Duration read = r.seconds("proxy-read-timeout", DEFAULT.readTimeout);
    Duration send = r.seconds("proxy-send-timeout", DEFAULT.sendTimeout);
    Optional<String> affinity = r.string("affinity");
    Optional<String> cookie = Optional.empty();
    if (affinity.isPresent()) {
      if (!affinity.get().equals("cookie")) {
        throw r.invalid("affinity", "cookie");
      }
      String name = r.string("session-cookie-name").orElse("INGRESSCOOKIE");
      if (!name.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
        throw r.invalid("session-cookie-name", "a cookie name (RFC 6265 token)");
      }
      cookie = Optional.of(name);
    }
    boolean canary = r.bool("canary", false);
    int total = r.integer("canary-weight-total", DEFAULT.canaryWeightTotal, 1);
    int weight = r.integer("canary-weight", 0, 0);
    if (weight > total) {
      throw r.invalid("canary-weight", "at most canary-weight-total (" + total + ")");
    }
    Optional<String> header = r.string("canary-by-header");
    if (header.isPresent() && !header.get().matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
      throw r.invalid("canary-by-header", "an HTTP header name");
    }
    Optional<String> headerValue = r.string("canary-by-header-value");
    List<Cidr> ranges = new ArrayList<>();
    String rangeKey =
        r.string("whitelist-source-range").isPresent()
            ? "whitelist-source-range"
            : "allowlist-source-range";
    Optional<String> list = r.string(rangeKey);
    if (list.isPresent()) {
      for (String part : list.get().split(",", -1)) {
        Optional<Cidr> c = Cidr.tryParse(part.trim());
        if (c.isEmpty()) {
          c = dev.k8snet.core.IpAddress.tryParse(part.trim()).map(Cidr::host);
        }
        if (c.isEmpty()) {
          throw r.invalid(rangeKey, "comma-separated CIDRs such as 10.0.0.0/8,192.168.1.7/32");
        }
        ranges.add(c.get());
      }
    }
    return new IngressAnnotations(
        rewrite,
        ssl,
        force,
        protocol,
        body,
        connect,
        read,
        send,
        cookie,
        canary,
        weight,
        total,
        header.map(h -> h.toLowerCase(Locale.ROOT)),
        headerValue,
        ranges);
  }

  private static boolean validPathChars(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= ' ' || c >= 0x7f || c == '?' || c == '#' || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  /** nginx's size syntax; -1 when invalid. */
  static long parseSize(String s) {
    if (s.isEmpty()) {
      return -1;
    }
    long unit = 1;
    char last = Character.toLowerCase(s.charAt(s.length() - 1));
    String digits = s;
    if (last == 'k' || last == 'm' || last == 'g') {
      unit = last == 'k' ? 1024L : last == 'm' ? 1024L * 1024 : 1024L * 1024 * 1024;
      digits = s.substring(0, s.length() - 1);
    }
    if (digits.isEmpty() || digits.length() > 12 || !digits.chars().allMatch(Character::isDigit)) {
      return -1;
    }
    return Long.parseLong(digits) * unit;
  }

  /** Looks names up under both prefixes. */
  private static final class Reader {
    private final Map<String, String> annotations;
    private String lastKey = "";
    private String lastValue = "";

    Reader(Map<String, String> annotations) {
      this.annotations = annotations;
    }

    Optional<String> string(String name) {
      String v = annotations.get(PREFIX + name);
      String key = PREFIX + name;
      if (v == null) {
        v = annotations.get(NGINX_PREFIX + name);
        key = NGINX_PREFIX + name;
      }
      if (v == null) {
        return Optional.empty();
      }
      lastKey = key;
      lastValue = v.trim();
      return Optional.of(v.trim());
    }

    IllegalArgumentException invalid(String name, String expected) {
      String key = lastKey.endsWith("/" + name) ? lastKey : PREFIX + name;
      String value = lastKey.endsWith("/" + name) ? lastValue : "";
      return new IllegalArgumentException(
          "annotation " + key + ": \"" + value + "\" (expected: " + expected + ")");
    }

    boolean bool(String name, boolean dflt) {
      Optional<String> v = string(name);
      if (v.isEmpty()) {
        return dflt;
      }
      return switch (v.get()) {
        case "true" -> true;
        case "false" -> false;
        default -> throw invalid(name, "true or false");
      };
    }

    int integer(String name, int dflt, int min) {
      Optional<String> v = string(name);
      if (v.isEmpty()) {
        return dflt;
      }
      try {
        int n = Integer.parseInt(v.get());
        if (n < min) {
          throw invalid(name, "an integer of at least " + min);
        }
        return n;
      } catch (NumberFormatException e) {
        throw invalid(name, "an integer of at least " + min);
      }
    }

    Duration seconds(String name, Duration dflt) {
      Optional<String> v = string(name);
      if (v.isEmpty()) {
        return dflt;
      }
      String s = v.get().endsWith("s") ? v.get().substring(0, v.get().length() - 1) : v.get();
      if (s.isEmpty() || s.length() > 7 || !s.chars().allMatch(Character::isDigit)) {
        throw invalid(name, "whole seconds such as 60 or 60s");
      }
      long n = Long.parseLong(s);
      if (n == 0) {
        throw invalid(name, "at least 1 second");
      }
      return Duration.ofSeconds(n);
    }
  }
}
