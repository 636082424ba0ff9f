package dev.k8snet.proxy.ingress.internal;

import dev.k8snet.proxy.ServiceEndpoint;
import dev.k8snet.proxy.ingress.ForwardedHeader;
import dev.k8snet.proxy.ingress.IngressAnnotations;
import dev.k8snet.proxy.ingress.IngressAnnotations.BackendProtocol;
import dev.k8snet.proxy.ingress.IngressController.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2ConnectionPrefaceAndSettingsFrameWrittenEvent;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The netty reverse proxy: plain and TLS listeners, HTTP/1.1, HTTP/2 over ALPN and h2c, pooled
 * backend connections per event loop; routes and certificates are read from volatile fields, so a
 * swap affects the next request and never an open connection.
 */
// netty: the outcome of close() and write() surfaces in channelInactive/exceptionCaught.
@SuppressWarnings("FutureReturnValueIgnored")
public final class ProxyServer implements AutoCloseable {
  static final Logger ACCESS = LoggerFactory.getLogger("dev.k8snet.proxy.ingress.access");
  private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);
  private static final int MAX_LINE = 8192;
  private static final int MAX_HEADERS = 16384;
  private static final int MAX_CHUNK = 16384;
  private static final int MAX_IDLE_PER_ENDPOINT = 256;

  /** The client pipeline's request decoder and response encoder. */
  static final String DECODER = "decoder";

  static final String ENCODER = "encoder";
  private static final byte[] H2_PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  final Metrics metrics = new Metrics();
  final Timeouts timeouts;
  private final Sockets sockets;
  private final int loops;
  private final boolean h2c;
  private final Set<ForwardedHeader> forwarding;
  private final Duration clientIdle;
  private final Duration backendIdle;
  private final EventLoopGroup group;
  private SslContext clientTls;
  private SslContext clientTlsH2;
  private final FastThreadLocal<Map<String, Future<Channel>>> h2Parents =
      new FastThreadLocal<>() {
        @Override
        protected Map<String, Future<Channel>> initialValue() {
          return new HashMap<>();
        }
      };
  private final FastThreadLocal<BackendPool> pools =
      new FastThreadLocal<>() {
        @Override
        protected BackendPool initialValue() {
          return new BackendPool(MAX_IDLE_PER_ENDPOINT);
        }
      };
  private final List<Channel> listeners = new ArrayList<>();
  private volatile RouteTable table;
  private volatile Certificates.Mapping mapping;

  /**
   * Creates the event loops; nothing is bound before {@link #listen}. {@code forwarding} are the
   * forwarding fields written to endpoints (kept, not copied: the caller's own set); {@code
   * clientIdle} and {@code backendIdle} how long an idle client connection and an idle pooled
   * endpoint connection are kept.
   */
  public ProxyServer(
      int loops,
      Transport preferred,
      boolean h2c,
      Set<ForwardedHeader> forwarding,
      Duration clientIdle,
      Duration backendIdle,
      RouteTable initial)
      throws SSLException {
    this.sockets = Sockets.of(runnable(preferred));
    this.loops = loops;
    this.h2c = h2c;
    this.forwarding = forwarding;
    this.clientIdle = clientIdle;
    this.backendIdle = backendIdle;
    this.table = initial;
    this.group =
        new MultiThreadIoEventLoopGroup(
            loops, new DefaultThreadFactory("k8snet-ingress"), sockets.handlers());
    this.timeouts = new Timeouts("k8snet-ingress-timeouts");
  }

  /** Client contexts for TLS endpoints (not verified, as nginx's default), made on first use. */
  private synchronized SslContext clientTls(boolean h2) {
    try {
      if (h2 && clientTlsH2 == null) {
        clientTlsH2 =
            SslContextBuilder.forClient()
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .applicationProtocolConfig(
                    new ApplicationProtocolConfig(
                        ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2))
                .build();
      } else if (!h2 && clientTls == null) {
        clientTls =
            SslContextBuilder.forClient()
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .build();
      }
    } catch (SSLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    return h2 ? clientTlsH2 : clientTls;
  }

  /** The first transport of the list from {@code preferred} down that this host can run. */
  static Transport runnable(Transport preferred) {
    return switch (preferred) {
      case IO_URING -> IoUring.isAvailable() ? Transport.IO_URING : runnable(Transport.EPOLL);
      case EPOLL -> Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO;
      case NIO -> Transport.NIO;
    };
  }

  /** A transport's netty classes: its event loops, listeners and outgoing connections. */
  private record Sockets(
      Transport transport,
      IoHandlerFactory handlers,
      Class<? extends ServerChannel> listener,
      Class<? extends SocketChannel> connection) {
    static Sockets of(Transport t) {
      return switch (t) {
        case IO_URING ->
            new Sockets(
                t,
                IoUringIoHandler.newFactory(),
                IoUringServerSocketChannel.class,
                IoUringSocketChannel.class);
        case EPOLL ->
            new Sockets(
                t,
                EpollIoHandler.newFactory(),
                EpollServerSocketChannel.class,
                EpollSocketChannel.class);
        case NIO ->
            new Sockets(
                t, NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
      };
    }
  }

  /** The transport of the event loops. */
  public Transport transport() {
    return sockets.transport();
  }

  /** The forwarding fields written to endpoints. */
  Set<ForwardedHeader> forwarding() {
    return forwarding;
  }

  /** The counters. */
  public Metrics metrics() {
    return metrics;
  }

  RouteTable table() {
    return table;
  }

  /** Swaps the routes (and certificates, if given): takes effect for the next request. */
  public void swap(RouteTable next, Certificates.Mapping certificates) {
    this.table = next;
    if (certificates != null) {
      this.mapping = certificates;
    }
  }

  BackendPool pool() {
    return pools.get();
  }

  /**
   * The pool of idle connections to an endpoint: by protocol, and by mode (raw bytes for HTTP/1.x
   * clients, HTTP objects for HTTP/2 streams).
   */
  BackendPool.Key poolKey(BackendProtocol protocol, ServiceEndpoint ep, boolean raw) {
    return new BackendPool.Key(ep.ip(), ep.port(), protocol == BackendProtocol.HTTPS, raw);
  }

  static void debug(String format, Object a, Object b) {
    LOG.debug(format, a, b);
  }

  void release(BackendPool.Key key, Channel ch) {
    if (ch instanceof Http2StreamChannel) {
      ch.close(); // one stream per request; the connection stays
      return;
    }
    if (ch.isActive()) {
      pool().offer(key, ch);
    }
  }

  /** Binds a plain-HTTP listener. */
  public InetSocketAddress listen(InetSocketAddress address) throws InterruptedException {
    return bind(address, false);
  }

  /** Binds a TLS listener (SNI from the current mapping, ALPN h2 and http/1.1). */
  public InetSocketAddress listenTls(InetSocketAddress address, Certificates.Mapping certificates)
      throws InterruptedException {
    this.mapping = certificates;
    return bind(address, true);
  }

  private InetSocketAddress bind(InetSocketAddress address, boolean tls)
      throws InterruptedException {
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(sockets.listener())
            .option(ChannelOption.SO_BACKLOG, 4096)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (tls) {
                      initTls(ch.pipeline());
                    } else {
                      initPlain(ch.pipeline());
                    }
                  }
                });
    ChannelFuture f = b.bind(address).sync();
    listeners.add(f.channel());
    return (InetSocketAddress) f.channel().localAddress();
  }

  /**
   * The HTTP/1.x client handlers: a request decoder and a response encoder as two handlers (not
   * HttpServerCodec), because relayed responses are written past the encoder and only local ones go
   * through it.
   */
  private void addHttp1(ChannelPipeline p) {
    p.addLast(
        DECODER,
        new HttpRequestDecoder(
            new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_LINE)
                .setMaxHeaderSize(MAX_HEADERS)
                .setMaxChunkSize(MAX_CHUNK)));
    p.addLast(ENCODER, new HttpResponseEncoder());
  }

  private void initPlain(ChannelPipeline p) {
    p.addLast("idle", new IdleTimeout(timeouts, clientIdle));
    if (h2c) {
      p.addLast("h2c", new PriorKnowledge());
    }
    addHttp1(p);
    if (h2c) {
      HttpServerUpgradeHandler.UpgradeCodecFactory upgrades =
          protocol ->
              AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                  ? new Http2ServerUpgradeCodec(
                      Http2FrameCodecBuilder.forServer().build(),
                      multiplex(false),
                      new Http2IdleClose())
                  : null;
      HttpServerUpgradeHandler.SourceCodec http1 =
          ctx -> {
            ctx.pipeline().remove(DECODER);
            ctx.pipeline().remove(ENCODER);
          };
      // Upgrade to h2c on a connection's first request only (RFC 9113 dropped the mechanism;
      // clients use it on the first request): later requests skip the aggregator entirely.
      p.addLast(
          "upgrade",
          new HttpServerUpgradeHandler(
              http1,
              upgrades,
              65536,
              DefaultHttpHeadersFactory.headersFactory(),
              DefaultHttpHeadersFactory.trailersFactory(),
              true));
    }
    p.addLast("front", new FrontendHandler(this, false, false));
  }

  /**
   * h2c with prior knowledge: a connection that starts with the HTTP/2 preface gets the HTTP/2
   * handlers in place of the HTTP/1.x ones; any other first bytes remove this handler.
   */
  private final class PriorKnowledge extends ByteToMessageDecoder {
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      int n = Math.min(in.readableBytes(), H2_PREFACE.length);
      for (int i = 0; i < n; i++) {
        if (in.getByte(in.readerIndex() + i) != H2_PREFACE[i]) {
          ctx.pipeline().remove(this);
          return;
        }
      }
      if (n < H2_PREFACE.length) {
        return;
      }
      ChannelPipeline cp = ctx.pipeline();
      for (String name : new String[] {DECODER, ENCODER, "upgrade", "front"}) {
        if (cp.get(name) != null) {
          cp.remove(name);
        }
      }
      cp.addAfter(ctx.name(), "h2", Http2FrameCodecBuilder.forServer().build());
      cp.addAfter("h2", "h2-streams", multiplex(false));
      cp.addAfter("h2-streams", "h2-idle", new Http2IdleClose());
      cp.remove(this);
    }
  }

  /**
   * Closes an HTTP/2 connection idle for the client idle timeout with no stream open; the codec
   * sends GOAWAY first. A connection with an open stream stays: the proxy timeouts govern those.
   */
  private static final class Http2IdleClose extends ChannelInboundHandlerAdapter {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof IdleStateEvent) {
        Http2FrameCodec codec = ctx.pipeline().get(Http2FrameCodec.class);
        if (codec == null || codec.connection().numActiveStreams() == 0) {
          ctx.close();
        }
        return;
      }
      ctx.fireUserEventTriggered(evt);
    }
  }

  private Http2MultiplexHandler multiplex(boolean https) {
    return new Http2MultiplexHandler(
        new ChannelInitializer<Http2StreamChannel>() {
          @Override
          protected void initChannel(Http2StreamChannel ch) {
            ch.pipeline()
                .addLast(new Http2StreamFrameToHttpObjectCodec(true))
                .addLast(new FrontendHandler(ProxyServer.this, https, true));
          }
        });
  }

  private void initTls(ChannelPipeline p) {
    p.addLast(
        new SniHandler(
            (String host, Promise<SslContext> promise) -> {
              Certificates.Mapping m = mapping;
              return promise.setSuccess(m.select(host));
            }));
    p.addLast(
        new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
          @Override
          protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            ChannelPipeline cp = ctx.pipeline();
            cp.addLast("idle", new IdleTimeout(timeouts, clientIdle));
            if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
              cp.addLast(
                  Http2FrameCodecBuilder.forServer().build(),
                  multiplex(true),
                  new Http2IdleClose());
            } else {
              addHttp1(cp);
              cp.addLast("front", new FrontendHandler(ProxyServer.this, true, false));
            }
          }

          @Override
          protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), cause);
            ctx.close();
          }
        });
  }

  /**
   * Opens a channel to an endpoint on the client's event loop: a new HTTP/1.1 connection, or for
   * HTTP/2 protocols (GRPC, GRPCS, H2C) a new stream on the loop's shared connection.
   */
  Future<Channel> connect(
      EventLoop loop, ServiceEndpoint ep, IngressAnnotations options, boolean raw) {
    BackendProtocol protocol = options.backendProtocol();
    if (protocol == BackendProtocol.GRPC
        || protocol == BackendProtocol.GRPCS
        || protocol == BackendProtocol.H2C) {
      return openStream(loop, ep, options);
    }
    boolean tls = protocol == BackendProtocol.HTTPS;
    Bootstrap b =
        bootstrap(loop, options)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (tls) {
                      ch.pipeline()
                          .addLast(
                              clientTls(false)
                                  .newHandler(ch.alloc(), ep.ip().toString(), ep.port()));
                    }
                    ch.pipeline()
                        .addLast("idle", new IdleTimeout(timeouts, backendIdle))
                        .addLast(
                            "codec",
                            raw
                                ? new HttpRequestEncoder()
                                : new HttpClientCodec(MAX_LINE, MAX_HEADERS, MAX_CHUNK))
                        .addLast(
                            "back",
                            raw
                                ? new BackendHandler(ch, MAX_LINE, MAX_HEADERS)
                                : new BackendHandler());
                  }
                });
    ChannelFuture f = b.connect(new InetSocketAddress(ep.ip().toInetAddress(), ep.port()));
    BackendPool.Key key = poolKey(protocol, ep, raw);
    f.channel().closeFuture().addListener(c -> pool().remove(key, f.channel()));
    Promise<Channel> out = loop.newPromise();
    f.addListener(
        x -> {
          if (x.isSuccess()) {
            out.setSuccess(f.channel());
          } else {
            out.setFailure(x.cause());
          }
        });
    return out;
  }

  private Bootstrap bootstrap(EventLoop loop, IngressAnnotations options) {
    return new Bootstrap()
        .group(loop)
        .channel(sockets.connection())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis());
  }

  /** A new stream on the event loop's HTTP/2 connection to the endpoint (opened if needed). */
  private Future<Channel> openStream(
      EventLoop loop, ServiceEndpoint ep, IngressAnnotations options) {
    Promise<Channel> out = loop.newPromise();
    parent(loop, ep, options)
        .addListener(
            pf -> {
              if (!pf.isSuccess()) {
                out.setFailure(pf.cause());
                return;
              }
              Channel parent = (Channel) pf.getNow();
              new Http2StreamChannelBootstrap(parent)
                  .handler(
                      new ChannelInitializer<Http2StreamChannel>() {
                        @Override
                        protected void initChannel(Http2StreamChannel ch) {
                          ch.pipeline()
                              .addLast("codec", new Http2StreamFrameToHttpObjectCodec(false))
                              .addLast("back", new BackendHandler());
                        }
                      })
                  .open()
                  .addListener(
                      sf -> {
                        if (sf.isSuccess()) {
                          out.setSuccess((Channel) sf.getNow());
                        } else {
                          out.setFailure(sf.cause());
                        }
                      });
            });
    return out;
  }

  private Future<Channel> parent(EventLoop loop, ServiceEndpoint ep, IngressAnnotations options) {
    Map<String, Future<Channel>> parents = h2Parents.get();
    boolean tls = options.backendProtocol() == BackendProtocol.GRPCS;
    String key = (tls ? "h2s|" : "h2|") + ep.hostPort();
    Future<Channel> existing = parents.get(key);
    if (existing != null
        && (!existing.isDone() || (existing.isSuccess() && existing.getNow().isActive()))) {
      return existing;
    }
    Promise<Channel> promise = loop.newPromise();
    parents.put(key, promise);
    ChannelFuture f =
        bootstrap(loop, options)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (tls) {
                      ch.pipeline()
                          .addLast(
                              clientTls(true)
                                  .newHandler(ch.alloc(), ep.ip().toString(), ep.port()));
                    }
                    ch.pipeline()
                        .addLast(Http2FrameCodecBuilder.forClient().build())
                        .addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()))
                        .addLast(
                            new ChannelInboundHandlerAdapter() {
                              // Streams may be opened once the preface is out, not at connect.
                              @Override
                              public void userEventTriggered(ChannelHandlerContext c, Object e) {
                                if (e
                                    instanceof Http2ConnectionPrefaceAndSettingsFrameWrittenEvent) {
                                  promise.trySuccess(c.channel());
                                }
                                c.fireUserEventTriggered(e);
                              }
                            });
                  }
                })
            .connect(new InetSocketAddress(ep.ip().toInetAddress(), ep.port()));
    f.addListener(
        x -> {
          if (!x.isSuccess()) {
            parents.remove(key, promise);
            promise.tryFailure(x.cause());
          }
        });
    f.channel()
        .closeFuture()
        .addListener(
            c -> {
              parents.remove(key, promise);
              promise.tryFailure(new java.io.IOException("connection to " + ep + " closed"));
            });
    return promise;
  }

  /** Turns both sides of an upgraded exchange into a byte relay. */
  void upgrade(Channel front, Channel back) {
    ChannelPipeline fp = front.pipeline();
    ChannelPipeline bp = back.pipeline();
    bp.remove(BackendHandler.class);
    bp.remove("idle");
    bp.addLast("relay", new Relay(front));
    fp.remove(FrontendHandler.class);
    if (fp.get("idle") != null) {
      fp.remove("idle");
    }
    fp.addLast("relay", new Relay(back));
    for (String name : new String[] {DECODER, ENCODER, "upgrade"}) {
      if (fp.get(name) != null) {
        fp.remove(name);
      }
    }
    bp.remove("codec");
    back.config().setAutoRead(true);
    front.config().setAutoRead(true);
    front.read();
  }

  /** The bound listeners. */
  public List<InetSocketAddress> addresses() {
    List<InetSocketAddress> out = new ArrayList<>();
    listeners.forEach(c -> out.add((InetSocketAddress) c.localAddress()));
    return out;
  }

  /** Closes the listeners and every connection. */
  @Override
  public void close() {
    for (Channel c : listeners) {
      c.close().syncUninterruptibly();
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    timeouts.close();
  }

  int loops() {
    return loops;
  }
}
