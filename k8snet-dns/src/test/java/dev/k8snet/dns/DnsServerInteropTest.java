package dev.k8snet.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.IpFamily;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.cluster.ClusterUpdate;
import dev.k8snet.core.model.EndpointSlice;
import dev.k8snet.core.model.KubernetesObject;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** dig and kdig against the running server, over UDP, UDP without EDNS, and TCP. */
class DnsServerInteropTest {
  static DnsServer server;
  static int port;
  static final String BIG = "big.default.svc.cluster.local";

  static List<KubernetesObject> objects() {
    List<KubernetesObject> o = new ArrayList<>(Fixtures.objects());
    o.add(Fixtures.headless("default", "big"));
    EndpointSlice.Endpoint[] eps = new EndpointSlice.Endpoint[60];
    for (int i = 0; i < eps.length; i++) {
      eps[i] = Fixtures.ep("10.244.9." + (i + 1), true, null);
    }
    o.add(
        Fixtures.slice(
            "default",
            "big",
            "big-1",
            IpFamily.IPV4,
            List.of(EndpointSlice.Port.of("p", 1, Protocol.TCP)),
            eps));
    return o;
  }

  @BeforeAll
  static void start() {
    ClusterDns dns = ClusterDns.create(DnsConfig.of("cluster.local"));
    dns.onUpdate(ClusterUpdate.between(ClusterState.EMPTY, ClusterState.of(1, objects())));
    server = DnsServer.builder(dns, new InetSocketAddress("127.0.0.1", 0)).eventLoops(2).build();
    server.start();
    port = server.localAddress().getPort();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void digOverUdpWithEdnsGetsAnAuthoritativeAnswer() {
    String out = Tools.dig(port, "web.default.svc.cluster.local", "A");
    assertEquals("NOERROR", Tools.status(out));
    assertTrue(out.contains("flags: qr aa rd;"), out);
    assertTrue(out.contains("udp: 1232"), out);
    assertEquals(List.of("web.default.svc.cluster.local. A 10.96.0.10"), Tools.answers(out));
  }

  @Test
  void digSeesNxdomainAndNodataWithTheSoa() {
    String nx = Tools.dig(port, "nothere.default.svc.cluster.local", "A");
    assertEquals("NXDOMAIN", Tools.status(nx));
    assertTrue(nx.contains("AUTHORITY: 1"), nx);
    assertTrue(nx.contains("cluster.local.\t\t5\tIN\tSOA\tns.dns.cluster.local."), nx);
    String nodata = Tools.dig(port, "web.default.svc.cluster.local", "AAAA");
    assertEquals("NOERROR", Tools.status(nodata));
    assertTrue(nodata.contains("ANSWER: 0, AUTHORITY: 1"), nodata);
    String empty = Tools.dig(port, "empty.default.svc.cluster.local", "A");
    assertEquals("NXDOMAIN", Tools.status(empty));
  }

  @Test
  void echoesTheQuestionCase() {
    String out = Tools.dig(port, "WeB.DeFault.svc.Cluster.Local", "A");
    assertTrue(out.contains(";WeB.DeFault.svc.Cluster.Local.\t"), out);
    assertTrue(
        out.matches(
            "(?s).*\nWeB\\.DeFault\\.svc\\.Cluster\\.Local\\.\\s+5\\s+IN\\s+A\\s+10\\.96\\.0\\.10\n.*"),
        out);
  }

  @Test
  void srvAnswersCarryAdditionalAddresses() {
    String out = Tools.dig(port, "_peer._tcp.db.default.svc.cluster.local", "SRV");
    assertEquals(2, Tools.answers(out).size(), out);
    assertTrue(out.contains("ADDITIONAL: 3"), out); // two A + OPT
  }

  @Test
  void withoutEdnsLargeAnswersAreTruncatedAtRrsetGranularity() {
    String out = Tools.dig(port, "+noedns", "+ignore", BIG, "A");
    assertTrue(out.contains(" tc"), out);
    assertTrue(out.contains("ANSWER: 0"), out); // the 60-record RRset is never cut in half
    String retried = Tools.dig(port, "+noedns", BIG, "A"); // dig retries over TCP on TC
    assertEquals(60, Tools.answers(retried).size(), retried);
  }

  @Test
  void ednsClientsGetTheRrsetWithinTheirBufferSize() {
    String out = Tools.dig(port, "+bufsize=1232", BIG, "A");
    assertFalse(out.contains(" tc"), out);
    assertEquals(60, Tools.answers(out).size());
    String small = Tools.dig(port, "+bufsize=600", "+ignore", BIG, "A");
    assertTrue(small.contains(" tc"), small);
  }

  @Test
  void digOverTcpGetsTheSameAnswers() {
    String out =
        Tools.dig(
            port,
            "+tcp",
            "+keepopen",
            "_http._tcp.web.default.svc.cluster.local",
            "SRV",
            "dns-version.cluster.local",
            "TXT");
    assertTrue(out.contains("0 100 80 web.default.svc.cluster.local."), out);
    assertTrue(out.contains("\"1.1.0\""), out);
    assertEquals(60, Tools.answers(Tools.dig(port, "+tcp", BIG, "A")).size());
  }

  @Test
  void kdigOverUdpTcpAndWithoutEdns() {
    String udp = Tools.kdig(port, "db-0.db.default.svc.cluster.local", "A");
    assertEquals("NOERROR", Tools.status(udp));
    assertEquals(List.of("db-0.db.default.svc.cluster.local. A 10.244.1.5"), Tools.answers(udp));
    String tcp = Tools.kdig(port, "+tcp", "10.0.96.10.in-addr.arpa", "PTR");
    assertEquals(
        List.of("10.0.96.10.in-addr.arpa. PTR web.default.svc.cluster.local."), Tools.answers(tcp));
    String noedns = Tools.kdig(port, "+noedns", "+ignore", BIG, "A");
    assertTrue(noedns.contains(" tc"), noedns);
    String v6 =
        Tools.kdig(
            port,
            "1.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa",
            "PTR");
    assertEquals("NOERROR", Tools.status(v6));
    assertEquals(1, Tools.answers(v6).size(), v6);
  }

  @Test
  void refusesNamesOutsideTheZonesWithoutUpstream() {
    assertEquals("REFUSED", Tools.status(Tools.dig(port, "example.com", "A")));
    assertTrue(Tools.dig(port, "cluster.local", "AXFR").contains("Transfer failed"));
  }

  @Test
  void answersServfailBeforeTheFirstSnapshot() {
    ClusterDns empty = ClusterDns.create(DnsConfig.of("cluster.local"));
    try (DnsServer s =
        DnsServer.builder(empty, new InetSocketAddress("127.0.0.1", 0)).eventLoops(1).build()) {
      s.start();
      int p = s.localAddress().getPort();
      assertEquals("SERVFAIL", Tools.status(Tools.dig(p, "web.default.svc.cluster.local", "A")));
      empty.onUpdate(
          ClusterUpdate.between(ClusterState.EMPTY, ClusterState.of(1, Fixtures.objects())));
      assertEquals("NOERROR", Tools.status(Tools.dig(p, "web.default.svc.cluster.local", "A")));
    }
  }

  @Test
  void closesTcpConnectionsBeyondTheLimitAndIdleOnes() throws Exception {
    ClusterDns dns = ClusterDns.create(DnsConfig.of("cluster.local"));
    dns.onUpdate(ClusterUpdate.between(ClusterState.EMPTY, Fixtures.state()));
    try (DnsServer s =
        DnsServer.builder(dns, new InetSocketAddress("127.0.0.1", 0))
            .eventLoops(1)
            .maxTcpConnections(1)
            .tcpIdleTimeout(java.time.Duration.ofMillis(300))
            .build()) {
      s.start();
      InetSocketAddress a = s.localAddress();
      try (java.net.Socket first = new java.net.Socket(a.getAddress(), a.getPort());
          java.net.Socket second = new java.net.Socket(a.getAddress(), a.getPort())) {
        second.setSoTimeout(2000);
        assertEquals(-1, second.getInputStream().read()); // closed by the server
        first.setSoTimeout(2000);
        long t0 = System.nanoTime();
        assertEquals(-1, first.getInputStream().read()); // idle: closed after the timeout
        assertTrue(System.nanoTime() - t0 < 1_500_000_000L);
      }
    }
  }
}
