package dev.k8snet.proxy;

import dev.k8snet.core.IpAddress;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-service health checks kube-proxy serves for load balancers: one HTTP listener on each
 * {@code healthCheckNodePort} of a LoadBalancer service with externalTrafficPolicy Local. Any
 * request gets 200 when the service has at least one ready endpoint on this node and the proxy is
 * healthy, else 503; the body is {@code {"service": {"namespace": …, "name": …}, "localEndpoints":
 * N, "serviceProxyHealthy": true|false}} and the header {@code X-Load-Balancing-Endpoint-Weight:
 * N}. Terminating endpoints do not count.
 *
 * <p>It also serves kube-proxy's node-level health endpoint ({@link #serveProxyHealth}, port 10256
 * by default there): {@code /healthz} and {@code /livez} answer 200 while the proxy keeps up (no
 * cluster update has waited longer than the health timeout for a successful sync) and 503 once it
 * does not, with {@code {"lastUpdated": …, "currentTime": …, "nodeEligible": …}}; {@code /healthz}
 * (not {@code /livez}) also answers 503 while the node is going away ({@link #nodeEligible}: being
 * deleted or tainted by the cluster autoscaler, KEP-3836) so that load balancers drain it.
 *
 * <p>Thread-safe. No thread or socket is started before the first {@link #sync} that needs a
 * listener or {@link #serveProxyHealth}; {@link #close()} stops them all.
 *
 * @since 0.1.0
 */
public final class HealthCheckServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HealthCheckServer.class);

  private final IpAddress bindAddress;
  private final Map<Integer, Channel> listeners = new HashMap<>();
  private final Map<Integer, Entry> entries = new ConcurrentHashMap<>();
  private volatile boolean proxyHealthy = true;
  private Channel proxyHealthListener;
  private java.time.Duration healthTimeout = java.time.Duration.ofSeconds(60);
  private java.time.InstantSource clock = java.time.InstantSource.system();
  // Guarded by this.
  private java.time.Instant lastUpdated;
  private java.time.Instant oldestQueued;
  private boolean nodeEligible = true;
  private EventLoopGroup group;
  private boolean closed;

  private record Entry(String namespace, String name, int localEndpoints) {}

  private HealthCheckServer(IpAddress bindAddress) {
    this.bindAddress = bindAddress;
  }

  /**
   * Creates a server that will listen on {@code bindAddress} (e.g. {@code 0.0.0.0} for every
   * address, as kube-proxy does).
   *
   * @param bindAddress the address to bind the listeners to
   * @return the server, not yet listening
   */
  public static HealthCheckServer create(IpAddress bindAddress) {
    return new HealthCheckServer(Objects.requireNonNull(bindAddress, "bindAddress"));
  }

  /**
   * Opens, closes and updates listeners to match the tables: one per health-check node port,
   * answering with the number of distinct local ready endpoint addresses of its service.
   *
   * @param tables the service tables (one per family; counts are summed over them)
   * @throws java.io.UncheckedIOException if a port cannot be bound (the others are still served)
   */
  public synchronized void sync(List<ServiceTable> tables) {
    if (closed) {
      throw new IllegalStateException("closed");
    }
    Map<Integer, String> ports = new TreeMap<>();
    Map<String, Set<IpAddress>> local = new HashMap<>();
    for (ServiceTable t : tables) {
      for (ServicePortInfo p : t.ports().values()) {
        if (p.healthCheckNodePort().isEmpty()) {
          continue;
        }
        String svc = p.name().service();
        ports.put(p.healthCheckNodePort().getAsInt(), svc);
        Set<IpAddress> ips = local.computeIfAbsent(svc, k -> new HashSet<>());
        for (ServiceEndpoint e : p.localEndpoints()) {
          if (e.ready()) {
            ips.add(e.ip());
          }
        }
      }
    }
    for (Integer port : List.copyOf(listeners.keySet())) {
      if (!ports.containsKey(port)) {
        listeners.remove(port).close().syncUninterruptibly();
        entries.remove(port);
      }
    }
    java.io.UncheckedIOException failure = null;
    for (Map.Entry<Integer, String> e : ports.entrySet()) {
      String svc = e.getValue();
      int slash = svc.indexOf('/');
      entries.put(
          e.getKey(),
          new Entry(svc.substring(0, slash), svc.substring(slash + 1), local.get(svc).size()));
      if (!listeners.containsKey(e.getKey())) {
        try {
          listeners.put(e.getKey(), bind(e.getKey()));
        } catch (java.io.UncheckedIOException ex) {
          entries.remove(e.getKey());
          failure = failure == null ? ex : failure;
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Sets whether the proxy itself is healthy (its last sync succeeded); when not, every listener
   * answers 503, as it does while the proxy does not keep up ({@link #keepsUp()}).
   *
   * @param healthy the proxy's health
   */
  public void proxyHealthy(boolean healthy) {
    this.proxyHealthy = healthy;
  }

  /**
   * Starts the node-level health endpoint on {@code port} ({@code /healthz} and {@code /livez}).
   *
   * @param port the port (kube-proxy's default is 10256)
   * @param healthTimeout how long a cluster update may wait for a successful sync before the proxy
   *     counts as unhealthy (kube-proxy: twice the sync period)
   * @param clock the time source
   * @throws java.io.UncheckedIOException if the port cannot be bound
   * @throws IllegalStateException if already serving
   */
  public synchronized void serveProxyHealth(
      int port, java.time.Duration healthTimeout, java.time.InstantSource clock) {
    if (closed) {
      throw new IllegalStateException("closed");
    }
    if (proxyHealthListener != null) {
      throw new IllegalStateException("already serving proxy health");
    }
    if (healthTimeout.isNegative() || healthTimeout.isZero()) {
      throw new IllegalArgumentException("healthTimeout: " + healthTimeout + " (expected: > 0)");
    }
    this.healthTimeout = healthTimeout;
    this.clock = Objects.requireNonNull(clock, "clock");
    proxyHealthListener = bind(port, ProxyHealthHandler::new);
  }

  /**
   * Records that a cluster update arrived and waits for a sync.
   *
   * @param at when it arrived
   */
  public synchronized void queued(java.time.Instant at) {
    if (oldestQueued == null) {
      oldestQueued = at;
    }
  }

  /**
   * Records a successful sync: every update queued before it is applied.
   *
   * @param at when the sync finished
   */
  public synchronized void updated(java.time.Instant at) {
    lastUpdated = at;
    oldestQueued = null;
  }

  /**
   * Sets whether this node should receive load-balancer traffic: false once its Node is being
   * deleted or tainted {@code ToBeDeletedByClusterAutoscaler} (see {@link
   * dev.k8snet.core.model.Node#goingAway()}), or gone.
   *
   * @param eligible whether the node is eligible
   */
  public synchronized void nodeEligible(boolean eligible) {
    this.nodeEligible = eligible;
  }

  /**
   * Returns whether the proxy keeps up: no update has waited longer than the health timeout.
   *
   * @return the node-level health
   */
  public synchronized boolean keepsUp() {
    return oldestQueued == null
        || java.time.Duration.between(oldestQueued, clock.instant()).compareTo(healthTimeout) < 0;
  }

  private final class ProxyHealthHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      String path = req.uri();
      int q = path.indexOf('?');
      path = q < 0 ? path : path.substring(0, q);
      FullHttpResponse r;
      if (!path.equals("/healthz") && !path.equals("/livez")) {
        r =
            new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.NOT_FOUND,
                Unpooled.copiedBuffer("404 page not found\n", StandardCharsets.UTF_8));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
      } else {
        boolean ok;
        boolean eligible;
        java.time.Instant last;
        java.time.Instant now;
        synchronized (HealthCheckServer.this) {
          eligible = nodeEligible;
          ok = keepsUp() && (eligible || path.equals("/livez"));
          last = lastUpdated;
          now = clock.instant();
        }
        String body =
            "{\"lastUpdated\": \""
                + (last == null ? "" : last.toString())
                + "\", \"currentTime\": \""
                + now
                + "\", \"nodeEligible\": "
                + eligible
                + "}";
        r =
            new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                ok ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
      }
      r.headers().set(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
      var unused = ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("proxy health connection failed", cause);
      var unused = ctx.close();
    }
  }

  /**
   * Returns the ports listened on.
   *
   * @return the ports, sorted
   */
  public synchronized Set<Integer> ports() {
    return Set.copyOf(new TreeMap<>(listeners).keySet());
  }

  private Channel bind(int port) {
    return bind(port, null);
  }

  private Channel bind(
      int port, java.util.function.Supplier<SimpleChannelInboundHandler<FullHttpRequest>> handler) {
    if (group == null) {
      group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(8192))
                        .addLast(handler != null ? handler.get() : new Handler(port));
                  }
                });
    try {
      return b.bind(new InetSocketAddress(bindAddress.toInetAddress(), port)).sync().channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.UncheckedIOException(new java.io.InterruptedIOException("bind " + port));
    } catch (Exception e) {
      throw new java.io.UncheckedIOException(
          new java.io.IOException("cannot listen on " + bindAddress + ":" + port, e));
    }
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final int port;

    Handler(int port) {
      this.port = port;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      Entry e = entries.get(port);
      int n = e == null ? 0 : e.localEndpoints();
      boolean healthy;
      synchronized (HealthCheckServer.this) {
        healthy = proxyHealthy && keepsUp();
      }
      String body =
          e == null
              ? "{}"
              : "{\"service\": {\"namespace\": \""
                  + e.namespace()
                  + "\", \"name\": \""
                  + e.name()
                  + "\"}, \"localEndpoints\": "
                  + n
                  + ", \"serviceProxyHealthy\": "
                  + healthy
                  + "}";
      FullHttpResponse r =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              n > 0 && healthy ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
              Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
      r.headers().set(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
      r.headers().set("X-Load-Balancing-Endpoint-Weight", n);
      var unused = ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("health check connection failed", cause);
      var unused = ctx.close();
    }
  }

  /** Stops every listener and the event loop. */
  @Override
  public synchronized void close() {
    closed = true;
    listeners.values().forEach(c -> c.close().syncUninterruptibly());
    listeners.clear();
    if (proxyHealthListener != null) {
      proxyHealthListener.close().syncUninterruptibly();
      proxyHealthListener = null;
    }
    entries.clear();
    if (group != null) {
      group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
      group = null;
    }
  }
}
