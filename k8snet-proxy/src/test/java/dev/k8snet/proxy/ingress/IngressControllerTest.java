package dev.k8snet.proxy.ingress;

import static dev.k8snet.proxy.ingress.Manifests.OUR_CLASS;
import static dev.k8snet.proxy.ingress.Manifests.service;
import static dev.k8snet.proxy.ingress.Manifests.state;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.cluster.ClusterState;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The data plane with real HTTP/1.1 traffic on loopback: routing, headers, pooling, errors. */
class IngressControllerTest {
  EchoBackend web;
  EchoBackend api;
  IngressController controller;
  InetSocketAddress http;

  static String ingress(String annotations) {
    return """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          namespace: shop
          name: routes
          annotations: {%s}
        spec:
          ingressClassName: k8snet
          rules:
          - host: web.test
            http:
              paths:
              - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
              - {path: /api, pathType: Prefix, backend: {service: {name: api, port: {name: http}}}}
              - {path: /empty, pathType: Exact, backend: {service: {name: empty, port: {number: 80}}}}
              - {path: /gone, pathType: Exact, backend: {service: {name: nosuch, port: {number: 80}}}}
              - {path: /dead, pathType: Exact, backend: {service: {name: dead, port: {number: 80}}}}
        """
        .formatted(annotations);
  }

  ClusterState cluster(String annotations) throws IOException {
    int deadPort;
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort();
    }
    return state(
        OUR_CLASS,
        service("shop", "web", 80, web.port(), "127.0.0.1"),
        service("shop", "api", 8080, "http", api.port(), true, "127.0.0.1"),
        service("shop", "empty", 80, 9),
        service("shop", "dead", 80, deadPort, "127.0.0.1"),
        ingress(annotations));
  }

  /** The test Ingress with the web Service's endpoint on {@code port} and the given annotations. */
  void routeWebTo(int port, String annotations) {
    controller.update(
        state(
            OUR_CLASS,
            service("shop", "web", 80, port, "127.0.0.1"),
            service("shop", "api", 8080, "http", api.port(), true, "127.0.0.1"),
            ingress(annotations)));
  }

  @BeforeEach
  void start() throws IOException {
    web = new EchoBackend("web", "127.0.0.1");
    api = new EchoBackend("api", "127.0.0.1");
    startController(b -> b);
  }

  /** Starts the test's controller, built with {@code settings}, serving {@link #cluster}. */
  void startController(java.util.function.UnaryOperator<IngressController.Builder> settings)
      throws IOException {
    controller =
        settings
            .apply(
                IngressController.builder()
                    .listen(new InetSocketAddress("127.0.0.1", 0))
                    .eventLoops(2))
            .build();
    controller.update(cluster(""));
    controller.start();
    http = controller.httpAddress().orElseThrow();
  }

  @AfterEach
  void stop() {
    controller.close();
    web.close();
    api.close();
  }

  @Test
  void routesByHostAndPathToTheServiceEndpoints() throws IOException {
    assertTrue(
        RawHttp.get(http, "web.test", "/index.html").body().startsWith("web GET /index.html\n"));
    assertTrue(
        RawHttp.get(http, "web.test", "/api/v1?x=1").body().startsWith("api GET /api/v1?x=1\n"));
    assertTrue(
        RawHttp.get(http, "WEB.test:8080", "/apiary").body().startsWith("web GET /apiary\n"));
    assertEquals(404, RawHttp.get(http, "other.test", "/").status());
  }

  /** The endpoint's echo of a request with forged forwarding fields, through a new controller. */
  String echoOfForgedForwardingThrough(Set<ForwardedHeader> written) throws IOException {
    String forged =
        "X-Forwarded-For: 203.0.113.9\r\nX-Forwarded-Host: evil.test\r\nX-Forwarded-Port: 1\r\n"
            + "Forwarded: for=198.51.100.1\r\n";
    try (IngressController c =
        IngressController.builder()
            .listen(new InetSocketAddress("127.0.0.1", 0))
            .eventLoops(1)
            .forwardedHeaders(written)
            .build()) {
      c.update(cluster(""));
      c.start();
      try (RawHttp client = new RawHttp(c.httpAddress().orElseThrow())) {
        return client.request("GET", "web.test", "/h", forged).body();
      }
    }
  }

  @Test
  void writesOnlyTheChosenForwardingFieldsAndRemovesTheClientsOthers() throws IOException {
    String body =
        echoOfForgedForwardingThrough(
            EnumSet.of(ForwardedHeader.X_FORWARDED_FOR, ForwardedHeader.X_FORWARDED_PROTO));
    assertTrue(body.contains("\nx-forwarded-for: 203.0.113.9, 127.0.0.1\n"), body);
    assertTrue(body.contains("\nx-forwarded-proto: http\n"), body);
    assertFalse(body.contains("x-forwarded-host"), body);
    assertFalse(body.contains("x-forwarded-port"), body);
    assertFalse(body.contains("forwarded: for="), body);

    String none = echoOfForgedForwardingThrough(Set.of());
    assertFalse(none.contains("forwarded"), none);
    assertTrue(none.contains("\nhost: web.test\n"), none);
  }

  @Test
  void errorsAreAnsweredWith404500503And502Consistently() throws IOException {
    assertEquals(404, RawHttp.get(http, "nobody.test", "/").status());
    assertEquals(500, RawHttp.get(http, "web.test", "/gone").status());
    assertEquals(503, RawHttp.get(http, "web.test", "/empty").status());
    assertEquals(502, RawHttp.get(http, "web.test", "/dead").status());
    IngressMetrics m = controller.metrics();
    assertEquals(1L, m.requestsByStatus().get(404));
    assertEquals(1L, m.requestsByStatus().get(500));
    assertEquals(1L, m.requestsByStatus().get(503));
    assertEquals(1L, m.requestsByStatus().get(502));
    assertTrue(m.upstreamConnectErrors() >= 1);
  }

  @Test
  void addsForwardingHeadersAndDropsHopByHopOnes() throws IOException {
    try (RawHttp c = new RawHttp(http)) {
      RawHttp.Response r =
          c.request(
              "GET",
              "web.test",
              "/h",
              "X-Forwarded-For: 203.0.113.9\r\nConnection: keep-alive, X-Secret\r\nX-Secret: 1\r\n"
                  + "Keep-Alive: timeout=5\r\n");
      String body = r.body();
      assertTrue(body.contains("\nx-forwarded-for: 203.0.113.9, 127.0.0.1\n"), body);
      assertTrue(body.contains("\nx-forwarded-proto: http\n"), body);
      assertTrue(body.contains("\nx-forwarded-host: web.test\n"), body);
      assertTrue(body.contains("\nforwarded: for=127.0.0.1;host=web.test;proto=http\n"), body);
      assertTrue(body.contains("\nhost: web.test\n"), body);
      assertFalse(body.contains("x-secret"), body);
      assertFalse(body.contains("keep-alive: timeout"), body);
    }
  }

  @Test
  void keepAliveClientsArePooledOntoOneBackendConnection() throws IOException {
    try (RawHttp c = new RawHttp(http)) {
      for (int i = 0; i < 20; i++) {
        assertEquals(200, c.request("GET", "web.test", "/k" + i, "").status());
      }
    }
    try (RawHttp c = new RawHttp(http)) {
      assertEquals(200, c.request("GET", "web.test", "/again", "").status());
    }
    assertTrue(web.clientPorts.size() <= 2, "backend connections: " + web.clientPorts);
  }

  @Test
  void streamsLargeBodiesBothWays() throws IOException {
    controller.update(cluster("ingress.k8snet.io/proxy-body-size: \"0\""));
    try (RawHttp c = new RawHttp(http)) {
      int size = 8 * 1024 * 1024;
      c.send("POST /upload HTTP/1.1\r\nHost: web.test\r\nContent-Length: " + size + "\r\n\r\n");
      byte[] chunk = new byte[65536];
      for (int i = 0; i < size / chunk.length; i++) {
        c.out.write(chunk);
      }
      c.out.flush();
      RawHttp.Response r = c.read(false);
      assertTrue(r.body().contains("\nbody " + size + "\n"), r.body().substring(0, 40));
      RawHttp.Response big = c.request("GET", "web.test", "/big/20000000", "");
      assertEquals(20_000_000, big.body().length());
    }
  }

  @ParameterizedTest
  @EnumSource(IngressController.Transport.class)
  void everyTransportRoutesPoolsStreamsAndAnswersErrors(IngressController.Transport transport)
      throws IOException {
    restartWith(b -> b.transport(transport));
    assertEquals(transport, controller.transport(), "this host runs every transport");
    routesByHostAndPathToTheServiceEndpoints();
    keepAliveClientsArePooledOntoOneBackendConnection();
    streamsLargeBodiesBothWays();
    assertEquals(502, RawHttp.get(http, "web.test", "/dead").status());
  }

  @Test
  void oversizedAndMalformedRequestsGet413431414And400() throws IOException {
    try (RawHttp c = new RawHttp(http)) {
      RawHttp.Response r =
          c.request("POST", "web.test", "/x", "Content-Length: " + (2 * 1024 * 1024) + "\r\n");
      assertEquals(413, r.status());
    }
    try (RawHttp c = new RawHttp(http)) {
      assertEquals(
          431, c.request("GET", "web.test", "/", "X-Big: " + "a".repeat(20000) + "\r\n").status());
    }
    try (RawHttp c = new RawHttp(http)) {
      assertEquals(414, c.request("GET", "web.test", "/" + "a".repeat(9000), "").status());
    }
    try (RawHttp c = new RawHttp(http)) {
      c.send("GARBAGE\r\n\r\n");
      assertEquals(400, c.read(false).status());
    }
    try (RawHttp c = new RawHttp(http)) {
      c.send("GET / HTTP/1.1\r\n\r\n");
      assertEquals(400, c.read(false).status(), "HTTP/1.1 without Host");
    }
    assertEquals(200, RawHttp.get(http, "web.test", "/still-serving").status());
  }

  @Test
  void anIdempotentRequestIsRetriedOnAnotherEndpointWhenOneRefuses() throws IOException {
    int deadPort;
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort();
    }
    // Two endpoints of one port: the dead one refuses, the live one answers.
    String svc =
        """
        apiVersion: v1
        kind: Service
        metadata: {namespace: shop, name: web}
        spec:
          clusterIP: 172.30.9.9
          ports: [{name: http, port: 80, targetPort: 80}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {namespace: shop, name: web-1, labels: {kubernetes.io/service-name: web}}
        addressType: IPv4
        ports: [{name: http, port: %d, protocol: TCP}]
        endpoints: [{addresses: ["127.0.0.1"]}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {namespace: shop, name: web-2, labels: {kubernetes.io/service-name: web}}
        addressType: IPv4
        ports: [{name: http, port: %d, protocol: TCP}]
        endpoints: [{addresses: ["127.0.0.1"]}]
        """
            .formatted(deadPort, web.port());
    controller.update(state(OUR_CLASS, svc, ingress("")));
    for (int i = 0; i < 10; i++) {
      assertEquals(200, RawHttp.get(http, "web.test", "/r" + i).status());
    }
  }

  @Test
  void headAndHttp10AndPipelinedRequestsWork() throws IOException {
    try (RawHttp c = new RawHttp(http)) {
      c.send(
          "GET /p1 HTTP/1.1\r\nHost: web.test\r\n\r\nGET /p2 HTTP/1.1\r\nHost: web.test\r\n\r\n");
      assertTrue(c.read(false).body().startsWith("web GET /p1"));
      assertTrue(c.read(false).body().startsWith("web GET /p2"));
      RawHttp.Response head = c.request("HEAD", "web.test", "/h", "");
      assertEquals(200, head.status());
    }
    try (RawHttp c = new RawHttp(http)) {
      c.send("GET /old HTTP/1.0\r\nHost: web.test\r\n\r\n");
      RawHttp.Response old = c.read(false);
      assertTrue(old.body().startsWith("web GET /old"), old.toString());
      assertEquals("close", old.headers().get("connection"), old.toString());
      assertTrue(c.closedByPeer());
    }
  }

  @Test
  void theResponseTellsTheClientWhetherItsConnectionStaysOpen() throws IOException {
    try (RawHttp c = new RawHttp(http)) {
      c.send("GET /a HTTP/1.1\r\nHost: web.test\r\n\r\n");
      assertFalse(c.read(false).headers().containsKey("connection"));
      c.send("GET /b HTTP/1.1\r\nHost: web.test\r\nConnection: close\r\n\r\n");
      RawHttp.Response last = c.read(false);
      assertTrue(last.body().startsWith("web GET /b"), last.toString());
      assertEquals("close", last.headers().get("connection"), last.toString());
      assertTrue(c.closedByPeer());
    }
    try (RawHttp c = new RawHttp(http)) {
      for (String path : new String[] {"/one", "/two"}) {
        c.send("GET " + path + " HTTP/1.0\r\nHost: web.test\r\nConnection: keep-alive\r\n\r\n");
        RawHttp.Response r = c.read(false);
        assertTrue(r.body().startsWith("web GET " + path), r.toString());
        assertEquals("keep-alive", r.headers().get("connection"), r.toString());
      }
    }
    try (RawHttp c = new RawHttp(http)) {
      c.send("GET /a HTTP/1.1\r\nHost: nowhere.test\r\nConnection: close\r\n\r\n");
      RawHttp.Response refused = c.read(false);
      assertEquals(404, refused.status(), refused.toString());
      assertEquals("close", refused.headers().get("connection"), refused.toString());
      assertTrue(c.closedByPeer());
    }
    try (RawHttp c = new RawHttp(http)) {
      c.send("GET /a HTTP/1.0\r\nHost: nowhere.test\r\nConnection: keep-alive\r\n\r\n");
      RawHttp.Response refused = c.read(false);
      assertEquals(404, refused.status(), refused.toString());
      assertEquals("keep-alive", refused.headers().get("connection"), refused.toString());
      c.send("GET /c HTTP/1.0\r\nHost: web.test\r\nConnection: keep-alive\r\n\r\n");
      assertTrue(c.read(false).body().startsWith("web GET /c"));
    }
  }

  @Test
  void routeChangesUnderLoadFailNoRequest() throws Exception {
    ClusterState a = cluster("");
    ClusterState b = cluster("ingress.k8snet.io/rewrite-target: /v2");
    List<Thread> clients = new ArrayList<>();
    List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.atomic.AtomicInteger done =
        new java.util.concurrent.atomic.AtomicInteger();
    long until = System.nanoTime() + 3_000_000_000L;
    for (int t = 0; t < 4; t++) {
      Thread th =
          new Thread(
              () -> {
                try (RawHttp c = new RawHttp(http)) {
                  while (System.nanoTime() < until) {
                    RawHttp.Response r = c.request("GET", "web.test", "/api/x", "");
                    if (r.status() != 200) {
                      failures.add(r.status() + " " + r.body());
                    }
                    done.incrementAndGet();
                  }
                } catch (IOException e) {
                  failures.add(e.toString());
                }
              });
      th.start();
      clients.add(th);
    }
    int swaps = 0;
    while (System.nanoTime() < until) {
      controller.update(swaps++ % 2 == 0 ? b : a);
      Thread.sleep(5);
    }
    for (Thread th : clients) {
      th.join();
    }
    assertEquals(List.of(), failures);
    assertTrue(done.get() > 100 && swaps > 50, done.get() + " requests, " + swaps + " swaps");
  }

  @Test
  void aBackendGoingAwayMidResponseClosesOnlyThatClient() throws Exception {
    try (ServerSocket broken = new ServerSocket(0)) {
      Thread t =
          new Thread(
              () -> {
                try (var s = broken.accept()) {
                  s.getInputStream().read(new byte[4096]);
                  s.getOutputStream()
                      .write(
                          "HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\npartial"
                              .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                  s.getOutputStream().flush();
                } catch (IOException e) {
                  // the test fails on the client side
                }
              });
      t.start();
      routeWebTo(broken.getLocalPort(), "");
      try (RawHttp c = new RawHttp(http)) {
        c.send("GET / HTTP/1.1\r\nHost: web.test\r\n\r\n");
        boolean cut;
        try {
          RawHttp.Response r = c.read(false);
          cut = r.body().length() < 1_000_000;
        } catch (IOException | RuntimeException e) {
          cut = true;
        }
        assertTrue(cut);
      }
      t.join();
      assertEquals(200, RawHttp.get(http, "web.test", "/api/ok").status());
      assertTrue(controller.metrics().upstreamResets() >= 1);
    }
  }

  /** Reads a request head up to and including its empty line. */
  static void skipRequestHead(java.io.InputStream in) throws IOException {
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new java.io.EOFException("no request head");
      }
      matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
  }

  /** Accepts connections on {@code server} into {@code held}; reads nothing, answers nothing. */
  static void holdConnections(ServerSocket server, List<java.net.Socket> held) {
    Thread t =
        new Thread(
            () -> {
              try {
                while (true) {
                  java.net.Socket s = server.accept();
                  synchronized (held) {
                    held.add(s);
                  }
                }
              } catch (IOException e) {
                // closed by the test
              }
            });
    t.setDaemon(true);
    t.start();
  }

  static void closeAll(List<java.net.Socket> held) throws IOException {
    synchronized (held) {
      for (java.net.Socket s : held) {
        s.close();
      }
    }
  }

  /** Replaces the test's controller with one built with {@code settings}, serving the same. */
  void restartWith(java.util.function.UnaryOperator<IngressController.Builder> settings)
      throws IOException {
    controller.close();
    startController(settings);
  }

  @Test
  void aClientConnectionIdleForTheClientIdleTimeoutIsClosedAndABusyOneIsNot() throws Exception {
    restartWith(b -> b.clientIdleTimeout(Duration.ofSeconds(1)));
    try (RawHttp idle = new RawHttp(http);
        RawHttp busy = new RawHttp(http)) {
      assertEquals(200, idle.request("GET", "web.test", "/", "").status());
      long start = System.nanoTime();
      for (int i = 0; i < 6; i++) { // 3 s of requests 500 ms apart
        assertEquals(200, busy.request("GET", "web.test", "/", "").status(), "request " + i);
        Thread.sleep(500);
      }
      assertEquals(-1, idle.in.read(), "the idle connection was closed");
      long tookMillis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(tookMillis < 5000, "soon after the timeout: " + tookMillis + " ms");
      assertEquals(200, busy.request("GET", "web.test", "/", "").status());
    }
  }

  @Test
  void anHttp2ConnectionWithNoStreamIsClosedWithGoawayAfterTheClientIdleTimeout() throws Exception {
    restartWith(b -> b.clientIdleTimeout(Duration.ofSeconds(1)));
    try (RawHttp c = new RawHttp(http)) {
      assertIdleHttp2ConnectionGoesAway(c.in, c.out);
    }
  }

  /**
   * Opens HTTP/2 on a connection (preface, empty SETTINGS), then opens no stream: the server must
   * send GOAWAY and close after the client idle timeout of one second, not before.
   */
  static void assertIdleHttp2ConnectionGoesAway(java.io.InputStream in, java.io.OutputStream out)
      throws IOException {
    out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(US_ASCII));
    out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame
    out.flush();
    long start = System.nanoTime();
    List<Integer> types = new ArrayList<>();
    byte[] header = new byte[9];
    while (in.readNBytes(header, 0, 9) == 9) { // frames until the server closes
      int length = (header[0] & 0xff) << 16 | (header[1] & 0xff) << 8 | (header[2] & 0xff);
      types.add(header[3] & 0xff);
      in.readNBytes(length);
    }
    long tookMillis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(types.contains(7), "a GOAWAY frame (type 7) before closing: " + types);
    assertTrue(tookMillis >= 900, "not before the timeout: " + tookMillis + " ms");
    assertTrue(tookMillis < 5000, "soon after it: " + tookMillis + " ms");
  }

  @Test
  void aPooledBackendConnectionIdleForTheBackendIdleTimeoutIsClosed() throws Exception {
    restartWith(b -> b.backendIdleTimeout(Duration.ofSeconds(1)));
    try (ServerSocket server = new ServerSocket(0)) {
      routeWebTo(server.getLocalPort(), "");
      java.util.concurrent.CompletableFuture<Long> idleMillis =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                try (java.net.Socket s = server.accept()) {
                  var in = s.getInputStream();
                  skipRequestHead(in);
                  s.getOutputStream()
                      .write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(US_ASCII));
                  long answered = System.nanoTime();
                  s.setSoTimeout(20_000);
                  if (in.read() != -1) {
                    throw new IOException("a second request on the connection");
                  }
                  return (System.nanoTime() - answered) / 1_000_000;
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      RawHttp.Response r = RawHttp.get(http, "web.test", "/");
      assertEquals(200, r.status());
      long took = idleMillis.get(20, java.util.concurrent.TimeUnit.SECONDS);
      assertTrue(took >= 900, "not before the timeout: " + took + " ms");
      assertTrue(took < 5000, "soon after it: " + took + " ms");
    }
  }

  @Test
  void idleTimeoutsShorterThanASecondAreRejectedByName() {
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () -> IngressController.builder().backendIdleTimeout(Duration.ofMillis(500)));
    assertEquals("backendIdleTimeout: PT0.5S (expected: at least one second)", e.getMessage());
  }

  @Test
  void aBackendSilentForTheReadTimeoutGets504AndTheClientKeepsItsConnection() throws Exception {
    List<java.net.Socket> held = new ArrayList<>();
    try (ServerSocket silent = new ServerSocket(0)) {
      holdConnections(silent, held);
      routeWebTo(silent.getLocalPort(), "\"ingress.k8snet.io/proxy-read-timeout\": \"1\"");
      try (RawHttp c = new RawHttp(http)) {
        long start = System.nanoTime();
        c.send("GET /slow HTTP/1.1\r\nHost: web.test\r\n\r\n");
        RawHttp.Response r = c.read(false);
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(504, r.status());
        assertTrue(tookMillis >= 1000, "not before the timeout: " + tookMillis + " ms");
        assertTrue(tookMillis < 5000, "soon after it: " + tookMillis + " ms");
        assertEquals(1, controller.metrics().upstreamTimeouts());
        c.send("GET /api/ok HTTP/1.1\r\nHost: web.test\r\n\r\n");
        assertEquals(200, c.read(false).status(), "the client's connection stays usable");
      }
    } finally {
      closeAll(held);
    }
  }

  @Test
  void aBackendThatTakesNoRequestBytesForTheSendTimeoutGets504() throws Exception {
    List<java.net.Socket> held = new ArrayList<>();
    try (ServerSocket deaf = new ServerSocket(0)) {
      holdConnections(deaf, held);
      routeWebTo(
          deaf.getLocalPort(),
          "\"ingress.k8snet.io/proxy-send-timeout\": \"1\","
              + " \"ingress.k8snet.io/proxy-body-size\": \"0\"");
      try (RawHttp c = new RawHttp(http)) {
        long size = 1L << 30;
        long start = System.nanoTime();
        c.send("POST /upload HTTP/1.1\r\nHost: web.test\r\nContent-Length: " + size + "\r\n\r\n");
        Thread writer =
            new Thread(
                () -> {
                  byte[] chunk = new byte[65536];
                  try {
                    for (long n = 0; n < size; n += chunk.length) {
                      c.out.write(chunk);
                    }
                  } catch (IOException e) {
                    // the proxy gave up on the request
                  }
                });
        writer.setDaemon(true);
        writer.start();
        RawHttp.Response r = c.read(false);
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(504, r.status());
        assertTrue(tookMillis >= 1000, "not before the timeout: " + tookMillis + " ms");
        assertTrue(tookMillis < 30_000, "long before the read timeout's 60 s: " + tookMillis);
        assertEquals(1, controller.metrics().upstreamTimeouts());
      }
    } finally {
      closeAll(held);
    }
  }

  @Test
  void aSlowBackendThatKeepsTakingRequestBytesIsNotTimedOut() throws Exception {
    long size = 48L << 20;
    try (ServerSocket slow = new ServerSocket(0)) {
      Thread backend =
          new Thread(
              () -> {
                try (java.net.Socket s = slow.accept()) {
                  var in = s.getInputStream();
                  skipRequestHead(in);
                  byte[] buf = new byte[1 << 20];
                  for (long got = 0; got < size; ) {
                    int n = in.readNBytes(buf, 0, (int) Math.min(buf.length, size - got));
                    if (n == 0) {
                      throw new java.io.EOFException("the body ended early");
                    }
                    got += n;
                    Thread.sleep(100); // about 10 MB/s: each pause far below the 3 s send timeout
                  }
                  s.getOutputStream()
                      .write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(US_ASCII));
                } catch (IOException | InterruptedException e) {
                  // the client side of the test reports
                }
              });
      backend.setDaemon(true);
      backend.start();
      routeWebTo(
          slow.getLocalPort(),
          "\"ingress.k8snet.io/proxy-send-timeout\": \"3\","
              + " \"ingress.k8snet.io/proxy-body-size\": \"0\"");
      try (RawHttp c = new RawHttp(http)) {
        c.send("POST /upload HTTP/1.1\r\nHost: web.test\r\nContent-Length: " + size + "\r\n\r\n");
        byte[] chunk = new byte[65536];
        for (long n = 0; n < size; n += chunk.length) {
          c.out.write(chunk);
        }
        RawHttp.Response r = c.read(false);
        assertEquals(200, r.status());
        assertEquals("ok", r.body());
        assertEquals(0, controller.metrics().upstreamTimeouts());
      }
    }
  }

  /**
   * A backend on a plain socket answering by path: {@code /chunked} a chunked body with an
   * extension and a trailer (connection kept), {@code /close} a body delimited by closing the
   * connection, {@code /bad} a response with a broken status line.
   */
  static Thread rawBackend(ServerSocket server) {
    Thread t =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                java.net.Socket s;
                try {
                  s = server.accept();
                } catch (IOException e) {
                  return;
                }
                new Thread(() -> serveRaw(s)).start();
              }
            });
    t.setDaemon(true);
    t.start();
    return t;
  }

  static void serveRaw(java.net.Socket s) {
    try (s) {
      var in =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(
                  s.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII));
      var out = s.getOutputStream();
      String line;
      while ((line = in.readLine()) != null) {
        String path = line.split(" ")[1];
        while (!in.readLine().isEmpty()) {
          // request headers
        }
        String response =
            switch (path) {
              case "/chunked" ->
                  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n"
                      + "6;part=1\r\nchunk-\r\n7\r\nencoded\r\n0\r\nX-Trailer: t\r\n\r\n";
              case "/close" -> "HTTP/1.1 200 OK\r\nX-Old: yes\r\n\r\nclose-delimited";
              default -> "HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n";
            };
        out.write(response.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.flush();
        if (!path.equals("/chunked")) {
          return;
        }
      }
    } catch (IOException e) {
      // the client side of the test reports
    }
  }

  @Test
  void chunkedAndCloseDelimitedBackendResponsesAreFramedForEachClient() throws Exception {
    try (ServerSocket raw = new ServerSocket(0)) {
      rawBackend(raw);
      routeWebTo(raw.getLocalPort(), "");
      try (RawHttp c = new RawHttp(http)) {
        RawHttp.Response chunked = c.request("GET", "web.test", "/chunked", "");
        assertEquals("chunked", chunked.headers().get("transfer-encoding"));
        assertEquals("chunk-encoded", chunked.body());
        assertFalse(chunked.headers().containsKey("connection"), chunked.toString());
        RawHttp.Response close = c.request("GET", "web.test", "/close", "");
        assertEquals("chunked", close.headers().get("transfer-encoding"), close.toString());
        assertEquals("yes", close.headers().get("x-old"));
        assertEquals("close-delimited", close.body());
        assertEquals(502, c.request("GET", "web.test", "/bad", "").status());
        assertEquals("chunk-encoded", c.request("GET", "web.test", "/chunked", "").body());
      }
      for (String path : new String[] {"/chunked", "/close"}) {
        try (RawHttp c = new RawHttp(http)) {
          c.send("GET " + path + " HTTP/1.0\r\nHost: web.test\r\nConnection: keep-alive\r\n\r\n");
          RawHttp.Response old = c.read(false);
          assertFalse(old.headers().containsKey("transfer-encoding"), old.toString());
          assertEquals(path.equals("/chunked") ? "chunk-encoded" : "close-delimited", old.body());
          assertTrue(c.closedByPeer());
        }
      }
    }
  }
}
