package dev.k8snet.proxy.ingress.internal;

import dev.k8snet.core.IpAddress;
import dev.k8snet.proxy.ServiceEndpoint;
import dev.k8snet.proxy.ingress.ForwardedHeader;
import dev.k8snet.proxy.ingress.IngressAnnotations;
import dev.k8snet.proxy.ingress.IngressAnnotations.BackendProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client side of the proxy: one per HTTP/1.1 connection or HTTP/2 stream. Routes each request
 * through the current table, answers locally (404, 500, 503, 403, 308, 413) or relays the request
 * head and body, as they arrive, to a pooled connection to a chosen endpoint.
 */
// netty: the outcome of close() and write() surfaces in channelInactive/exceptionCaught.
@SuppressWarnings("FutureReturnValueIgnored")
final class FrontendHandler extends ChannelInboundHandlerAdapter {

  private final ProxyServer server;
  private final boolean https;
  private final boolean stream;
  private String clientIp = "";
  private Optional<IpAddress> client = Optional.empty();
  private String localPort = "";
  private String forwardedHost;
  private String forwarded;
  private final RequestHead.Bytes headBytes = new RequestHead.Bytes();
  private Exchange exchange;
  private boolean discarding;
  private boolean closeAfterResponse;
  private boolean reading;
  private final java.util.ArrayDeque<Object> backlog = new java.util.ArrayDeque<>();

  FrontendHandler(ProxyServer server, boolean https, boolean stream) {
    this.server = server;
    this.https = https;
    this.stream = stream;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    Channel ch = stream ? ctx.channel().parent() : ctx.channel();
    if (ch != null && ch.remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null) {
      client = Optional.of(IpAddress.of(a.getAddress()));
      clientIp = client.get().toString();
    }
    if (ch != null && ch.localAddress() instanceof InetSocketAddress l) {
      localPort = Integer.toString(l.getPort());
    }
    server.metrics.active.increment();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    reading = true;
    if (!backlog.isEmpty() || (exchange != null && exchange.requestDone)) {
      // Pipelined: the decoder hands over every request it has; answer them in order.
      backlog.add(msg);
      if (backlog.size() >= 16) {
        ctx.channel().config().setAutoRead(false); // a client pipelining far ahead: wait
      }
      return;
    }
    handle(ctx, msg);
  }

  /** Handles pipelined requests that arrived during the previous exchange, then reads on. */
  private void resume(ChannelHandlerContext ctx) {
    while (!backlog.isEmpty() && (exchange == null || !exchange.requestDone)) {
      handle(ctx, backlog.poll());
    }
    if (backlog.isEmpty()
        && (exchange == null || !exchange.requestDone)
        && !ctx.channel().config().isAutoRead()) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  private void handle(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest req) {
      if (!start(ctx, req)) {
        if (msg instanceof LastHttpContent) {
          discarding = false;
        }
        ReferenceCountUtil.release(msg);
        return;
      }
      if (msg instanceof FullHttpRequest full) {
        content(ctx, new DefaultLastHttpContent(full.content(), full.trailingHeaders()));
      } else if (msg instanceof HttpContent c) {
        content(ctx, c);
      }
      return;
    }
    if (msg instanceof HttpContent c) {
      if (discarding || exchange == null) {
        if (c instanceof LastHttpContent) {
          discarding = false;
        }
        c.release();
        return;
      }
      content(ctx, c);
      return;
    }
    ReferenceCountUtil.release(msg);
  }

  /** Returns false when the request was answered here and its body must be discarded. */
  private boolean start(ChannelHandlerContext ctx, HttpRequest req) {
    long t0 = System.nanoTime();
    DecoderResult dr = req.decoderResult();
    if (dr.isFailure()) {
      Throwable cause = dr.cause();
      int status =
          cause instanceof TooLongHttpHeaderException
              ? 431
              : cause instanceof TooLongHttpLineException ? 414 : 400;
      respond(ctx, req, status, null, null, t0, true);
      discarding = true;
      return false;
    }
    if (exchange != null) {
      // A pipelined request while one is in flight: never happens with autoRead off; be safe.
      respond(ctx, req, 400, null, null, t0, true);
      return false;
    }
    HttpHeaders h = req.headers();
    String host = h.get(HttpHeaderNames.HOST);
    if (host == null || host.isEmpty()) {
      if (req.protocolVersion().equals(HttpVersion.HTTP_1_1) && !stream) {
        respond(ctx, req, 400, null, null, t0, true);
        discarding = true;
        return false;
      }
      host = "";
    }
    closeAfterResponse = !stream && !HttpUtil.isKeepAlive(req);
    RouteTable table = server.table();
    int dice = ThreadLocalRandom.current().nextInt(1 << 20);
    RouteTable.Decision d = table.decide(https, host, req.uri(), client, h::get, dice);
    IngressAnnotations options =
        d.route().map(RouteTable.Route::options).orElse(IngressAnnotations.DEFAULT);
    if (d.status() != 200) {
      respond(ctx, req, d.status(), d.location().orElse(null), d, t0, false);
      discarding = !(req instanceof LastHttpContent);
      return false;
    }
    long max = options.maxBodySize().orElse(Long.MAX_VALUE);
    long length = HttpUtil.getContentLength(req, -1L);
    if (length > max) {
      respond(ctx, req, 413, null, d, t0, true);
      discarding = true;
      return false;
    }
    RouteTable.Target target = d.target().orElseThrow();
    List<ServiceEndpoint> eps = target.endpoints();
    int index = -1;
    String setCookie = null;
    if (options.affinityCookie().isPresent()) {
      String name = options.affinityCookie().get();
      String want = cookie(h.get(HttpHeaderNames.COOKIE), name);
      if (want != null) {
        for (int i = 0; i < eps.size(); i++) {
          if (affinityValue(eps.get(i)).equals(want)) {
            index = i;
            break;
          }
        }
      }
      if (index < 0) {
        index = ThreadLocalRandom.current().nextInt(eps.size());
        setCookie = name + "=" + affinityValue(eps.get(index)) + "; Path=/; HttpOnly";
      }
    } else {
      index = eps.size() == 1 ? 0 : ThreadLocalRandom.current().nextInt(eps.size());
    }
    String uri = req.uri();
    if (d.rewrittenPath().isPresent()) {
      int q = uri.indexOf('?');
      uri = d.rewrittenPath().get() + (q >= 0 ? uri.substring(q) : "");
    }
    BackendProtocol protocol = options.backendProtocol();
    // HTTP/1.x client to an HTTP/1.1 endpoint, body framed by length (or none): the head is
    // written as bytes and the body relayed as it is, past the backend's request encoder.
    boolean rawRequest =
        !stream
            && (protocol == BackendProtocol.HTTP || protocol == BackendProtocol.HTTPS)
            && !HttpUtil.isTransferEncodingChunked(req);
    Set<ForwardedHeader> forwarding = server.forwarding();
    String element = forwarding.contains(ForwardedHeader.FORWARDED) ? forwardedElement(host) : "";
    Object head;
    boolean upgrade;
    if (rawRequest) {
      ByteBuf buf = ctx.alloc().buffer(512);
      RequestHead.requestLine(buf, req.method(), uri);
      headBytes.buf = buf;
      upgrade =
          RequestHead.fields(
              h, false, https, clientIp, host, localPort, forwarding, element, headBytes);
      headBytes.buf = null;
      RequestHead.end(buf);
      head = buf;
    } else {
      HttpHeaders fields = new DefaultHttpHeaders();
      upgrade =
          RequestHead.fields(
              h, stream, https, clientIp, host, localPort, forwarding, element, fields::add);
      HttpRequest out = new DefaultHttpRequest(HttpVersion.HTTP_1_1, req.method(), uri, fields);
      if (req instanceof FullHttpRequest full) {
        if (!fields.contains(HttpHeaderNames.CONTENT_LENGTH)) {
          fields.setInt(HttpHeaderNames.CONTENT_LENGTH, full.content().readableBytes());
        }
      } else if (stream
          && !fields.contains(HttpHeaderNames.CONTENT_LENGTH)
          && !HttpUtil.isTransferEncodingChunked(req)) {
        HttpUtil.setTransferEncodingChunked(out, true);
      }
      if (stream && !h.contains(HttpHeaderNames.HOST) && !host.isEmpty()) {
        h.set(HttpHeaderNames.HOST, host); // for the access log
      }
      head = out;
    }
    exchange =
        new Exchange(ctx, rawRequest, d, target, options, index, setCookie, upgrade, max, t0, req);
    exchange.pending.add(head);
    exchange.connect();
    return true;
  }

  static String affinityValue(ServiceEndpoint e) {
    return Integer.toHexString(e.hostPort().hashCode());
  }

  static String cookie(String header, String name) {
    if (header == null) {
      return null;
    }
    for (String part : header.split(";")) {
      String p = part.trim();
      if (p.startsWith(name) && p.length() > name.length() && p.charAt(name.length()) == '=') {
        return p.substring(name.length() + 1);
      }
    }
    return null;
  }

  /** This hop's Forwarded element; the same for every request of a connection to one host. */
  private String forwardedElement(String host) {
    if (!host.equals(forwardedHost)) {
      String forIp = clientIp.contains(":") ? "\"[" + clientIp + "]\"" : clientIp;
      forwarded =
          "for=" + forIp + ";host=" + quoteIfNeeded(host) + ";proto=" + (https ? "https" : "http");
      forwardedHost = host;
    }
    return forwarded;
  }

  private static String quoteIfNeeded(String host) {
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (!(Character.isLetterOrDigit(c) || c == '.' || c == '-')) {
        return "\"" + host.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
      }
    }
    return host;
  }

  /** Whether a comma-separated header value lists the token (case-insensitive, OWS trimmed). */
  static boolean containsToken(String header, CharSequence token) {
    for (int from = 0, comma; from <= header.length(); from = comma + 1) {
      comma = header.indexOf(',', from);
      comma = comma < 0 ? header.length() : comma;
      int s = from;
      int e = comma;
      while (s < e && header.charAt(s) <= ' ') {
        s++;
      }
      while (e > s && header.charAt(e - 1) <= ' ') {
        e--;
      }
      if (e - s == token.length() && AsciiString.regionMatches(header, true, s, token, 0, e - s)) {
        return true;
      }
    }
    return false;
  }

  private void content(ChannelHandlerContext ctx, HttpContent c) {
    Exchange ex = exchange;
    ex.bodyBytes += c.content().readableBytes();
    if (ex.bodyBytes > ex.maxBody) {
      c.release();
      ex.abort(413);
      return;
    }
    boolean last = c instanceof LastHttpContent;
    Object msg = c;
    if (ex.rawRequest) {
      // Length-delimited: the body bytes as they are (a LastHttpContent has no trailers here).
      msg = c.content();
      if (!c.content().isReadable()) {
        c.release();
        msg = null;
      }
    }
    if (msg == null) {
      // nothing to relay
    } else if (ex.backend != null && ex.pending.isEmpty()) {
      ex.write(msg);
      if (!ex.backend.isWritable()) {
        ctx.channel().config().setAutoRead(false);
      }
    } else {
      ex.pending.add(msg);
      if (ex.pending.size() > 64) {
        ctx.channel().config().setAutoRead(false);
      }
    }
    if (last) {
      ex.requestDone = true;
      if (ex.backend != null) {
        if (!batching()) {
          ex.backend.flush();
        }
        ex.armTimeout();
      }
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    reading = false;
    Exchange ex = exchange;
    if (ex != null && ex.backend != null) {
      ex.backend.flush();
    }
    ctx.fireChannelReadComplete();
  }

  /**
   * Whether writes to the backend may wait for the flush at the end of the client's read batch
   * (HTTP/1.x connections, inside channelRead).
   */
  private boolean batching() {
    return reading && !stream;
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    Exchange ex = exchange;
    if (ex != null && ex.backend != null && ctx.channel().isWritable()) {
      ex.backend.config().setAutoRead(true);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent && exchange == null) {
      ctx.close();
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    server.metrics.active.decrement();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Exchange ex = exchange;
    if (ex != null) {
      ex.clientGone();
    }
    backlog.forEach(ReferenceCountUtil::release);
    backlog.clear();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  /** Answers a request here. */
  private void respond(
      ChannelHandlerContext ctx,
      HttpRequest req,
      int status,
      String location,
      RouteTable.Decision d,
      long t0,
      boolean close) {
    HttpResponseStatus s = HttpResponseStatus.valueOf(status);
    ByteBuf body =
        Unpooled.copiedBuffer(status + " " + s.reasonPhrase() + "\n", StandardCharsets.US_ASCII);
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, s, body);
    r.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    if (location != null) {
      r.headers().set(HttpHeaderNames.LOCATION, location);
    }
    boolean closing = !stream && (close || closeAfterResponse || !HttpUtil.isKeepAlive(req));
    if (closing) {
      r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (!stream && req.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
      r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    if (req.method().equals(HttpMethod.HEAD)) {
      r = r.replace(Unpooled.EMPTY_BUFFER);
      r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
      body.release();
    }
    finishLog(req, status, d, null, t0);
    ChannelFuture f = ctx.writeAndFlush(r);
    if (closing) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
  }

  private void finishLog(
      HttpRequest req, int status, RouteTable.Decision d, ServiceEndpoint ep, long t0) {
    long nanos = System.nanoTime() - t0;
    server.metrics.record(status, nanos);
    if (ProxyServer.ACCESS.isInfoEnabled()) {
      ProxyServer.ACCESS.info(
          "{} \"{} {} {}\" {} {}us host={} ingress={} backend={} endpoint={}",
          clientIp,
          req.method(),
          req.uri(),
          stream ? "HTTP/2.0" : req.protocolVersion(),
          status,
          nanos / 1000,
          req.headers().get(HttpHeaderNames.HOST),
          d == null ? "-" : d.route().map(RouteTable.Route::ingress).orElse("-"),
          d == null
              ? "-"
              : d.target().flatMap(RouteTable.Target::ref).map(Object::toString).orElse("-"),
          ep == null ? "-" : ep.hostPort());
    }
  }

  /** One proxied request: its head and queued body, the endpoint and the backend connection. */
  final class Exchange {
    final ChannelHandlerContext front;

    /** The request goes as bytes past the backend's request encoder (else as HTTP objects). */
    final boolean rawRequest;

    final RouteTable.Decision decision;
    final RouteTable.Target target;
    final IngressAnnotations options;
    final String setCookie;
    final boolean upgrade;
    final long maxBody;
    final long t0;
    final HttpRequest original;
    final List<Object> pending = new ArrayList<>(2);
    int index;
    int attempts;
    long bodyBytes;
    boolean requestDone;
    boolean responseStarted;
    boolean finished;
    boolean reused;
    int status;
    Channel backend;

    /** The backend's handler and, for raw requests, where request bytes are written. */
    BackendHandler handler;

    ChannelHandlerContext backendOut;
    BackendPool.Key key;

    /** Raw mode: where response bytes are written, past the client's response encoder. */
    final ChannelHandlerContext rawOut;

    Exchange(
        ChannelHandlerContext front,
        boolean rawRequest,
        RouteTable.Decision decision,
        RouteTable.Target target,
        IngressAnnotations options,
        int index,
        String setCookie,
        boolean upgrade,
        long maxBody,
        long t0,
        HttpRequest original) {
      this.front = front;
      this.rawRequest = rawRequest;
      this.decision = decision;
      this.target = target;
      this.options = options;
      this.index = index;
      this.setCookie = setCookie;
      this.upgrade = upgrade;
      this.maxBody = maxBody;
      this.t0 = t0;
      this.original = original;
      this.rawOut = stream ? null : front.pipeline().context(ProxyServer.ENCODER);
    }

    ServiceEndpoint endpoint() {
      return target.endpoints().get(index);
    }

    /** Whether the client connection stays open after this exchange, as far as its request says. */
    boolean clientKeepsAlive() {
      return !closeAfterResponse;
    }

    boolean idempotent() {
      HttpMethod m = original.method();
      return m.equals(HttpMethod.GET)
          || m.equals(HttpMethod.HEAD)
          || m.equals(HttpMethod.OPTIONS)
          || m.equals(HttpMethod.TRACE)
          || m.equals(HttpMethod.PUT)
          || m.equals(HttpMethod.DELETE);
    }

    /** Takes a pooled connection or opens one. */
    void connect() {
      attempts++;
      ServiceEndpoint ep = endpoint();
      key = server.poolKey(options.backendProtocol(), ep, rawOut != null);
      Channel ch = server.pool().poll(key);
      if (ch != null) {
        reused = true;
        attach(ch);
        return;
      }
      reused = false;
      server
          .connect(front.channel().eventLoop(), ep, options, rawOut != null)
          .addListener(
              (Future<Channel> f) -> {
                if (finished) {
                  if (f.isSuccess()) {
                    server.release(key, f.getNow());
                  }
                  return;
                }
                if (f.isSuccess()) {
                  attach(f.getNow());
                } else {
                  server.metrics.connectErrors.increment();
                  retryOrFail(502);
                }
              });
    }

    private void retryOrFail(int status) {
      int size = target.endpoints().size();
      if (idempotent() && attempts < Math.min(3, size + 1) && !responseStarted) {
        server.metrics.retries.increment();
        if (size > 1) {
          index = (index + 1) % size;
        }
        connect();
        return;
      }
      fail(status);
    }

    void attach(Channel ch) {
      backend = ch;
      if (!ch.config().isAutoRead()) {
        ch.config().setAutoRead(true); // a previous exchange may have paused it for a slow client
      }
      BackendHandler bh = ch.pipeline().get(BackendHandler.class);
      handler = bh;
      backendOut = rawRequest ? ch.pipeline().context("codec") : null;
      bh.attach(this);
      boolean retriable = reused && pendingIsWholeRequest();
      for (Object m : pending) {
        if (retriable) {
          // Kept for a second attempt: written as a copy of the indexes, the bytes shared.
          m = m instanceof ByteBuf b ? b.retainedDuplicate() : ReferenceCountUtil.retain(m);
        }
        write(m);
      }
      if (!retriable) {
        pending.clear();
      }
      if (!batching()) {
        ch.flush();
      }
      if (!front.channel().config().isAutoRead() && !requestDone) {
        front.channel().config().setAutoRead(true);
      }
      if (requestDone) {
        armTimeout();
      }
    }

    /** Writes request bytes past the backend's request encoder, HTTP objects through it. */
    void write(Object m) {
      if (rawRequest) {
        backendOut.write(m, backendOut.voidPromise());
      } else {
        backend.write(m, backend.voidPromise());
      }
    }

    /** A bodyless idempotent request fully queued: it can be sent again on a stale connection. */
    private boolean pendingIsWholeRequest() {
      return requestDone && bodyBytes == 0 && idempotent();
    }

    /** Called by the backend handler when the response head arrives. */
    void responseStarted() {
      responseStarted = true;
      for (Object m : pending) {
        ReferenceCountUtil.release(m);
      }
      pending.clear();
    }

    void armTimeout() {
      if (backend != null) {
        handler.armTimeout();
      }
    }

    Timeouts timeouts() {
      return server.timeouts;
    }

    /**
     * The endpoint stalled for a timeout the backend handler measured: no response byte for the
     * read timeout, or no request byte taken for the send timeout.
     */
    void timedOut() {
      if (finished) {
        return;
      }
      server.metrics.timeouts.increment();
      Channel b = backend;
      if (!responseStarted) {
        fail(504);
      } else {
        finished = true;
        exchange = null;
        front.close();
      }
      if (b != null) {
        b.close();
      }
    }

    /** The endpoint sent bytes that are not an HTTP/1.x response. */
    void malformedResponse(String reason) {
      if (finished) {
        return;
      }
      ProxyServer.debug("malformed response from {}: {}", endpoint(), reason);
      server.metrics.resets.increment();
      if (!responseStarted) {
        fail(502);
        return;
      }
      finished = true;
      exchange = null;
      if (backend != null) {
        handler.exchange = null;
        backend.close();
        backend = null;
      }
      front.close();
    }

    /** The backend connection closed or failed before the response ended. */
    void backendLost() {
      if (finished) {
        return;
      }
      backend = null;
      if (!responseStarted && reused && pendingIsWholeRequest()) {
        // A stale keep-alive connection: send the request again on a new one.
        server.metrics.retries.increment();
        reused = false;
        attempts--;
        connectFresh();
        return;
      }
      server.metrics.resets.increment();
      if (!responseStarted) {
        fail(502);
      } else {
        finished = true;
        exchange = null;
        front.close();
      }
    }

    private void connectFresh() {
      attempts++;
      server
          .connect(front.channel().eventLoop(), endpoint(), options, rawOut != null)
          .addListener(
              (Future<Channel> f) -> {
                if (finished) {
                  if (f.isSuccess()) {
                    f.getNow().close();
                  }
                  return;
                }
                if (f.isSuccess()) {
                  attach(f.getNow());
                } else {
                  server.metrics.connectErrors.increment();
                  retryOrFail(502);
                }
              });
    }

    /** Answers the client with an error status (no response bytes were relayed yet). */
    void fail(int code) {
      finished = true;
      exchange = null;
      for (Object m : pending) {
        ReferenceCountUtil.release(m);
      }
      pending.clear();
      if (backend != null) {
        handler.exchange = null;
        backend.close();
        backend = null;
      }
      if (front.channel().isActive()) {
        boolean close = !requestDone;
        discarding = !requestDone;
        respond(front, original, code, null, decision, t0, close || code == 413);
        if (!close && !stream) {
          resume(front);
        }
      }
    }

    /** Body too large mid-stream, or similar: give up on the backend. */
    void abort(int code) {
      if (responseStarted) {
        finished = true;
        exchange = null;
        if (backend != null) {
          backend.close();
        }
        front.close();
        return;
      }
      fail(code);
    }

    void clientGone() {
      finished = true;
      exchange = null;
      for (Object m : pending) {
        ReferenceCountUtil.release(m);
      }
      pending.clear();
      if (backend != null) {
        handler.exchange = null;
        backend.close();
      }
    }

    /** The last response byte was written: recycle the backend and read the next request. */
    void complete(boolean backendReusable, boolean closeClient) {
      finished = true;
      exchange = null;
      Channel b = backend;
      backend = null;
      if (b != null) {
        handler.exchange = null;
        if (backendReusable && requestDone) {
          server.release(key, b);
        } else {
          b.close();
        }
      }
      if (stream) {
        return;
      }
      if (closeAfterResponse || closeClient) {
        front.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      } else {
        resume(front);
      }
    }

    /** Counts and logs the response before its last bytes go out. */
    void account() {
      finishLog(original, status, decision, endpoint(), t0);
    }

    /** After 101 Switching Protocols: both sides become an opaque byte relay. */
    void upgraded() {
      finished = true;
      exchange = null;
      Channel b = backend;
      finishLog(original, 101, decision, endpoint(), t0);
      server.upgrade(front.channel(), b);
    }
  }
}
