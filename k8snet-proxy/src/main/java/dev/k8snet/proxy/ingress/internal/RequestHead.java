package dev.k8snet.proxy.ingress.internal;

import dev.k8snet.proxy.ingress.ForwardedHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The request head an endpoint receives: the client's fields without the hop-by-hop ones (those
 * named by Connection, Keep-Alive, Proxy-Connection, TE except "trailers", Trailer, Upgrade unless
 * a WebSocket upgrade) and without the client's forwarding fields, then the forwarding fields the
 * proxy is set to write ({@link ForwardedHeader}): X-Forwarded-For and Forwarded extend the
 * client's, the others replace them. One rule set, written either as HTTP/1.1 bytes into one buffer
 * or into a netty header object.
 */
final class RequestHead {
  /** Where the fields go. */
  interface Fields {
    void add(CharSequence name, CharSequence value);
  }

  /** Writes {@code name: value CRLF} lines into a buffer. */
  static final class Bytes implements Fields {
    ByteBuf buf;

    @Override
    public void add(CharSequence name, CharSequence value) {
      ByteBufUtil.writeAscii(buf, name);
      buf.writeShort((':' << 8) | ' ');
      ByteBufUtil.writeAscii(buf, value);
      buf.writeShort(CRLF);
    }
  }

  static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
  static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
  static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
  static final AsciiString X_FORWARDED_PORT = AsciiString.cached("x-forwarded-port");
  static final AsciiString FORWARDED = AsciiString.cached("forwarded");
  static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
  private static final AsciiString HTTP = AsciiString.cached("http");
  private static final AsciiString HTTPS = AsciiString.cached("https");
  private static final String HTTP2_EXTENSION_PREFIX = "x-http2-";
  private static final int CRLF = ('\r' << 8) | '\n';
  private static final byte[] VERSION = " HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);

  private static final int KEEP = 0;
  private static final int DROP = 1;
  private static final int TE = 2;
  private static final int XFF = 3;
  private static final int FWD = 4;
  private static final int HOST = 5;

  private RequestHead() {}

  /** Writes the request line {@code METHOD SP target SP HTTP/1.1 CRLF}. */
  static void requestLine(ByteBuf buf, HttpMethod method, String uri) {
    ByteBufUtil.writeAscii(buf, method.asciiName());
    buf.writeByte(' ');
    if (uri.isEmpty()) {
      buf.writeByte('/');
    } else {
      int authority = uri.charAt(0) == '/' ? -1 : uri.indexOf("://");
      int query = uri.indexOf('?');
      if (authority >= 0 && uri.indexOf('/', authority + 3) < 0) {
        // Absolute form without a path: the path is "/".
        int at = query >= 0 ? query : uri.length();
        buf.writeCharSequence(uri.substring(0, at), StandardCharsets.UTF_8);
        buf.writeByte('/');
        buf.writeCharSequence(uri.substring(at), StandardCharsets.UTF_8);
      } else if (authority >= 0 && query >= 0 && uri.lastIndexOf('/', query) < authority + 3) {
        buf.writeCharSequence(uri.substring(0, query), StandardCharsets.UTF_8);
        buf.writeByte('/');
        buf.writeCharSequence(uri.substring(query), StandardCharsets.UTF_8);
      } else {
        buf.writeCharSequence(uri, StandardCharsets.UTF_8);
      }
    }
    buf.writeBytes(VERSION);
  }

  /** Ends the head (the empty line). */
  static void end(ByteBuf buf) {
    buf.writeShort(CRLF);
  }

  /**
   * Adds the fields the endpoint gets to {@code out}; returns whether the request is a WebSocket
   * upgrade (kept end to end). {@code forwarding} are the forwarding fields to write; {@code
   * forwardedElement} is this hop's Forwarded element (unused without Forwarded).
   */
  static boolean fields(
      HttpHeaders h,
      boolean stream,
      boolean https,
      String clientIp,
      String host,
      String localPort,
      Set<ForwardedHeader> forwarding,
      String forwardedElement,
      Fields out) {
    String connection = h.get(HttpHeaderNames.CONNECTION);
    String up = h.get(HttpHeaderNames.UPGRADE);
    boolean upgrade =
        !stream
            && up != null
            && connection != null
            && up.equalsIgnoreCase("websocket")
            && FrontendHandler.containsToken(connection, "upgrade");
    boolean trailers = false;
    boolean hasHost = false;
    String xff = null;
    String fwd = null;
    for (Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iteratorCharSequence();
        it.hasNext(); ) {
      Map.Entry<CharSequence, CharSequence> e = it.next();
      CharSequence name = e.getKey();
      if (connection != null && namedBy(connection, name, upgrade)) {
        continue;
      }
      switch (classify(name, stream)) {
        case KEEP -> out.add(name, e.getValue());
        case HOST -> {
          hasHost = true;
          out.add(name, e.getValue());
        }
        case TE -> trailers |= FrontendHandler.containsToken(e.getValue().toString(), "trailers");
        case XFF -> xff = xff == null ? e.getValue().toString() : xff;
        case FWD -> fwd = fwd == null ? e.getValue().toString() : fwd;
        default -> {} // hop-by-hop, or replaced below
      }
    }
    if (trailers) {
      out.add(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS); // gRPC needs it end to end
    }
    if (upgrade) {
      out.add(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
      out.add(HttpHeaderNames.UPGRADE, up);
    }
    if (stream && !hasHost && !host.isEmpty()) {
      out.add(HttpHeaderNames.HOST, host);
    }
    if (forwarding.contains(ForwardedHeader.X_FORWARDED_FOR)) {
      out.add(X_FORWARDED_FOR, xff == null ? clientIp : xff + ", " + clientIp);
    }
    if (forwarding.contains(ForwardedHeader.X_FORWARDED_PROTO)) {
      out.add(X_FORWARDED_PROTO, https ? HTTPS : HTTP);
    }
    if (forwarding.contains(ForwardedHeader.X_FORWARDED_HOST)) {
      out.add(X_FORWARDED_HOST, host);
    }
    if (forwarding.contains(ForwardedHeader.X_FORWARDED_PORT)) {
      out.add(X_FORWARDED_PORT, localPort);
    }
    if (forwarding.contains(ForwardedHeader.FORWARDED)) {
      out.add(FORWARDED, fwd == null ? forwardedElement : fwd + ", " + forwardedElement);
    }
    return upgrade;
  }

  private static int classify(CharSequence n, boolean stream) {
    switch (n.length()) {
      case 2:
        return is(n, HttpHeaderNames.TE) ? TE : KEEP;
      case 4:
        return is(n, HttpHeaderNames.HOST) ? HOST : KEEP;
      case 7:
        return is(n, HttpHeaderNames.TRAILER) || is(n, HttpHeaderNames.UPGRADE) ? DROP : KEEP;
      case 9:
        return is(n, FORWARDED) ? FWD : KEEP;
      case 10:
        return is(n, HttpHeaderNames.CONNECTION) || is(n, HttpHeaderNames.KEEP_ALIVE) ? DROP : KEEP;
      case 15:
        return is(n, X_FORWARDED_FOR) ? XFF : KEEP;
      case 16:
        return is(n, X_FORWARDED_HOST) || is(n, X_FORWARDED_PORT) || is(n, PROXY_CONNECTION)
            ? DROP
            : KEEP;
      case 17:
        return is(n, X_FORWARDED_PROTO) ? DROP : KEEP;
      default:
        return stream
                && n.length() > 8
                && n.toString().regionMatches(true, 0, HTTP2_EXTENSION_PREFIX, 0, 8)
            ? DROP
            : KEEP;
    }
  }

  private static boolean is(CharSequence name, AsciiString lower) {
    return lower.contentEqualsIgnoreCase(name);
  }

  /** Whether a Connection value names the field (its "upgrade" token is kept when upgrading). */
  private static boolean namedBy(String connection, CharSequence name, boolean upgrade) {
    return FrontendHandler.containsToken(connection, name)
        && !(upgrade && AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.UPGRADE));
  }
}
