package dev.k8snet.dns;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.k8snet.core.Cidr;
import dev.k8snet.core.K8snetException;
import dev.k8snet.dns.internal.Engine;
import dev.k8snet.dns.internal.Forwarder;
import dev.k8snet.dns.internal.Metrics;
import dev.k8snet.dns.internal.NettyServer;
import dev.k8snet.dns.internal.WireName;
import dev.k8snet.dns.internal.ZoneIndex;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A DNS server for a cluster: answers the cluster zone and the reverse zones from {@link
 * ClusterDns}, forwards other names to upstream servers (with a cache), over UDP and TCP on one
 * address.
 *
 * <pre>{@code
 * ClusterDns dns = ClusterDns.create(DnsConfig.of("cluster.local"));
 * source.start(dns);
 * try (DnsServer server =
 *     DnsServer.builder(dns, new InetSocketAddress("127.0.0.1", 5353))
 *         .upstream(new InetSocketAddress("192.0.2.53", 53))
 *         .build()) {
 *   server.start();
 *   ...
 * }
 * }</pre>
 *
 * <p>Behaviour: answers for the cluster zone always come from the newest records (never a cache),
 * SERVFAIL until the first snapshot; hot answers are copied from pre-rendered wire fragments. UDP
 * responses are limited to 512 bytes without EDNS(0), else to the client's advertised size capped
 * at {@link Builder#maxUdpPayload} (default 1232, also advertised), and truncated at RRset
 * granularity: additional records are left out first, and TC=1 is set only when answer or authority
 * records had to go. TCP follows RFC 7766 (several queries per connection, answers as they
 * complete, idle connections closed). Malformed queries get FORMERR (or are dropped when not even a
 * header is present or they are responses); one bad packet never stops the server. Queries from
 * clients outside {@link Builder#allowedClients} get REFUSED, as do names outside the zones when no
 * upstream is configured. Zone transfers are refused.
 *
 * <p>Lifecycle: the constructor starts nothing; {@link #start} binds; {@link #close} releases every
 * socket and thread. Thread-safe.
 *
 * @since 0.1
 */
public final class DnsServer implements AutoCloseable {
  /** The clients served by default: loopback, RFC 1918, IPv6 ULA and link-local networks. */
  public static final List<Cidr> DEFAULT_ALLOWED_CLIENTS =
      List.of(
          Cidr.parse("127.0.0.0/8"),
          Cidr.parse("10.0.0.0/8"),
          Cidr.parse("172.16.0.0/12"),
          Cidr.parse("192.168.0.0/16"),
          Cidr.parse("169.254.0.0/16"),
          Cidr.parse("100.64.0.0/10"),
          Cidr.parse("::1/128"),
          Cidr.parse("fc00::/7"),
          Cidr.parse("fe80::/10"));

  private final Builder b;
  private final Metrics metrics = new Metrics();
  private NettyServer netty;
  private Forwarder forwarder;
  private HttpServer http;
  private volatile boolean started;
  private boolean closed;

  private DnsServer(Builder b) {
    this.b = b;
  }

  /**
   * Returns a builder for a server of {@code dns}'s records on {@code listen}.
   *
   * @param dns the records to serve
   * @param listen the UDP and TCP address; port 0 picks a free port (see {@link #localAddress})
   * @return the builder
   */
  public static Builder builder(ClusterDns dns, InetSocketAddress listen) {
    return new Builder(dns, listen);
  }

  /**
   * Binds the sockets and starts serving; returns when both UDP and TCP are bound.
   *
   * @throws K8snetException if an address cannot be bound (carrying the address)
   * @throws IllegalStateException if started before or closed
   */
  public synchronized void start() {
    if (started || closed) {
      throw new IllegalStateException("server: " + (closed ? "closed" : "started"));
    }
    started = true;
    try {
      netty =
          new NettyServer(
              b.listen, b.eventLoops, b.tcpIdleTimeout, b.maxTcpConnections, b.nativeTransport);
      netty.createGroup();
      if (!b.upstreams.isEmpty()) {
        forwarder =
            new Forwarder(
                b.upstreams,
                netty.group(),
                netty.datagramClass(),
                b.forwardTimeout,
                b.cacheSize,
                b.staleWindow,
                b.clock,
                metrics,
                b.maxConcurrentForwards);
        forwarder.start();
      }
      ClusterDns dns = b.dns;
      Engine engine =
          new Engine(
              dns::index,
              WireName.parse(dns.config().zone()),
              forwarder,
              b.allowedClients,
              metrics,
              b.maxUdpPayload);
      netty.start(engine);
      if (b.httpAddress != null) {
        startHttp(b.httpAddress);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new K8snetException("interrupted while binding " + b.listen, b.listen, e);
    } catch (IllegalStateException | IOException e) {
      close();
      throw new K8snetException(
          "cannot serve DNS on " + b.listen + ": " + e.getMessage(), b.listen, e);
    }
  }

  private void startHttp(InetSocketAddress address) throws IOException {
    http = HttpServer.create(address, 16);
    http.createContext("/health", ex -> respond(ex, 200, "ok\n"));
    http.createContext(
        "/ready",
        ex -> {
          boolean ready = b.dns.records().isPresent();
          respond(ex, ready ? 200 : 503, ready ? "ready\n" : "no records yet\n");
        });
    http.createContext("/metrics", ex -> respond(ex, 200, metrics().toPrometheus()));
    http.start();
  }

  private static void respond(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  /**
   * Returns the bound DNS address.
   *
   * @return the address with the actual port
   * @throws IllegalStateException before {@link #start}
   */
  public InetSocketAddress localAddress() {
    if (netty == null || netty.localAddress() == null) {
      throw new IllegalStateException("server: not started");
    }
    return netty.localAddress();
  }

  /**
   * Returns the bound address of the health and metrics endpoint.
   *
   * @return the address, or empty when none was configured or before {@link #start}
   */
  public Optional<InetSocketAddress> httpAddress() {
    return http == null ? Optional.empty() : Optional.of(http.getAddress());
  }

  /**
   * Returns whether the native transport is in use: UDP served by one blocking {@code
   * recvmmsg}/{@code sendmmsg} loop per SO_REUSEPORT socket, TCP on netty's epoll.
   *
   * @return true on 64-bit Linux with the native libraries, false with the portable NIO fallback
   *     (one netty datagram channel) or before start
   */
  public boolean nativeTransport() {
    return netty != null && netty.epoll() && netty.recvmmsgLoops();
  }

  /**
   * Returns a snapshot of the counters.
   *
   * @return the metrics
   */
  public DnsMetrics metrics() {
    Map<DnsType, Long> byType = new HashMap<>();
    for (int t = 0; t <= 256; t++) {
      long n = metrics.queriesOfType(t);
      if (n > 0) {
        byType.put(DnsType.valueOf(t), n);
      }
    }
    Map<DnsRcode, Long> byRcode = new HashMap<>();
    for (int r = 0; r < 24; r++) {
      long n = metrics.responsesWithRcode(r);
      if (n > 0) {
        byRcode.put(DnsRcode.valueOf(r), n);
      }
    }
    List<Long> bounds = new ArrayList<>();
    for (long x : Metrics.LATENCY_BOUNDS_MICROS) {
      bounds.add(x);
    }
    List<Long> counts = new ArrayList<>();
    for (long x : metrics.latencyCounts()) {
      counts.add(x);
    }
    List<UpstreamHealth> ups = new ArrayList<>();
    Forwarder f = forwarder;
    if (f != null) {
      for (Forwarder.Upstream u : f.upstreams()) {
        ups.add(new UpstreamHealth(u.address(), u.healthy(), u.queries(), u.failures()));
      }
    }
    ZoneIndex idx = b.dns.index();
    return new DnsMetrics(
        byType,
        byRcode,
        bounds,
        counts,
        Duration.ofNanos(metrics.latencySumNanos()),
        metrics.truncated(),
        metrics.dropped(),
        metrics.forwarded(),
        metrics.cacheHits(),
        metrics.cacheMisses(),
        f == null ? 0 : f.cacheEntries(),
        metrics.prefetches(),
        metrics.staleAnswers(),
        ups,
        idx == null ? OptionalLong.empty() : OptionalLong.of(idx.version()),
        b.dns.lastUpdateDuration());
  }

  /** Stops serving and releases every socket and thread. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (http != null) {
      http.stop(0);
    }
    if (forwarder != null) {
      forwarder.close();
    }
    if (netty != null) {
      netty.close();
    }
  }

  /** Returns the listen address and state. */
  @Override
  public String toString() {
    return "DnsServer["
        + (netty != null && netty.localAddress() != null ? netty.localAddress() : b.listen)
        + ", zone "
        + b.dns.config().zone()
        + "]";
  }

  /**
   * Builds a {@link DnsServer}. Setters are named after the setting.
   *
   * @since 0.1
   */
  public static final class Builder {
    private final ClusterDns dns;
    private final InetSocketAddress listen;
    private final List<InetSocketAddress> upstreams = new ArrayList<>();
    private List<Cidr> allowedClients = DEFAULT_ALLOWED_CLIENTS;
    private int eventLoops = Runtime.getRuntime().availableProcessors();
    private int maxUdpPayload = 1232;
    private Duration tcpIdleTimeout = Duration.ofSeconds(10);
    private Duration forwardTimeout = Duration.ofMillis(1500);
    private int cacheSize = 9984;
    private Duration staleWindow = Duration.ofHours(1);
    private InstantSource clock = InstantSource.system();
    private InetSocketAddress httpAddress;
    private boolean nativeTransport = true;
    private int maxConcurrentForwards = 1000;
    private int maxTcpConnections = 1000;

    private Builder(ClusterDns dns, InetSocketAddress listen) {
      this.dns = Objects.requireNonNull(dns, "dns");
      this.listen = Objects.requireNonNull(listen, "listen");
    }

    /**
     * Adds an upstream server for names outside the zones (and reverse names not in the cluster).
     * Without any, such queries get REFUSED.
     *
     * @param upstream the address
     * @return this
     */
    public Builder upstream(InetSocketAddress upstream) {
      upstreams.add(Objects.requireNonNull(upstream, "upstream"));
      return this;
    }

    /**
     * Sets the networks whose clients are answered (default {@link #DEFAULT_ALLOWED_CLIENTS});
     * others get REFUSED. An empty list serves everyone (an open resolver if upstreams are set).
     *
     * @param networks the networks
     * @return this
     */
    public Builder allowedClients(List<Cidr> networks) {
      this.allowedClients = List.copyOf(networks);
      return this;
    }

    /**
     * Sets the number of event loops (default: the number of processors); with the native transport
     * there are as many UDP sockets bound with SO_REUSEPORT, each served by its own thread.
     *
     * @param n 1 to 256
     * @return this
     */
    public Builder eventLoops(int n) {
      if (n < 1 || n > 256) {
        throw new IllegalArgumentException("eventLoops: " + n + " (expected: 1 ~ 256)");
      }
      this.eventLoops = n;
      return this;
    }

    /**
     * Sets the largest UDP response (default 1232, the DNS flag day 2020 value); clients that
     * advertise less get less, never below 512.
     *
     * @param bytes 512 to 65535
     * @return this
     */
    public Builder maxUdpPayload(int bytes) {
      if (bytes < 512 || bytes > 65535) {
        throw new IllegalArgumentException("maxUdpPayload: " + bytes + " (expected: 512 ~ 65535)");
      }
      this.maxUdpPayload = bytes;
      return this;
    }

    /**
     * Sets how long an idle TCP connection stays open (default 10 s, RFC 7766 §6.2.3).
     *
     * @param timeout the timeout
     * @return this
     */
    public Builder tcpIdleTimeout(Duration timeout) {
      this.tcpIdleTimeout = positive("tcpIdleTimeout", timeout);
      return this;
    }

    /**
     * Sets how long to wait for one upstream before trying the next (default 1.5 s).
     *
     * @param timeout the timeout
     * @return this
     */
    public Builder forwardTimeout(Duration timeout) {
      this.forwardTimeout = positive("forwardTimeout", timeout);
      return this;
    }

    /**
     * Sets the number of upstream answers cached (default 9984, as CoreDNS).
     *
     * @param entries 1 or more
     * @return this
     */
    public Builder cacheSize(int entries) {
      if (entries < 1) {
        throw new IllegalArgumentException("cacheSize: " + entries + " (expected: at least 1)");
      }
      this.cacheSize = entries;
      return this;
    }

    /**
     * Sets how long after expiry a cached upstream answer may still be served when every upstream
     * fails (default 1 h; RFC 8767). Stale answers carry TTL 30.
     *
     * @param window the window; zero disables serve-stale
     * @return this
     */
    public Builder staleWindow(Duration window) {
      Objects.requireNonNull(window, "window");
      if (window.isNegative()) {
        throw new IllegalArgumentException("staleWindow: " + window + " (expected: >= 0)");
      }
      this.staleWindow = window;
      return this;
    }

    /**
     * Sets the clock of the cache (default the system clock).
     *
     * @param clock the clock
     * @return this
     */
    public Builder clock(InstantSource clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Serves {@code /health}, {@code /ready} (503 until the first records) and {@code /metrics}
     * (Prometheus text) over HTTP on this address.
     *
     * @param address the address; port 0 picks a free port
     * @return this
     */
    public Builder httpAddress(InetSocketAddress address) {
      this.httpAddress = Objects.requireNonNull(address, "address");
      return this;
    }

    /**
     * Sets how many forwarded queries may wait for upstream answers at once (default 1000, as
     * CoreDNS's {@code max_concurrent} in kubeadm); beyond, queries get REFUSED at once.
     *
     * @param n 1 or more
     * @return this
     */
    public Builder maxConcurrentForwards(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxConcurrentForwards: " + n + " (expected: >= 1)");
      }
      this.maxConcurrentForwards = n;
      return this;
    }

    /**
     * Sets how many TCP connections may be open at once (default 1000); a connection beyond is
     * closed at once.
     *
     * @param n 1 or more
     * @return this
     */
    public Builder maxTcpConnections(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxTcpConnections: " + n + " (expected: >= 1)");
      }
      this.maxTcpConnections = n;
      return this;
    }

    /**
     * Sets whether to use the native epoll transport where available (default true).
     *
     * @param enabled false forces the portable NIO transport
     * @return this
     */
    public Builder nativeTransport(boolean enabled) {
      this.nativeTransport = enabled;
      return this;
    }

    /**
     * Returns the server, not yet started.
     *
     * @return the server
     */
    public DnsServer build() {
      return new DnsServer(this);
    }

    private static Duration positive(String name, Duration d) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + ": " + d + " (expected: positive)");
      }
      return d;
    }
  }
}
