package dev.k8snet.proxy.ingress.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The raw HTTP/1.x response framer: what it forwards to the client, when it says the response
 * ended, whether the backend connection may be reused, and what it refuses.
 */
class ResponseFramerTest {
  static final int MAX_LINE = 8192;
  static final int MAX_HEADERS = 16384;

  /** Records the sink calls; the forwarded bytes as one string. */
  static final class Recorder implements ResponseFramer.Sink {
    final StringBuilder out = new StringBuilder();
    final List<String> events = new ArrayList<>();

    @Override
    public void head(int status) {
      events.add("head " + status);
    }

    @Override
    public void forward(ByteBuf bytes) {
      out.append(bytes.toString(StandardCharsets.ISO_8859_1));
      bytes.release();
    }

    @Override
    public void end(boolean reusable, boolean closeClient) {
      events.add("end reusable=" + reusable + " closeClient=" + closeClient);
    }

    @Override
    public void switched() {
      events.add("switched");
    }
  }

  record Request(boolean head, boolean http11, boolean keepAlive, boolean upgrade, String cookie) {}

  static final Request GET = new Request(false, true, true, false, null);
  static final Request GET_HTTP10 = new Request(false, false, false, false, null);
  static final Request GET_CLOSE = new Request(false, true, false, false, null);
  static final Request GET_HTTP10_KEEP_ALIVE = new Request(false, false, true, false, null);

  final Recorder sink = new Recorder();
  final ResponseFramer framer =
      new ResponseFramer(sink, UnpooledByteBufAllocator.DEFAULT, MAX_LINE, MAX_HEADERS);
  final List<ByteBuf> inputs = new ArrayList<>();

  void begin(Request r) {
    framer.begin(r.head(), r.http11(), r.keepAlive(), r.upgrade(), r.cookie());
  }

  void feed(String bytes) throws ResponseFramer.MalformedResponseException {
    ByteBuf b = Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1);
    inputs.add(b);
    framer.feed(b);
  }

  /** Feeds the response in pieces cut at the given offsets. */
  Recorder run(Request r, String response, int... cuts) throws Exception {
    begin(r);
    int from = 0;
    for (int cut : cuts) {
      feed(response.substring(from, cut));
      from = cut;
    }
    feed(response.substring(from));
    for (ByteBuf in : inputs) {
      assertEquals(0, in.refCnt(), "every input buffer is released once forwarded");
    }
    return sink;
  }

  /** The same response cut at every byte boundary gives the same result. */
  void everyBoundary(Request r, String response, String expected, List<String> events)
      throws Exception {
    for (int cut = 0; cut <= response.length(); cut++) {
      ResponseFramerTest t = new ResponseFramerTest();
      Recorder rec = t.run(r, response, cut);
      assertEquals(expected, rec.out.toString(), "cut at " + cut);
      assertEquals(events, rec.events, "cut at " + cut);
    }
  }

  static final String OK_1K_HEAD =
      "HTTP/1.1 200 OK\r\n"
          + "Server: nginx\r\n"
          + "Content-Type: text/plain\r\n"
          + "Content-Length: 11\r\n"
          + "Connection: keep-alive\r\n"
          + "ETag: \"x\"\r\n"
          + "\r\n";

  @Test
  void contentLengthBodyIsForwardedWithoutHopByHopLinesAtEveryReadBoundary() throws Exception {
    String expected =
        "HTTP/1.1 200 OK\r\n"
            + "Server: nginx\r\n"
            + "Content-Type: text/plain\r\n"
            + "Content-Length: 11\r\n"
            + "ETag: \"x\"\r\n"
            + "\r\n"
            + "hello world";
    everyBoundary(
        GET,
        OK_1K_HEAD + "hello world",
        expected,
        List.of("head 200", "end reusable=true closeClient=false"));
  }

  @Test
  void aResponseSplitIntoSingleBytesIsFramedTheSame() throws Exception {
    String response = OK_1K_HEAD + "hello world";
    int[] cuts = new int[response.length() - 1];
    for (int i = 0; i < cuts.length; i++) {
      cuts[i] = i + 1;
    }
    Recorder rec = run(GET, response, cuts);
    assertTrue(rec.out.toString().endsWith("\r\n\r\nhello world"));
    assertFalse(rec.out.toString().contains("Connection"));
    assertEquals(List.of("head 200", "end reusable=true closeClient=false"), rec.events);
  }

  static final String CHUNKED =
      "HTTP/1.1 200 OK\r\n"
          + "Transfer-Encoding: chunked\r\n"
          + "\r\n"
          + "5;name=value\r\n"
          + "hello\r\n"
          + "6 ; ext\r\n"
          + " world\r\n"
          + "0\r\n"
          + "Trailer-One: 1\r\n"
          + "Trailer-Two: 2\r\n"
          + "\r\n";

  @Test
  void chunkedBodyWithExtensionsAndTrailersIsRelayedUnchangedToHttp11Clients() throws Exception {
    everyBoundary(
        GET, CHUNKED, CHUNKED, List.of("head 200", "end reusable=true closeClient=false"));
  }

  @Test
  void chunkedBodyIsDechunkedForHttp10ClientsWhichThenAreClosed() throws Exception {
    everyBoundary(
        GET_HTTP10,
        CHUNKED,
        "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nhello world",
        List.of("head 200", "end reusable=true closeClient=true"));
  }

  @Test
  void aCloseDelimitedBodyIsChunkEncodedForHttp11ClientsAndEndsWithTheClose() throws Exception {
    Recorder rec = run(GET, "HTTP/1.1 200 OK\r\nServer: old\r\n\r\nhello", 34);
    assertEquals(List.of("head 200"), rec.events);
    assertTrue(framer.endOfInput());
    assertEquals(
        "HTTP/1.1 200 OK\r\nServer: old\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "2\r\nhe\r\n3\r\nllo\r\n0\r\n\r\n",
        rec.out.toString());
    assertEquals(List.of("head 200", "end reusable=false closeClient=false"), rec.events);
  }

  @Test
  void aCloseDelimitedBodyIsRelayedAsItIsToHttp10ClientsWhichAreClosed() throws Exception {
    Recorder rec = run(GET_HTTP10, "HTTP/1.0 200 OK\r\n\r\nhello");
    assertTrue(framer.endOfInput());
    assertEquals("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nhello", rec.out.toString());
    assertEquals(List.of("head 200", "end reusable=false closeClient=true"), rec.events);
  }

  @Test
  void aCloseBeforeTheEndOfALengthDelimitedBodyIsNotAnEnd() throws Exception {
    Recorder rec = run(GET, OK_1K_HEAD + "hello");
    assertFalse(framer.endOfInput());
    assertEquals(List.of("head 200"), rec.events);
  }

  @Test
  void headResponsesAnd204And304HaveNoBody() throws Exception {
    Recorder rec =
        run(
            new Request(true, true, true, false, null),
            "HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n");
    assertEquals("HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n", rec.out.toString());
    assertEquals(List.of("head 200", "end reusable=true closeClient=false"), rec.events);
    for (int status : new int[] {204, 304}) {
      ResponseFramerTest t = new ResponseFramerTest();
      Recorder r = t.run(GET, "HTTP/1.1 " + status + " X\r\nETag: 1\r\n\r\n");
      assertEquals("HTTP/1.1 " + status + " X\r\nETag: 1\r\n\r\n", r.out.toString());
      assertEquals(List.of("head " + status, "end reusable=true closeClient=false"), r.events);
    }
  }

  @Test
  void continueIsForwardedThenTheFinalResponse() throws Exception {
    String response = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    everyBoundary(
        new Request(false, true, true, false, "route=ab; Path=/; HttpOnly"),
        response,
        "HTTP/1.1 100 Continue\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
            + "Set-Cookie: route=ab; Path=/; HttpOnly\r\n\r\nok",
        List.of("head 100", "head 200", "end reusable=true closeClient=false"));
  }

  @Test
  void dropsConnectionKeepAliveProxyConnectionAndTheFieldsConnectionNames() throws Exception {
    Recorder rec =
        run(
            GET,
            "HTTP/1.1 200 OK\r\n"
                + "X-Private: 1\r\n"
                + "Keep-Alive: timeout=5\r\n"
                + "Connection: close, X-Private\r\n"
                + "Proxy-Connection: keep-alive\r\n"
                + "X-Public: 2\r\n"
                + "Content-Length: 0\r\n"
                + "\r\n");
    assertEquals("HTTP/1.1 200 OK\r\nX-Public: 2\r\nContent-Length: 0\r\n\r\n", rec.out.toString());
    assertEquals(List.of("head 200", "end reusable=false closeClient=false"), rec.events);
  }

  @Test
  void aClientThatAskedToCloseIsToldTheConnectionCloses() throws Exception {
    everyBoundary(
        GET_CLOSE,
        OK_1K_HEAD + "hello world",
        "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n"
            + "ETag: \"x\"\r\nConnection: close\r\n\r\nhello world",
        List.of("head 200", "end reusable=true closeClient=false"));
  }

  @Test
  void anHttp10ClientThatAskedToKeepTheConnectionIsToldItStaysOpen() throws Exception {
    Recorder rec = run(GET_HTTP10_KEEP_ALIVE, OK_1K_HEAD + "hello world");
    assertEquals(
        "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n"
            + "ETag: \"x\"\r\nConnection: keep-alive\r\n\r\nhello world",
        rec.out.toString());
    assertEquals(List.of("head 200", "end reusable=true closeClient=false"), rec.events);
  }

  @Test
  void anHttp10ClientThatAskedToKeepTheConnectionIsToldItClosesWhenTheBodyEndsWithTheClose()
      throws Exception {
    Recorder rec = run(GET_HTTP10_KEEP_ALIVE, CHUNKED);
    assertEquals("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nhello world", rec.out.toString());
    assertEquals(List.of("head 200", "end reusable=true closeClient=true"), rec.events);
  }

  @Test
  void anInterimResponseSaysNothingAboutTheConnection() throws Exception {
    Recorder rec = run(GET_CLOSE, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n");
    assertEquals(
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n",
        rec.out.toString());
  }

  @Test
  void anHttp10BackendIsReusedOnlyWhenItSaysKeepAlive() throws Exception {
    Recorder rec = run(GET, "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx");
    assertEquals("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx", rec.out.toString());
    assertEquals(List.of("head 200", "end reusable=false closeClient=false"), rec.events);
    ResponseFramerTest t = new ResponseFramerTest();
    Recorder kept =
        t.run(GET, "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 1\r\n\r\nx");
    assertEquals(List.of("head 200", "end reusable=true closeClient=false"), kept.events);
  }

  @Test
  void insertsTheAffinityCookieAtTheEndOfTheHead() throws Exception {
    Recorder rec =
        run(
            new Request(false, true, true, false, "route=1f; Path=/; HttpOnly"),
            "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx");
    assertEquals(
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nSet-Cookie: route=1f; Path=/; HttpOnly\r\n\r\nx",
        rec.out.toString());
  }

  @Test
  void switchingProtocolsForwardsTheHeadAsItIsAndEveryByteAfterIt() throws Exception {
    String head =
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n";
    Recorder rec = run(new Request(false, true, true, true, null), head + "\u0081\u0002hi");
    assertEquals(head + "\u0081\u0002hi", rec.out.toString());
    assertEquals(List.of("head 101", "switched"), rec.events);
  }

  @Test
  void bytesAfterTheResponseMakeTheConnectionUnusable() throws Exception {
    Recorder rec = run(GET, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxGARBAGE");
    assertEquals("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx", rec.out.toString());
    assertEquals(List.of("head 200", "end reusable=false closeClient=false"), rec.events);
  }

  @Test
  void transferEncodingOverridesContentLengthWhichIsDropped() throws Exception {
    Recorder rec =
        run(
            GET,
            "HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "1\r\nx\r\n0\r\n\r\n");
    assertEquals(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n",
        rec.out.toString());
    assertEquals(List.of("head 200", "end reusable=false closeClient=false"), rec.events);
  }

  @Test
  void repeatedEqualContentLengthsAreAccepted() throws Exception {
    Recorder rec =
        run(GET, "HTTP/1.1 200 OK\r\nContent-Length: 1, 1\r\nContent-Length: 1\r\n\r\nx");
    assertEquals(List.of("head 200", "end reusable=true closeClient=false"), rec.events);
  }

  void malformed(Request r, String response) {
    ResponseFramerTest t = new ResponseFramerTest();
    assertThrows(
        ResponseFramer.MalformedResponseException.class, () -> t.run(r, response), response);
    for (ByteBuf in : t.inputs) {
      assertEquals(0, in.refCnt(), "released after an error");
    }
    assertFalse(t.sink.events.contains("head 200"), "no head reported for " + response);
  }

  @Test
  void malformedHeadsAreRefusedBeforeAnythingIsForwarded() {
    malformed(GET, "HTTP/1.1 OK\r\n\r\n");
    malformed(GET, "ICY 200 OK\r\n\r\n");
    malformed(GET, "HTTP/2.0 200 OK\r\n\r\n");
    malformed(GET, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx");
    malformed(GET, "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\nx");
    malformed(GET, "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\nx");
    malformed(GET, "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n");
    malformed(GET, "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n");
    malformed(GET, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n");
    malformed(GET, "HTTP/1.1 200 " + "x".repeat(MAX_LINE) + "\r\n\r\n");
    malformed(GET, "HTTP/1.1 200 OK\r\nX: " + "y".repeat(MAX_HEADERS + 10) + "\r\n\r\n");
    malformed(GET, "HTTP/1.1 200 " + "x".repeat(MAX_LINE + 10));
  }

  @Test
  void malformedChunkFramingIsRefusedMidBody() throws Exception {
    for (String body : new String[] {"zz\r\n", "\r\n", "1\r\nxy\r\n", "1\r\nx\r\n0\r\nT: 1"}) {
      ResponseFramerTest t = new ResponseFramerTest();
      String response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body;
      if (body.startsWith("1\r\nx\r\n0")) {
        // Incomplete trailers are not an error until the connection closes.
        t.run(GET, response);
        assertFalse(t.framer.endOfInput());
        continue;
      }
      assertThrows(ResponseFramer.MalformedResponseException.class, () -> t.run(GET, response));
    }
  }
}
