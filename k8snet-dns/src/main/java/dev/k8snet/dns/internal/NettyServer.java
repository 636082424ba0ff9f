package dev.k8snet.dns.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport: UDP (one SO_REUSEPORT socket per event loop, each served by a blocking {@link
 * NativeUdpSocket recvmmsg loop}; netty datagram channels where that is unavailable) and TCP on
 * netty (RFC 7766: pipelined, out-of-order responses, idle timeout) on one address.
 */
public final class NettyServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NettyServer.class);

  /** The largest query read over UDP (recvmmsg slot size); longer datagrams are cut. */
  static final int MAX_QUERY = 1232;

  private final InetSocketAddress requested;
  private final int loops;
  private final Duration tcpIdle;
  private final int maxTcpConnections;
  private final java.util.concurrent.atomic.AtomicInteger tcpConnections =
      new java.util.concurrent.atomic.AtomicInteger();
  private final boolean epoll;
  private EventLoopGroup group;
  private final List<Channel> channels = new ArrayList<>();
  private final List<NativeUdpSocket> nativeUdp = new ArrayList<>();
  private final boolean recvmmsgLoop;
  private InetSocketAddress bound;

  /** Creates a server; nothing is bound before {@link #start}. */
  public NettyServer(
      InetSocketAddress requested,
      int loops,
      Duration tcpIdle,
      int maxTcpConnections,
      boolean useEpoll) {
    this.maxTcpConnections = maxTcpConnections;
    this.requested = requested;
    this.loops = loops;
    this.tcpIdle = tcpIdle;
    this.epoll = useEpoll && Epoll.isAvailable();
    this.recvmmsgLoop = epoll && NativeUdpSocket.available();
  }

  /** Returns whether the native epoll transport is in use. */
  public boolean epoll() {
    return epoll;
  }

  /** Returns whether UDP is served by {@link NativeUdpSocket} loops. */
  public boolean recvmmsgLoops() {
    return recvmmsgLoop;
  }

  /** Returns the event loop group (for the forwarder); valid after {@link #createGroup}. */
  public EventLoopGroup group() {
    return group;
  }

  /** Returns the datagram channel class of the transport. */
  public Class<? extends DatagramChannel> datagramClass() {
    return epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
  }

  /** Creates the event loops. */
  public void createGroup() {
    IoHandlerFactory f = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    group = new MultiThreadIoEventLoopGroup(loops, new DefaultThreadFactory("k8snet-dns"), f);
  }

  /** Returns the bound address (the actual port when 0 was requested). */
  public InetSocketAddress localAddress() {
    return bound;
  }

  /**
   * Binds UDP and TCP; with port 0, retries until both bind to the same free port.
   *
   * @param engine the engine (shared)
   */
  public void start(Engine engine) throws InterruptedException {
    Exception last = null;
    for (int attempt = 0; attempt < 10; attempt++) {
      try {
        bind(engine, requested.getPort());
        return;
      } catch (Exception e) {
        last = e;
        closeChannels();
        if (requested.getPort() != 0) {
          break;
        }
      }
    }
    throw new IllegalStateException("cannot bind " + requested + ": " + last.getMessage(), last);
  }

  private void bind(Engine engine, int port) throws Exception {
    int udpSockets = epoll ? loops : 1;
    // an AF_INET socket for an IPv4 address: no v4-mapped IPv6 path in the kernel
    boolean v4 = requested.getAddress() instanceof java.net.Inet4Address;
    SocketProtocolFamily family = v4 ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
    int actual =
        recvmmsgLoop
            ? bindNativeUdp(engine, port, udpSockets)
            : bindNettyUdp(engine, port, family, udpSockets);
    ServerBootstrap tcp =
        new ServerBootstrap()
            .group(group)
            .channelFactory(
                epoll ? () -> new EpollServerSocketChannel(family) : NioServerSocketChannel::new)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (tcpConnections.incrementAndGet() > maxTcpConnections) {
                      tcpConnections.decrementAndGet();
                      var unused = ch.close(); // over the limit: the client falls back or retries
                      return;
                    }
                    var unusedFuture =
                        ch.closeFuture().addListener(f -> tcpConnections.decrementAndGet());
                    ch.pipeline()
                        .addLast(
                            new IdleStateHandler(0, 0, tcpIdle.toMillis(), TimeUnit.MILLISECONDS))
                        .addLast(new LengthFieldBasedFrameDecoder(65535 + 2, 0, 2, 0, 2))
                        .addLast(new TcpHandler(engine));
                  }
                });
    if (epoll) {
      tcp.option(EpollChannelOption.SO_REUSEPORT, true);
    }
    ChannelFuture f = tcp.bind(new InetSocketAddress(requested.getAddress(), actual)).sync();
    channels.add(f.channel());
    bound = new InetSocketAddress(requested.getAddress(), actual);
    log.info(
        "serving DNS on {} (UDP×{} {} + TCP, {})",
        bound,
        udpSockets,
        recvmmsgLoop ? "recvmmsg loops" : "channels",
        epoll ? "epoll" : "nio");
  }

  /** UDP served by blocking recvmmsg loops, one thread and socket each; returns the port. */
  private int bindNativeUdp(Engine engine, int port, int sockets) {
    NativeUdpSocket first =
        NativeUdpSocket.open(
            new InetSocketAddress(requested.getAddress(), port), engine, MAX_QUERY);
    nativeUdp.add(first);
    for (int i = 1; i < sockets; i++) {
      nativeUdp.add(
          NativeUdpSocket.open(
              new InetSocketAddress(requested.getAddress(), first.port()), engine, MAX_QUERY));
    }
    return first.port();
  }

  /** UDP on netty datagram channels (NIO, or epoll without the native loop); returns the port. */
  private int bindNettyUdp(Engine engine, int port, SocketProtocolFamily family, int sockets)
      throws InterruptedException {
    Bootstrap udp = new Bootstrap().group(group);
    if (epoll) {
      udp.channelFactory(() -> new EpollDatagramChannel(family));
    } else {
      udp.channelFactory(() -> new NioDatagramChannel(family));
    }
    var unusedBootstrap =
        udp.option(ChannelOption.SO_RCVBUF, 4 << 20)
            .option(ChannelOption.SO_SNDBUF, 4 << 20)
            .handler(
                new ChannelInitializer<DatagramChannel>() {
                  @Override
                  protected void initChannel(DatagramChannel ch) {
                    ch.pipeline().addLast(new UdpHandler(engine));
                  }
                });
    if (epoll) {
      udp.option(EpollChannelOption.SO_REUSEPORT, true)
          .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_QUERY)
          .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_QUERY * 32));
    }
    Channel first = udp.bind(new InetSocketAddress(requested.getAddress(), port)).sync().channel();
    channels.add(first);
    int actual = ((InetSocketAddress) first.localAddress()).getPort();
    for (int i = 1; i < sockets; i++) {
      channels.add(
          udp.bind(new InetSocketAddress(requested.getAddress(), actual)).sync().channel());
    }
    return actual;
  }

  private void closeChannels() {
    for (NativeUdpSocket u : nativeUdp) {
      u.close();
    }
    nativeUdp.clear();
    for (Channel c : channels) {
      c.close().awaitUninterruptibly();
    }
    channels.clear();
  }

  @Override
  public void close() {
    closeChannels();
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
  }

  /** One per UDP socket: answers each datagram, flushes once per read batch (sendmmsg). */
  static final class UdpHandler extends ChannelInboundHandlerAdapter {
    private final Engine engine;

    UdpHandler(Engine engine) {
      this.engine = engine;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      DatagramPacket p = (DatagramPacket) msg;
      try {
        InetSocketAddress sender = p.sender();
        Channel ch = ctx.channel();
        ByteBuf out =
            engine.handle(
                ctx.alloc(),
                p.content(),
                sender.getAddress(),
                false,
                buf -> {
                  var unused = ch.writeAndFlush(new DatagramPacket(buf, sender));
                });
        if (out != null) {
          var unused = ctx.write(new DatagramPacket(out, sender), ctx.voidPromise());
        }
      } catch (RuntimeException e) {
        log.debug("query failed", e);
      } finally {
        p.release();
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("UDP socket error", cause); // never close the shared socket
    }
  }

  /** One per TCP connection: length-prefixed messages, answered as they complete. */
  static final class TcpHandler extends ChannelInboundHandlerAdapter {
    private final Engine engine;

    TcpHandler(Engine engine) {
      this.engine = engine;
    }

    private static void send(Channel ch, ByteBuf buf, boolean flush) {
      ByteBuf len = ch.alloc().buffer(2).writeShort(buf.readableBytes());
      var unused = ch.write(len, ch.voidPromise());
      var unused2 =
          flush ? ch.writeAndFlush(buf, ch.voidPromise()) : ch.write(buf, ch.voidPromise());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf frame = (ByteBuf) msg;
      try {
        Channel ch = ctx.channel();
        InetSocketAddress remote = (InetSocketAddress) ch.remoteAddress();
        ByteBuf out =
            engine.handle(
                ctx.alloc(),
                frame,
                remote.getAddress(),
                true,
                buf -> {
                  if (ch.isActive()) {
                    send(ch, buf, true);
                  } else {
                    buf.release();
                  }
                });
        if (out != null) {
          send(ch, out, false);
        }
      } catch (RuntimeException e) {
        log.debug("query failed", e);
      } finally {
        frame.release();
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof IdleStateEvent) {
        var unused = ctx.close();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("TCP connection error", cause);
      var unused = ctx.close();
    }
  }
}
