package dev.k8snet.proxy.ingress.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The endpoint side of one backend connection: relays the response of the current exchange to the
 * client as it arrives and hands the connection back to the pool when the response ends.
 */
// netty: the outcome of close() and write() surfaces in channelInactive/exceptionCaught.
@SuppressWarnings("FutureReturnValueIgnored")
final class BackendHandler extends ChannelInboundHandlerAdapter {
  FrontendHandler.Exchange exchange;
  private boolean keepAlive;
  private boolean informational;
  private boolean switching;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    FrontendHandler.Exchange ex = exchange;
    if (ex == null || ex.finished) {
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    ex.lastRead = System.nanoTime();
    Channel front = ex.front.channel();
    if (msg instanceof HttpResponse resp) {
      if (resp.decoderResult().isFailure()) {
        ReferenceCountUtil.release(msg);
        ctx.close();
        return;
      }
      int code = resp.status().code();
      informational = code >= 100 && code < 200 && code != 101;
      switching = code == 101 && ex.upgrade;
      if (!informational) {
        ex.responseStarted();
        ex.status = code;
        keepAlive = HttpUtil.isKeepAlive(resp) && !switching;
      }
      HttpHeaders h = resp.headers();
      if (!switching) {
        String connection = h.get(HttpHeaderNames.CONNECTION);
        if (connection != null) {
          for (String token : connection.split(",")) {
            if (!token.isBlank()) {
              h.remove(token.trim());
            }
          }
          h.remove(HttpHeaderNames.CONNECTION);
        }
        h.remove(HttpHeaderNames.KEEP_ALIVE);
        h.remove(FrontendHandler.PROXY_CONNECTION);
        if (!informational
            && !HttpUtil.isContentLengthSet(resp)
            && !HttpUtil.isTransferEncodingChunked(resp)
            && code != 204
            && code != 304
            && !ex.original.method().name().equals("HEAD")) {
          // Read-until-close from the endpoint: chunk it towards the client.
          HttpUtil.setTransferEncodingChunked(resp, true);
          keepAlive = false;
        }
      }
      if (ex.setCookie != null && !informational) {
        h.add(HttpHeaderNames.SET_COOKIE, ex.setCookie);
      }
      resp.setProtocolVersion(HttpVersion.HTTP_1_1);
      if (msg instanceof LastHttpContent && !switching) {
        ex.account();
      }
      write(ex, front, msg);
      if (msg instanceof LastHttpContent) {
        ended(ex);
      }
      return;
    }
    if (msg instanceof HttpContent c) {
      if (informational) {
        c.release();
        if (msg instanceof LastHttpContent) {
          informational = false;
        }
        return;
      }
      if (msg instanceof LastHttpContent && !switching) {
        ex.account();
      }
      write(ex, front, msg);
      if (msg instanceof LastHttpContent) {
        ended(ex);
      }
      return;
    }
    ReferenceCountUtil.release(msg);
  }

  private void write(FrontendHandler.Exchange ex, Channel front, Object msg) {
    front.write(msg, front.voidPromise());
    if (!front.isWritable()) {
      ex.backend.config().setAutoRead(false);
    }
  }

  private void ended(FrontendHandler.Exchange ex) {
    ex.front.channel().flush();
    if (switching) {
      ex.upgraded();
      return;
    }
    ex.complete(keepAlive);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    FrontendHandler.Exchange ex = exchange;
    if (ex != null) {
      ex.front.channel().flush();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    FrontendHandler.Exchange ex = exchange;
    if (ex != null && ctx.channel().isWritable() && !ex.requestDone) {
      ex.front.channel().config().setAutoRead(true);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent && exchange == null) {
      ctx.close();
      return;
    }
    ReferenceCountUtil.release(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    FrontendHandler.Exchange ex = exchange;
    exchange = null;
    if (ex != null) {
      ex.backendLost();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
