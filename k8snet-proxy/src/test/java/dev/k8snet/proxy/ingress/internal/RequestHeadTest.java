package dev.k8snet.proxy.ingress.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.proxy.ingress.ForwardedHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** The request head an endpoint receives: request line, hop-by-hop removal, proxy fields. */
class RequestHeadTest {
  static String requestLine(HttpMethod m, String uri) {
    ByteBuf b = Unpooled.buffer();
    RequestHead.requestLine(b, m, uri);
    return b.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theRequestLineIsHttp11WithTheTargetAsGiven() {
    assertEquals("GET /a?b=1 HTTP/1.1\r\n", requestLine(HttpMethod.GET, "/a?b=1"));
    assertEquals("OPTIONS * HTTP/1.1\r\n", requestLine(HttpMethod.OPTIONS, "*"));
    assertEquals("GET / HTTP/1.1\r\n", requestLine(HttpMethod.GET, ""));
    assertEquals("GET http://h/ HTTP/1.1\r\n", requestLine(HttpMethod.GET, "http://h"));
    assertEquals("GET http://h/?x=/y HTTP/1.1\r\n", requestLine(HttpMethod.GET, "http://h?x=/y"));
    assertEquals("GET http://h/p?x HTTP/1.1\r\n", requestLine(HttpMethod.GET, "http://h/p?x"));
    assertEquals("GET /caf\u00e9 HTTP/1.1\r\n", requestLine(HttpMethod.GET, "/caf\u00e9"));
  }

  static String fields(HttpHeaders h, boolean stream, boolean[] upgrade) {
    ByteBuf b = Unpooled.buffer();
    RequestHead.Bytes out = new RequestHead.Bytes();
    out.buf = b;
    upgrade[0] =
        RequestHead.fields(
            h,
            stream,
            false,
            "10.0.0.1",
            "web.test",
            "80",
            EnumSet.allOf(ForwardedHeader.class),
            "for=10.0.0.1;host=web.test",
            out);
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  void dropsHopByHopFieldsAndAppendsTheProxyOnes() {
    HttpHeaders h =
        new DefaultHttpHeaders()
            .add("Host", "web.test")
            .add("Connection", "keep-alive, X-Secret")
            .add("X-Secret", "1")
            .add("Keep-Alive", "timeout=5")
            .add("Proxy-Connection", "keep-alive")
            .add("TE", "deflate, trailers")
            .add("Trailer", "X-T")
            .add("Upgrade", "h2c")
            .add("X-Forwarded-For", "203.0.113.9")
            .add("X-Forwarded-Proto", "https")
            .add("X-Forwarded-Host", "evil")
            .add("Forwarded", "for=203.0.113.9")
            .add("Accept", "*/*");
    boolean[] upgrade = new boolean[1];
    assertEquals(
        "Host: web.test\r\n"
            + "Accept: */*\r\n"
            + "te: trailers\r\n"
            + "x-forwarded-for: 203.0.113.9, 10.0.0.1\r\n"
            + "x-forwarded-proto: http\r\n"
            + "x-forwarded-host: web.test\r\n"
            + "x-forwarded-port: 80\r\n"
            + "forwarded: for=203.0.113.9, for=10.0.0.1;host=web.test\r\n",
        fields(h, false, upgrade));
    assertFalse(upgrade[0]);
  }

  @Test
  void aWebSocketUpgradeKeepsConnectionAndUpgrade() {
    HttpHeaders h =
        new DefaultHttpHeaders()
            .add("Host", "web.test")
            .add("Connection", "Upgrade")
            .add("Upgrade", "websocket")
            .add("Sec-WebSocket-Key", "k");
    boolean[] upgrade = new boolean[1];
    String out = fields(h, false, upgrade);
    assertTrue(upgrade[0]);
    assertTrue(out.startsWith("Host: web.test\r\nSec-WebSocket-Key: k\r\n"), out);
    assertTrue(out.contains("connection: upgrade\r\nupgrade: websocket\r\n"), out);
  }

  @Test
  void http2StreamsLoseNettyExtensionFieldsAndGetAHost() {
    HttpHeaders h =
        new DefaultHttpHeaders().add("x-http2-scheme", "https").add("content-type", "a/b");
    boolean[] upgrade = new boolean[1];
    String out = fields(h, true, upgrade);
    assertTrue(out.startsWith("content-type: a/b\r\nhost: web.test\r\n"), out);
    assertFalse(out.contains("x-http2"), out);
  }
}
