package dev.k8snet.proxy.ingress;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC-shaped h2c backend (prior knowledge): answers every stream with status 200, {@code
 * content-type: application/grpc}, the request body echoed back, and trailers {@code grpc-status:
 * 0} and {@code x-te: <the te header it got>}.
 */
final class H2cEchoServer implements AutoCloseable {
  final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  final Channel channel;

  H2cEchoServer() throws InterruptedException {
    channel =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(Http2FrameCodecBuilder.forServer().build())
                        .addLast(
                            new Http2MultiplexHandler(
                                new ChannelInitializer<Http2StreamChannel>() {
                                  @Override
                                  protected void initChannel(Http2StreamChannel s) {
                                    s.pipeline().addLast(new Echo());
                                  }
                                }));
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .sync()
            .channel();
  }

  /** Collects the request, then answers with headers, the echoed body and trailers. */
  static final class Echo extends ChannelInboundHandlerAdapter {
    private final ByteBuf body = Unpooled.buffer();
    private CharSequence te = "";
    private CharSequence path = "";

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      boolean end = false;
      if (msg instanceof Http2HeadersFrame h) {
        te = h.headers().get("te") == null ? "" : h.headers().get("te");
        path = h.headers().path();
        end = h.isEndStream();
      } else if (msg instanceof Http2DataFrame d) {
        body.writeBytes(d.content());
        end = d.isEndStream();
        d.release();
      }
      if (end) {
        Http2Headers head =
            new DefaultHttp2Headers().status("200").set("content-type", "application/grpc");
        var unused1 = ctx.write(new DefaultHttp2HeadersFrame(head));
        var unused2 = ctx.write(new DefaultHttp2DataFrame(body.retain()));
        Http2Headers trailers =
            new DefaultHttp2Headers().set("grpc-status", "0").set("x-te", te).set("x-path", path);
        var unused3 = ctx.writeAndFlush(new DefaultHttp2HeadersFrame(trailers, true));
      }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      body.release();
    }
  }

  int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
