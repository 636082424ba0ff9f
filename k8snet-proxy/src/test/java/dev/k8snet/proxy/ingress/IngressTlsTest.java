package dev.k8snet.proxy.ingress;

import static dev.k8snet.proxy.ingress.Manifests.OUR_CLASS;
import static dev.k8snet.proxy.ingress.Manifests.service;
import static dev.k8snet.proxy.ingress.Manifests.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.proxy.ingress.internal.SelfSigned;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TLS termination with SNI, certificate rotation, ssl-redirect, HTTP/2 (ALPN and h2c) and
 * WebSocket, with real clients (JDK TLS sockets, curl, the JDK HTTP and WebSocket clients) on
 * loopback.
 */
class IngressTlsTest {
  EchoBackend web;
  WsEchoServer ws;
  H2cEchoServer grpc;
  IngressController controller;
  InetSocketAddress http;
  InetSocketAddress https;
  static String fooSecret;
  static String wildSecret;

  @BeforeAll
  static void certificates() throws Exception {
    fooSecret = secret("foo-tls", "foo.bar.com", false);
    wildSecret = secret("wild-tls", "*.wild.test", true);
  }

  /** A kubernetes.io/tls Secret of a fresh self-signed certificate for {@code cn}. */
  static String secret(String name, String cn, boolean pkcs1) throws Exception {
    SelfSigned.Pem c = SelfSigned.create(cn, Instant.now(), 1);
    String crt = c.certificate();
    String key = pkcs1 ? toPkcs1(c.privateKey()) : c.privateKey();
    return """
        apiVersion: v1
        kind: Secret
        metadata: {namespace: shop, name: %s}
        type: kubernetes.io/tls
        data:
          tls.crt: %s
          tls.key: %s
        """
        .formatted(
            name,
            Base64.getEncoder().encodeToString(crt.getBytes(StandardCharsets.US_ASCII)),
            Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.US_ASCII)));
  }

  /** Unwraps the PKCS#1 RSAPrivateKey from a PKCS#8 PEM (the last OCTET STRING). */
  static String toPkcs1(String pkcs8Pem) {
    String b64 = pkcs8Pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    byte[] der = Base64.getDecoder().decode(b64);
    int i = 0;
    i = skipHeader(der, i); // SEQUENCE
    i = skipTlv(der, i); // INTEGER version
    i = skipTlv(der, i); // AlgorithmIdentifier
    int start = skipHeader(der, i); // OCTET STRING
    byte[] pkcs1 = java.util.Arrays.copyOfRange(der, start, der.length);
    return "-----BEGIN RSA PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pkcs1)
        + "\n-----END RSA PRIVATE KEY-----\n";
  }

  private static int skipHeader(byte[] d, int i) {
    int len = d[i + 1] & 0xff;
    return i + 2 + ((len & 0x80) != 0 ? (len & 0x7f) : 0);
  }

  private static int skipTlv(byte[] d, int i) {
    int len = d[i + 1] & 0xff;
    int n = 0;
    int h = 2;
    if ((len & 0x80) != 0) {
      for (int k = 0; k < (len & 0x7f); k++) {
        n = (n << 8) | (d[i + 2 + k] & 0xff);
      }
      h += len & 0x7f;
    } else {
      n = len;
    }
    return i + h + n;
  }

  ClusterState cluster(String foo) {
    return state(
        OUR_CLASS,
        service("shop", "web", 80, web.port(), "127.0.0.1"),
        service("shop", "ws", 80, ws.port(), "127.0.0.1"),
        service("shop", "grpc", 50051, grpc.port(), "127.0.0.1"),
        foo,
        wildSecret,
        """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          namespace: shop
          name: tls
          annotations: {ingress.k8snet.io/ssl-redirect: "true"}
        spec:
          ingressClassName: k8snet
          tls:
          - {hosts: [foo.bar.com], secretName: foo-tls}
          - {hosts: ["*.wild.test"], secretName: wild-tls}
          rules:
          - host: foo.bar.com
            http:
              paths:
              - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
          - host: "*.wild.test"
            http:
              paths:
              - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
          - http:
              paths:
              - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
              - {path: /ws, pathType: Exact, backend: {service: {name: ws, port: {number: 80}}}}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          namespace: shop
          name: grpc
          annotations: {nginx.ingress.kubernetes.io/backend-protocol: GRPC}
        spec:
          ingressClassName: k8snet
          rules:
          - http:
              paths:
              - {path: /echo.Echo, pathType: Prefix, backend: {service: {name: grpc, port: {number: 50051}}}}
        """);
  }

  @BeforeEach
  void start() throws Exception {
    web = new EchoBackend("web", "127.0.0.1");
    ws = new WsEchoServer();
    grpc = new H2cEchoServer();
    controller =
        IngressController.builder()
            .listen(new InetSocketAddress("127.0.0.1", 0))
            .listenTls(new InetSocketAddress("127.0.0.1", 0))
            .eventLoops(2)
            .build();
    controller.update(cluster(fooSecret));
    controller.start();
    http = controller.httpAddress().orElseThrow();
    https = controller.httpsAddress().orElseThrow();
    assertEquals(List.of(), controller.problems());
  }

  @AfterEach
  void stop() {
    controller.close();
    web.close();
    ws.close();
    grpc.close();
  }

  static SSLContext trustAll() throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(
        null,
        new TrustManager[] {
          new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          }
        },
        new SecureRandom());
    return ctx;
  }

  /** A TLS connection with an optional SNI name. */
  SSLSocket tls(String sni) throws Exception {
    SSLSocket s =
        (SSLSocket) trustAll().getSocketFactory().createSocket("127.0.0.1", https.getPort());
    SSLParameters p = s.getSSLParameters();
    p.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
    s.setSSLParameters(p);
    s.setSoTimeout(20_000);
    s.startHandshake();
    return s;
  }

  @Test
  void anHttp2ConnectionOverTlsWithNoStreamIsClosedWithGoawayAfterTheClientIdleTimeout()
      throws Exception {
    controller.close();
    controller =
        IngressController.builder()
            .listenTls(new InetSocketAddress("127.0.0.1", 0))
            .clientIdleTimeout(java.time.Duration.ofSeconds(1))
            .eventLoops(2)
            .build();
    controller.update(cluster(fooSecret));
    controller.start();
    https = controller.httpsAddress().orElseThrow();
    SSLSocket s =
        (SSLSocket) trustAll().getSocketFactory().createSocket("127.0.0.1", https.getPort());
    try (s) {
      SSLParameters p = s.getSSLParameters();
      p.setServerNames(List.of(new SNIHostName("foo.bar.com")));
      p.setApplicationProtocols(new String[] {"h2"});
      s.setSSLParameters(p);
      s.setSoTimeout(20_000);
      s.startHandshake();
      assertEquals("h2", s.getApplicationProtocol());
      IngressControllerTest.assertIdleHttp2ConnectionGoesAway(
          s.getInputStream(), s.getOutputStream());
    }
  }

  static String cn(SSLSocket s) throws Exception {
    X509Certificate c = (X509Certificate) s.getSession().getPeerCertificates()[0];
    return c.getSubjectX500Principal().getName();
  }

  static String get(SSLSocket s, String host, String path) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(
        ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = s.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      head.append((char) in.read());
    }
    int len =
        Integer.parseInt(
            head.toString()
                .toLowerCase(java.util.Locale.ROOT)
                .split("content-length: ")[1]
                .split("\r\n")[0]);
    return head + new String(in.readNBytes(len), StandardCharsets.ISO_8859_1);
  }

  @Test
  void sniPicksTheCertificateAndUnknownNamesGetTheDefault() throws Exception {
    try (SSLSocket s = tls("foo.bar.com")) {
      assertEquals("CN=foo.bar.com", cn(s));
    }
    try (SSLSocket s = tls("a.wild.test")) {
      assertEquals("CN=*.wild.test", cn(s), "a PKCS#1 key is accepted too");
    }
    try (SSLSocket s = tls("b.a.wild.test")) {
      assertEquals("CN=k8snet-ingress-default", cn(s));
    }
    try (SSLSocket s = tls(null)) {
      assertEquals("CN=k8snet-ingress-default", cn(s));
    }
  }

  @Test
  void sniChoosesTheCertificateWhileHostChoosesTheRoute() throws Exception {
    try (SSLSocket s = tls("foo.bar.com")) {
      String r = get(s, "x.wild.test", "/where");
      assertTrue(r.contains("web GET /where"), r);
      assertTrue(r.contains("\nx-forwarded-proto: https\n"), r);
      assertTrue(r.contains("\nhost: x.wild.test\n"), r);
    }
  }

  @Test
  void plainHttpToATlsHostIsRedirectedWith308() throws IOException {
    RawHttp.Response r = RawHttp.get(http, "foo.bar.com", "/a?b=1");
    assertEquals(308, r.status());
    assertEquals("https://foo.bar.com/a?b=1", r.headers().get("location"));
    assertEquals(200, RawHttp.get(http, "no-tls.test", "/").status());
  }

  @Test
  void aNewCertificateIsServedToNewConnectionsWhileOpenOnesKeepWorking() throws Exception {
    try (SSLSocket before = tls("foo.bar.com")) {
      byte[] old = before.getSession().getPeerCertificates()[0].getEncoded();
      assertTrue(get(before, "foo.bar.com", "/1").contains("web GET /1"));
      controller.update(cluster(secret("foo-tls", "foo.bar.com", false)));
      try (SSLSocket after = tls("foo.bar.com")) {
        assertNotEquals(
            Base64.getEncoder().encodeToString(old),
            Base64.getEncoder()
                .encodeToString(after.getSession().getPeerCertificates()[0].getEncoded()));
      }
      assertTrue(get(before, "foo.bar.com", "/2").contains("web GET /2"), "old connection");
    }
  }

  @Test
  void aMissingSecretLeavesItsHostsOnTheDefaultCertificateAndTheRestServing() throws Exception {
    controller.update(cluster(""));
    assertEquals(
        List.of(
            "Ingress shop/tls spec.tls[0].secretName: Secret shop/foo-tls not found; its hosts get"
                + " the default certificate"),
        controller.problems());
    try (SSLSocket s = tls("foo.bar.com")) {
      assertEquals("CN=k8snet-ingress-default", cn(s));
      assertTrue(get(s, "foo.bar.com", "/ok").contains("web GET /ok"));
    }
    try (SSLSocket s = tls("a.wild.test")) {
      assertEquals("CN=*.wild.test", cn(s));
    }
  }

  static List<String> curl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("curl", "-s", "--max-time", "20"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return List.of(Integer.toString(p.exitValue()), out);
  }

  @Test
  void curlGetsHttp2OverAlpnAndHttp11WhenItAsks() throws Exception {
    String resolve = "foo.bar.com:" + https.getPort() + ":127.0.0.1";
    String url = "https://foo.bar.com:" + https.getPort() + "/h2";
    List<String> h2 = curl("-k", "--resolve", resolve, "-w", "\n%{http_version}", url);
    assertEquals("0", h2.get(0), h2.get(1));
    assertTrue(h2.get(1).startsWith("web GET /h2\n"), h2.get(1));
    assertTrue(h2.get(1).endsWith("\n2"), h2.get(1));
    List<String> h1 = curl("-k", "--http1.1", "--resolve", resolve, "-w", "\n%{http_version}", url);
    assertTrue(h1.get(1).endsWith("\n1.1"), h1.get(1));
    List<String> post = curl("-k", "--resolve", resolve, "--data-binary", "x".repeat(100_000), url);
    assertTrue(post.get(1).contains("\nbody 100000\n"), post.get(1));
  }

  @Test
  void h2cWorksByPriorKnowledgeAndByUpgrade() throws Exception {
    String url = "http://127.0.0.1:" + http.getPort() + "/plain";
    List<String> prior = curl("--http2-prior-knowledge", "-w", "\n%{http_version}", url);
    assertTrue(prior.get(1).startsWith("web GET /plain\n"), prior.get(1));
    assertTrue(prior.get(1).endsWith("\n2"), prior.get(1));
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    assertEquals(HttpClient.Version.HTTP_2, r.version());
    assertTrue(r.body().startsWith("web GET /plain\n"), r.body());
    HttpResponse<String> second =
        client.send(
            HttpRequest.newBuilder(URI.create(url + "2"))
                .POST(HttpRequest.BodyPublishers.ofString("y".repeat(70_000)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertTrue(second.body().contains("\nbody 70000\n"), second.body());
  }

  @Test
  void grpcIsRelayedOverHttp2ToTheBackendWithTrailers() throws Exception {
    String tlsUrl = "https://127.0.0.1:" + https.getPort() + "/echo.Echo/Say";
    String h2cUrl = "http://127.0.0.1:" + http.getPort() + "/echo.Echo/Say";
    for (List<String> r :
        List.of(
            curl(
                "-k",
                "-v",
                "-H",
                "content-type: application/grpc",
                "-H",
                "te: trailers",
                "--data-binary",
                "ping-over-tls",
                tlsUrl),
            curl(
                "--http2-prior-knowledge",
                "-v",
                "-H",
                "content-type: application/grpc",
                "-H",
                "te: trailers",
                "--data-binary",
                "ping-over-h2c",
                h2cUrl))) {
      assertEquals("0", r.get(0), r.get(1));
      assertTrue(r.get(1).contains("< grpc-status: 0"), r.get(1));
      assertTrue(r.get(1).contains("< x-te: trailers"), r.get(1));
      assertTrue(r.get(1).contains("< x-path: /echo.Echo/Say"), r.get(1));
      assertTrue(r.get(1).contains("ping-over-"), r.get(1));
    }
  }

  @Test
  void aWebSocketIsRelayedAndSurvivesRouteChanges() throws Exception {
    List<String> got = java.util.Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Void> two = new CompletableFuture<>();
    WebSocket socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .buildAsync(
                URI.create("ws://127.0.0.1:" + http.getPort() + "/ws"),
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    got.add(data.toString());
                    if (got.size() == 2) {
                      two.complete(null);
                    }
                    w.request(1);
                    return null;
                  }
                })
            .get(20, TimeUnit.SECONDS);
    socket.sendText("one", true).get(20, TimeUnit.SECONDS);
    controller.update(cluster(""));
    socket.sendText("two", true).get(20, TimeUnit.SECONDS);
    two.get(20, TimeUnit.SECONDS);
    assertEquals(List.of("echo: one", "echo: two"), got);
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(20, TimeUnit.SECONDS);
  }
}
