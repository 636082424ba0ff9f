package dev.k8snet.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.cluster.ClusterUpdate;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ForwarderTest {
  final AtomicLong millis = new AtomicLong(1_000_000);
  final InstantSource clock = () -> Instant.ofEpochMilli(millis.get());
  FakeUpstream upstream;
  ClusterDns dns;

  @BeforeEach
  void setUp() throws Exception {
    upstream = new FakeUpstream();
    dns = ClusterDns.create(DnsConfig.of("cluster.local"));
    dns.onUpdate(ClusterUpdate.between(ClusterState.EMPTY, Fixtures.state()));
  }

  @AfterEach
  void tearDown() throws Exception {
    upstream.close();
  }

  DnsServer.Builder server() {
    return DnsServer.builder(dns, new InetSocketAddress("127.0.0.1", 0))
        .eventLoops(1)
        .clock(clock)
        .forwardTimeout(Duration.ofMillis(300));
  }

  @Test
  void forwardsAndCachesNamesOutsideTheZone() {
    try (DnsServer s = server().upstream(upstream.address()).build()) {
      s.start();
      int port = s.localAddress().getPort();
      String out = Tools.dig(port, "Www.Example.Test", "A");
      assertEquals("NOERROR", Tools.status(out));
      assertTrue(out.contains("flags: qr rd ra;"), out); // not authoritative
      assertEquals(List.of("Www.Example.Test. A 192.0.2.1"), Tools.answers(out));
      millis.addAndGet(3_000);
      String cached = Tools.dig(port, "www.example.test", "A");
      assertTrue(cached.matches("(?s).*www\\.example\\.test\\.\\s+297\\s+IN\\s+A.*"), cached);
      assertEquals(1, upstream.udpQueries.get());
      assertEquals(1, s.metrics().cacheHits());
      assertEquals(1, s.metrics().cacheMisses());
      // cluster names never come from the cache nor from upstream
      assertEquals("NOERROR", Tools.status(Tools.dig(port, "web.default.svc.cluster.local", "A")));
      assertEquals(1, upstream.udpQueries.get());
    }
  }

  @Test
  void prefetchesPopularAnswersBeforeTheyExpire() throws Exception {
    try (DnsServer s = server().upstream(upstream.address()).build()) {
      s.start();
      int port = s.localAddress().getPort();
      Tools.dig(port, "hot.example.test", "A");
      millis.addAndGet(280_000); // 20 s of 300 left: under 10 %
      Tools.dig(port, "hot.example.test", "A");
      Tools.dig(port, "hot.example.test", "A");
      for (int i = 0; i < 50 && upstream.udpQueries.get() < 2; i++) {
        Thread.sleep(20);
      }
      assertEquals(2, upstream.udpQueries.get());
      assertEquals(1, s.metrics().prefetches());
    }
  }

  @Test
  void servesStaleAnswersWhenTheUpstreamFails() {
    try (DnsServer s = server().upstream(upstream.address()).build()) {
      s.start();
      int port = s.localAddress().getPort();
      Tools.dig(port, "stale.example.test", "A");
      millis.addAndGet(400_000); // expired
      upstream.mode = FakeUpstream.Mode.DROP;
      String out = Tools.dig(port, "stale.example.test", "A");
      assertTrue(
          out.matches("(?s).*stale\\.example\\.test\\.\\s+30\\s+IN\\s+A\\s+192\\.0\\.2\\.1.*"),
          out);
      assertEquals(1, s.metrics().staleAnswers());
      // without any cached answer: SERVFAIL
      assertEquals("SERVFAIL", Tools.status(Tools.dig(port, "new.example.test", "A")));
      upstream.mode = FakeUpstream.Mode.SERVFAIL;
      assertEquals("SERVFAIL", Tools.status(Tools.dig(port, "other.example.test", "A")));
    }
  }

  @Test
  void retriesOverTcpWhenTheUpstreamTruncates() {
    upstream.mode = FakeUpstream.Mode.TRUNCATE_UDP;
    upstream.records = 40;
    try (DnsServer s = server().upstream(upstream.address()).build()) {
      s.start();
      int port = s.localAddress().getPort();
      String out = Tools.dig(port, "many.example.test", "A");
      assertEquals(40, Tools.answers(out).size(), out);
      assertEquals(1, upstream.tcpQueries.get());
      // the same answer to a client without EDNS is truncated for that client
      String small = Tools.dig(port, "+noedns", "+ignore", "many.example.test", "A");
      assertTrue(small.contains(" tc"), small);
    }
  }

  @Test
  void failsOverToAHealthyUpstreamAndTracksHealth() throws Exception {
    try (FakeUpstream dead = new FakeUpstream()) {
      dead.mode = FakeUpstream.Mode.DROP;
      try (DnsServer s = server().upstream(dead.address()).upstream(upstream.address()).build()) {
        s.start();
        int port = s.localAddress().getPort();
        for (int i = 0; i < 4; i++) {
          String out = Tools.dig(port, "n" + i + ".example.test", "A");
          assertEquals("NOERROR", Tools.status(out), out);
        }
        List<UpstreamHealth> health = s.metrics().upstreams();
        assertFalse(health.get(0).healthy());
        assertTrue(health.get(1).healthy());
        assertTrue(health.get(0).failures() >= 2);
        // recovery: the health check probes the failed upstream
        dead.mode = FakeUpstream.Mode.ANSWER;
        for (int i = 0; i < 40 && !s.metrics().upstreams().get(0).healthy(); i++) {
          Thread.sleep(100);
        }
        assertTrue(s.metrics().upstreams().get(0).healthy());
      }
    }
  }

  @Test
  void forwardsReverseNamesOutsideTheCluster() {
    try (DnsServer s = server().upstream(upstream.address()).build()) {
      s.start();
      int port = s.localAddress().getPort();
      String out = Tools.dig(port, "-x", "192.0.2.7");
      assertEquals(List.of("7.2.0.192.in-addr.arpa. PTR host.example."), Tools.answers(out));
      String cluster = Tools.dig(port, "-x", "10.96.0.10");
      assertEquals(
          List.of("10.0.96.10.in-addr.arpa. PTR web.default.svc.cluster.local."),
          Tools.answers(cluster));
    }
    // without upstream, a reverse name outside the cluster is NXDOMAIN
    try (DnsServer s = server().build()) {
      s.start();
      assertEquals(
          "NXDOMAIN", Tools.status(Tools.dig(s.localAddress().getPort(), "-x", "192.0.2.7")));
    }
  }

  @Test
  void refusesClientsOutsideTheAllowedNetworks() {
    try (DnsServer s =
        server()
            .upstream(upstream.address())
            .allowedClients(List.of(Cidr.parse("10.0.0.0/8")))
            .build()) {
      s.start();
      int port = s.localAddress().getPort();
      assertEquals("REFUSED", Tools.status(Tools.dig(port, "www.example.test", "A")));
      assertEquals("REFUSED", Tools.status(Tools.dig(port, "web.default.svc.cluster.local", "A")));
      assertEquals(0, upstream.udpQueries.get());
    }
  }

  @Test
  void chasesExternalNameTargetsUpstreamAndKeepsTheCnameOnFailure() {
    try (DnsServer s = server().upstream(upstream.address()).build()) {
      s.start();
      int port = s.localAddress().getPort();
      String out = Tools.dig(port, "ext.default.svc.cluster.local", "A");
      assertEquals("NOERROR", Tools.status(out));
      assertEquals(
          List.of("example.com. A 192.0.2.1", "ext.default.svc.cluster.local. CNAME example.com."),
          Tools.answers(out));
      upstream.mode = FakeUpstream.Mode.SERVFAIL;
      String kept = Tools.dig(port, "ext.default.svc.cluster.local", "AAAA");
      assertEquals("NOERROR", Tools.status(kept));
      assertEquals(
          List.of("ext.default.svc.cluster.local. CNAME example.com."), Tools.answers(kept));
      // a CNAME query is answered authoritatively, without upstream
      assertTrue(
          Tools.dig(port, "ext.default.svc.cluster.local", "CNAME").contains("flags: qr aa rd"));
    }
  }

  @Test
  void refusesForwardedQueriesBeyondTheConcurrencyLimit() throws Exception {
    upstream.mode = FakeUpstream.Mode.DROP;
    try (DnsServer s =
        server()
            .upstream(upstream.address())
            .forwardTimeout(Duration.ofSeconds(1)) // a wide window for the second query
            .maxConcurrentForwards(1)
            .build()) {
      s.start();
      int port = s.localAddress().getPort();
      Thread waiting = new Thread(() -> Tools.dig(port, "slow.example.test", "A"));
      waiting.start();
      for (int i = 0; i < 50 && upstream.udpQueries.get() == 0; i++) {
        Thread.sleep(10);
      }
      assertEquals("REFUSED", Tools.status(Tools.dig(port, "second.example.test", "A")));
      waiting.join(10_000);
      // once the first has failed, a new query is forwarded again
      upstream.mode = FakeUpstream.Mode.ANSWER;
      assertEquals("NOERROR", Tools.status(Tools.dig(port, "third.example.test", "A")));
    }
  }
}
