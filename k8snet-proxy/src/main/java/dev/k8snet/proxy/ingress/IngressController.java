package dev.k8snet.proxy.ingress;

import dev.k8snet.core.K8snetException;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.Secret;
import dev.k8snet.proxy.ingress.internal.Certificates;
import dev.k8snet.proxy.ingress.internal.ProxyServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ingress controller's data plane: a netty reverse proxy serving the routes of {@link
 * IngressRoutes}, for HTTP (HTTP/1.1 and h2c) and HTTPS (SNI-selected certificates, HTTP/2 over
 * ALPN), forwarding straight to ready endpoints over pooled keep-alive connections, streaming
 * bodies both ways.
 *
 * <pre>{@code
 * try (IngressController c = IngressController.builder()
 *     .listen(new InetSocketAddress("0.0.0.0", 80))
 *     .listenTls(new InetSocketAddress("0.0.0.0", 443))
 *     .build()) {
 *   c.update(state);          // compile and swap routes and certificates
 *   c.start();
 *   ...
 *   c.update(nextState);      // no connection is dropped
 * }
 * }</pre>
 *
 * <p>Behaviour: requests are routed as {@link IngressRoutes#explain} says; errors are answered here
 * with 404, 500, 503, 403, 308 (ssl-redirect), 413 (body larger than {@code proxy-body-size}), 400
 * (malformed), 414 (request line over 8 KiB), 431 (headers over 16 KiB), 502 (no endpoint could be
 * reached; idempotent requests are retried on up to two more endpoints and once on a fresh
 * connection when a pooled one turns out stale) and 504 (no response within {@code
 * proxy-read-timeout}). Requests gain {@code X-Forwarded-For} (appended), {@code
 * X-Forwarded-Proto}, {@code X-Forwarded-Host}, {@code X-Forwarded-Port} and {@code Forwarded}
 * (appended), unless {@link Builder#forwardedHeaders} says otherwise; hop-by-hop headers are
 * removed both ways. WebSocket upgrades are relayed as opaque bytes after the backend's 101. Each
 * answered request is logged at INFO on the logger {@code dev.k8snet.proxy.ingress.access} and
 * counted in {@link #metrics()}.
 *
 * <p>TLS runs on OpenSSL (BoringSSL) when {@code io.netty:netty-tcnative-boringssl-static} is on
 * the class path, as in the {@code k8snet} command, and on the JDK provider otherwise; a full
 * handshake costs about a fifth of the CPU on the former.
 *
 * <p>Backends speak HTTP/1.1 (clear or TLS, pooled per event loop), or with {@code
 * backend-protocol: GRPC}, {@code GRPCS} or {@code H2C} HTTP/2 (one shared connection per event
 * loop and endpoint, a stream per request, trailers relayed). The controller does not talk to an
 * API server: writing {@code status.loadBalancer} of the served Ingresses ({@link
 * IngressRoutes#servedIngresses()}) is the caller's part, as {@code k8snet node} does.
 *
 * @since 0.1.0
 */
public final class IngressController implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IngressController.class);

  /** The shortest client or backend idle timeout a controller takes: one second. */
  public static final Duration MIN_IDLE_TIMEOUT = Duration.ofSeconds(1);

  /**
   * The socket transport of the event loops, listed from the preferred one down. A controller built
   * for a transport this host cannot run (another kernel, or io_uring forbidden by a seccomp
   * profile or {@code kernel.io_uring_disabled}) runs the next one of the list that it can.
   *
   * @since 0.1.0
   */
  public enum Transport {
    /**
     * Linux io_uring: the default; it took 1.5–7 % less CPU per request than epoll in {@code
     * benchmarks/RESULTS.md}.
     */
    IO_URING,
    /** Linux epoll. */
    EPOLL,
    /** Java NIO, on every platform. */
    NIO
  }

  private final Builder config;
  private final ProxyServer server;
  private final Certificates certificates;
  private volatile IngressRoutes routes;
  private volatile List<String> problems = List.of();
  private boolean started;

  private IngressController(Builder b) {
    this.config = b;
    try {
      this.certificates = new Certificates(b.defaultCertificate, true);
      this.routes = IngressRoutes.compile(ClusterState.EMPTY, b.settings);
      this.server =
          new ProxyServer(
              b.eventLoops,
              b.transport,
              b.h2c,
              b.forwardedHeaders,
              b.clientIdleTimeout,
              b.backendIdleTimeout,
              routes.table());
    } catch (SSLException e) {
      throw new K8snetException("cannot set up TLS: " + e.getMessage(), b.defaultCertificate, e);
    }
  }

  /**
   * Returns a builder.
   *
   * @return a builder with no listener yet
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Compiles the routes and certificates of a snapshot and swaps them in: the next request uses
   * them; requests in flight and open connections are untouched.
   *
   * @param state the snapshot
   * @return the new routes
   */
  public synchronized IngressRoutes update(ClusterState state) {
    IngressRoutes next = IngressRoutes.compile(state, config.settings);
    List<String> all = new ArrayList<>(next.problems());
    Certificates.Mapping m =
        config.listenTls == null ? null : certificates.mapping(next.certificates(), all);
    server.swap(next.table(), m);
    routes = next;
    if (!all.equals(problems)) {
      all.forEach(p -> LOG.warn("{}", p));
    }
    problems = List.copyOf(all);
    return next;
  }

  /**
   * Binds the listeners.
   *
   * @throws K8snetException if an address cannot be bound
   */
  public synchronized void start() {
    if (started) {
      return;
    }
    started = true;
    try {
      if (config.listen != null) {
        server.listen(config.listen);
      }
      if (config.listenTls != null) {
        server.listenTls(
            config.listenTls, certificates.mapping(routes.certificates(), new ArrayList<>()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new K8snetException("interrupted while binding", config.listen, e);
    } catch (RuntimeException e) {
      throw new K8snetException("cannot bind: " + e.getMessage(), config.listen, e);
    }
  }

  /**
   * Returns the routes in use.
   *
   * @return the last compiled routes
   */
  public IngressRoutes routes() {
    return routes;
  }

  /**
   * Returns the problems of the routes in use, and of certificates that did not parse.
   *
   * @return one sentence each
   */
  public List<String> problems() {
    return problems;
  }

  /**
   * Returns the bound plain-HTTP address.
   *
   * @return the address (with the actual port when 0 was asked), empty before start or when none
   */
  public Optional<InetSocketAddress> httpAddress() {
    return address(0, config.listen != null);
  }

  /**
   * Returns the bound HTTPS address.
   *
   * @return the address, empty before start or when none
   */
  public Optional<InetSocketAddress> httpsAddress() {
    return address(config.listen != null ? 1 : 0, config.listenTls != null);
  }

  private Optional<InetSocketAddress> address(int i, boolean configured) {
    List<InetSocketAddress> a = server.addresses();
    return configured && a.size() > i ? Optional.of(a.get(i)) : Optional.empty();
  }

  /**
   * Returns the transport in use: the one built for, or the next one this host can run.
   *
   * @return the transport of the event loops
   */
  public Transport transport() {
    return server.transport();
  }

  /**
   * Returns the counters since start.
   *
   * @return a snapshot
   */
  public IngressMetrics metrics() {
    return server.metrics().snapshot();
  }

  /** Closes the listeners and every connection. */
  @Override
  public void close() {
    server.close();
  }

  /**
   * Settings of a controller.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private InetSocketAddress listen;
    private InetSocketAddress listenTls;
    private IngressSettings settings = IngressSettings.DEFAULT;
    private Secret defaultCertificate;
    private int eventLoops = Runtime.getRuntime().availableProcessors();
    private Transport transport = Transport.IO_URING;
    private boolean h2c = true;
    private Set<ForwardedHeader> forwardedHeaders = EnumSet.allOf(ForwardedHeader.class);
    private Duration clientIdleTimeout = Duration.ofSeconds(75);
    private Duration backendIdleTimeout = Duration.ofSeconds(50);

    private Builder() {}

    /**
     * Sets the plain-HTTP listener.
     *
     * @param address the address (port 0 for any free port)
     * @return this builder
     */
    public Builder listen(InetSocketAddress address) {
      this.listen = Objects.requireNonNull(address, "address");
      return this;
    }

    /**
     * Sets the HTTPS listener.
     *
     * @param address the address (port 0 for any free port)
     * @return this builder
     */
    public Builder listenTls(InetSocketAddress address) {
      this.listenTls = Objects.requireNonNull(address, "address");
      return this;
    }

    /**
     * Sets the controller settings (class name, node).
     *
     * @param settings the settings
     * @return this builder
     */
    public Builder settings(IngressSettings settings) {
      this.settings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /**
     * Sets the certificate for TLS clients whose server name has none (default: a generated
     * self-signed certificate, as ingress-nginx's fake certificate).
     *
     * @param secret a {@code kubernetes.io/tls} Secret
     * @return this builder
     */
    public Builder defaultCertificate(Secret secret) {
      this.defaultCertificate = Objects.requireNonNull(secret, "secret");
      return this;
    }

    /**
     * Sets the number of event loops.
     *
     * @param n at least 1 (default: the number of processors)
     * @return this builder
     */
    public Builder eventLoops(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("eventLoops: " + n + " (expected: at least 1)");
      }
      this.eventLoops = n;
      return this;
    }

    /**
     * Chooses the socket transport; where this host cannot run it, the controller runs the next one
     * of {@link Transport}'s list that it can. Default: {@link Transport#IO_URING}.
     *
     * @param preferred the transport wanted
     * @return this builder
     */
    public Builder transport(Transport preferred) {
      this.transport = Objects.requireNonNull(preferred, "transport");
      return this;
    }

    /**
     * Enables h2c on the plain listener (prior knowledge and {@code Upgrade: h2c}); default on.
     *
     * @param enabled whether to accept h2c
     * @return this builder
     */
    public Builder h2c(boolean enabled) {
      this.h2c = enabled;
      return this;
    }

    /**
     * Sets the forwarding fields written to endpoints (default: all of them). The client's values
     * of the others are removed, not passed on; see {@link ForwardedHeader}.
     *
     * @param headers the fields to write; may be empty
     * @return this builder
     */
    public Builder forwardedHeaders(Set<ForwardedHeader> headers) {
      Objects.requireNonNull(headers, "headers");
      this.forwardedHeaders =
          headers.isEmpty() ? EnumSet.noneOf(ForwardedHeader.class) : EnumSet.copyOf(headers);
      return this;
    }

    /**
     * Sets how long a client connection may sit idle before the controller closes it: an HTTP/1
     * connection before its first request or between two, an HTTP/2 one with no stream open (with
     * GOAWAY first). Default: 75 s, as nginx's {@code keepalive_timeout}. An exchange in flight is
     * never cut by it; the proxy timeouts govern those.
     *
     * @param timeout at least one second
     * @return this builder
     * @throws IllegalArgumentException if shorter than one second
     */
    public Builder clientIdleTimeout(Duration timeout) {
      this.clientIdleTimeout = atLeastOneSecond("clientIdleTimeout", timeout);
      return this;
    }

    /**
     * Sets how long a pooled connection to an endpoint may sit idle before the controller closes it
     * (default: 50 s). Keep it below the endpoints' own keep-alive timeout (Node.js closes after 5
     * s, for one): a request sent just as the endpoint closes its end fails, so the proxy should be
     * the side that closes.
     *
     * @param timeout at least one second
     * @return this builder
     * @throws IllegalArgumentException if shorter than one second
     */
    public Builder backendIdleTimeout(Duration timeout) {
      this.backendIdleTimeout = atLeastOneSecond("backendIdleTimeout", timeout);
      return this;
    }

    private static Duration atLeastOneSecond(String name, Duration timeout) {
      Objects.requireNonNull(timeout, name);
      if (timeout.compareTo(MIN_IDLE_TIMEOUT) < 0) {
        throw new IllegalArgumentException(
            name + ": " + timeout + " (expected: at least one second)");
      }
      return timeout;
    }

    /**
     * Creates the controller: event loops and TLS contexts, no socket yet.
     *
     * @return the controller
     * @throws IllegalStateException without any listener
     * @throws K8snetException if the default certificate does not parse
     */
    public IngressController build() {
      if (listen == null && listenTls == null) {
        throw new IllegalStateException("listen or listenTls is required");
      }
      return new IngressController(this);
    }
  }
}
