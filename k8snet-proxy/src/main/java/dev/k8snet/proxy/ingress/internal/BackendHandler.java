package dev.k8snet.proxy.ingress.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The endpoint side of one backend connection: relays the response of the current exchange to the
 * client as it arrives and hands the connection back to the pool when the response ends.
 *
 * <p>Two modes. Raw (HTTP/1.x client connection, HTTP/1.1 endpoint): the response bytes are framed
 * by a {@link ResponseFramer} and written to the client's socket as they are, past the client's
 * response encoder. Objects (HTTP/2 streams on either side): netty's HTTP codecs decode and encode
 * the response.
 *
 * <p>Also owns the timeouts of the exchange it carries, each a {@link Timeouts.Watch}: the read
 * timeout (armed once the request is queued, started again by each read) and the send timeout
 * (armed while the connection does not take request bytes, fired only when none drained).
 */
// netty: the outcome of close() and write() surfaces in channelInactive/exceptionCaught.
@SuppressWarnings("FutureReturnValueIgnored")
final class BackendHandler extends ChannelInboundHandlerAdapter implements ResponseFramer.Sink {
  FrontendHandler.Exchange exchange;
  private final ResponseFramer framer;
  private boolean keepAlive;
  private boolean informational;
  private boolean switching;
  private Timeouts.Watch readTimeout;
  private Timeouts.Watch sendTimeout;
  private long undrained;
  private Channel channel;

  /** A handler in objects mode. */
  BackendHandler() {
    this.framer = null;
  }

  /** A handler in raw mode, with the head limits of the framer. */
  BackendHandler(Channel channel, int maxLine, int maxHeaders) {
    this.channel = channel;
    this.framer = new ResponseFramer(this, channel.alloc(), maxLine, maxHeaders);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  /** Removed when the channel closes, and when an upgrade turns the channel into a relay. */
  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (readTimeout != null) {
      readTimeout.cancel();
      readTimeout = null;
    }
    if (sendTimeout != null) {
      sendTimeout.cancel();
      sendTimeout = null;
    }
  }

  /** Attaches an exchange whose request is about to be written. */
  void attach(FrontendHandler.Exchange ex) {
    exchange = ex;
    if (framer != null) {
      framer.begin(
          ex.original.method().equals(HttpMethod.HEAD),
          ex.original.protocolVersion().minorVersion() >= 1,
          ex.clientKeepsAlive(),
          ex.upgrade,
          ex.setCookie);
    }
  }

  /** Starts the read timeout again: the request is sent, the response is awaited. */
  void armTimeout() {
    if (readTimeout == null) {
      readTimeout = exchange.timeouts().watch(channel.eventLoop(), this::readTimedOut);
    }
    readTimeout.arm(exchange.options.readTimeout());
  }

  private void readTimedOut() {
    FrontendHandler.Exchange ex = exchange;
    if (ex == null || ex.finished || !ex.requestDone) {
      readTimeout.disarm(); // armed again by the next exchange
      return;
    }
    ex.timedOut();
  }

  /**
   * The connection stopped taking request bytes: the send timeout runs until it takes them again.
   * As nginx's proxy_send_timeout, it limits the wait between two writes to the socket, not the
   * whole request: a backend reading so slowly that the kernel's send buffer (sized for the
   * connection's window, megabytes on loopback) makes no room within the timeout is cut, as nginx
   * cuts it. A stall that began while a read was still being queued is detected up to a timeout
   * late.
   */
  private void armSendTimeout(FrontendHandler.Exchange ex) {
    if (sendTimeout == null) {
      sendTimeout = ex.timeouts().watch(channel.eventLoop(), this::sendTimedOut);
    }
    undrained = channel.bytesBeforeWritable();
    sendTimeout.arm(ex.options.sendTimeout());
  }

  private void sendTimedOut() {
    FrontendHandler.Exchange ex = exchange;
    if (ex == null || ex.finished || channel.isWritable()) {
      sendTimeout.disarm();
      return;
    }
    long left = channel.bytesBeforeWritable();
    if (left != undrained) {
      // Fewer bytes waiting: some went out, a write happened within the timeout. More: the rest
      // of a read was queued after the stall began. Either way, look again a timeout later.
      undrained = left;
      sendTimeout.activity();
      return;
    }
    ex.timedOut();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    FrontendHandler.Exchange ex = exchange;
    if (ex == null || ex.finished) {
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    Timeouts.Watch w = readTimeout;
    if (w != null) {
      w.activity();
    }
    if (framer != null && msg instanceof ByteBuf buf) {
      try {
        framer.feed(buf);
      } catch (ResponseFramer.MalformedResponseException e) {
        ex.malformedResponse(e.getMessage());
      }
      return;
    }
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
        h.remove(RequestHead.PROXY_CONNECTION);
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

  @Override
  public void head(int status) {
    FrontendHandler.Exchange ex = exchange;
    switching = status == 101;
    if (status >= 200 || switching) {
      ex.responseStarted();
      ex.status = status;
    }
  }

  @Override
  public void forward(ByteBuf bytes) {
    FrontendHandler.Exchange ex = exchange;
    ex.rawOut.write(bytes, ex.rawOut.voidPromise());
    if (!ex.rawOut.channel().isWritable()) {
      ex.backend.config().setAutoRead(false);
    }
  }

  @Override
  public void end(boolean reusable, boolean closeClient) {
    FrontendHandler.Exchange ex = exchange;
    ex.account();
    ex.front.channel().flush();
    ex.complete(reusable, closeClient);
  }

  @Override
  public void switched() {
    FrontendHandler.Exchange ex = exchange;
    ex.front.channel().flush();
    ex.upgraded();
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
    ex.complete(keepAlive, false);
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
    if (ex != null) {
      if (ctx.channel().isWritable()) {
        if (sendTimeout != null) {
          sendTimeout.disarm();
        }
        if (!ex.requestDone) {
          ex.front.channel().config().setAutoRead(true);
        }
      } else if (!ex.finished) {
        armSendTimeout(ex);
      }
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
    if (ex != null && !ex.finished && framer != null && framer.endOfInput()) {
      return; // the close ended a close-delimited response
    }
    exchange = null;
    if (framer != null) {
      framer.reset();
    }
    if (ex != null) {
      ex.backendLost();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
