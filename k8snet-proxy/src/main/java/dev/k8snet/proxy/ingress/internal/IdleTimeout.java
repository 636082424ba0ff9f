package dev.k8snet.proxy.ingress.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.time.Duration;

/**
 * Fires a reader-idle {@link IdleStateEvent} when nothing was read for the timeout (see {@link
 * Timeouts} for the precision), and again a timeout later while the channel stays idle. Unlike
 * netty's IdleStateHandler, a read costs one store and the channel's event loop has no timer.
 */
final class IdleTimeout extends ChannelInboundHandlerAdapter {
  private final Timeouts timeouts;
  private final Duration timeout;
  private Timeouts.Watch watch;

  IdleTimeout(Timeouts timeouts, Duration timeout) {
    this.timeouts = timeouts;
    this.timeout = timeout;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      start(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    if (watch == null) {
      start(ctx);
    }
    ctx.fireChannelActive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    stop();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stop();
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Timeouts.Watch w = watch;
    if (w != null) {
      w.activity();
    }
    ctx.fireChannelRead(msg);
  }

  private void start(ChannelHandlerContext ctx) {
    watch =
        timeouts.watch(
            ctx.executor(),
            () -> {
              if (ctx.channel().isOpen() && !ctx.isRemoved()) {
                ctx.fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);
              }
            });
    watch.arm(timeout);
  }

  private void stop() {
    if (watch != null) {
      watch.cancel();
      watch = null;
    }
  }
}
