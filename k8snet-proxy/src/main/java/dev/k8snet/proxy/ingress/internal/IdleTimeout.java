package dev.k8snet.proxy.ingress.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Fires a reader-idle {@link IdleStateEvent} when nothing was read for the timeout (give or take a
 * quarter of it). Unlike netty's IdleStateHandler, a read only sets a flag, no clock is read: a
 * timer ticks four times per timeout and counts the ticks without a read.
 */
final class IdleTimeout extends ChannelInboundHandlerAdapter {
  private final long tickMillis;
  private boolean readSeen;
  private int quietTicks;
  private ScheduledFuture<?> timer;
  private ChannelHandlerContext ctx;

  IdleTimeout(long timeout, TimeUnit unit) {
    this.tickMillis = Math.max(1, unit.toMillis(timeout) / 4);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    if (ctx.channel().isActive()) {
      schedule();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    if (timer == null) {
      schedule();
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
    readSeen = true;
    ctx.fireChannelRead(msg);
  }

  private void schedule() {
    timer = ctx.executor().schedule(this::tick, tickMillis, TimeUnit.MILLISECONDS);
  }

  private void stop() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void tick() {
    timer = null;
    if (!ctx.channel().isOpen() || ctx.isRemoved()) {
      return;
    }
    if (readSeen) {
      readSeen = false;
      quietTicks = 0;
    } else if (++quietTicks >= 4) {
      quietTicks = 0;
      ctx.fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);
    }
    if (ctx.channel().isOpen() && !ctx.isRemoved()) {
      schedule();
    }
  }
}
