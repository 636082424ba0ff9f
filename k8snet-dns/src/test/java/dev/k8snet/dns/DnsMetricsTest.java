package dev.k8snet.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.cluster.ClusterUpdate;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DnsMetricsTest {
  static int status(InetSocketAddress http, String path) throws IOException {
    HttpURLConnection c =
        (HttpURLConnection)
            URI.create("http://127.0.0.1:" + http.getPort() + path).toURL().openConnection();
    try {
      return c.getResponseCode();
    } finally {
      c.disconnect();
    }
  }

  static String body(InetSocketAddress http, String path) throws IOException {
    HttpURLConnection c =
        (HttpURLConnection)
            URI.create("http://127.0.0.1:" + http.getPort() + path).toURL().openConnection();
    try {
      return new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } finally {
      c.disconnect();
    }
  }

  @Test
  void countsQueriesByTypeAndRcodeAndServesHealthReadinessAndMetrics() throws Exception {
    ClusterDns dns = ClusterDns.create(DnsConfig.of("cluster.local"));
    try (DnsServer s =
        DnsServer.builder(dns, new InetSocketAddress("127.0.0.1", 0))
            .eventLoops(1)
            .httpAddress(new InetSocketAddress("127.0.0.1", 0))
            .build()) {
      s.start();
      InetSocketAddress http = s.httpAddress().orElseThrow();
      int port = s.localAddress().getPort();
      assertEquals(200, status(http, "/health"));
      assertEquals(503, status(http, "/ready"));
      assertTrue(s.metrics().recordsVersion().isEmpty());
      dns.onUpdate(ClusterUpdate.between(ClusterState.EMPTY, Fixtures.state()));
      assertEquals(200, status(http, "/ready"));

      Tools.dig(port, "web.default.svc.cluster.local", "A");
      Tools.dig(port, "web.default.svc.cluster.local", "AAAA");
      Tools.dig(port, "nothere.default.svc.cluster.local", "A");
      Tools.dig(port, "example.com", "A");
      Tools.dig(port, "+noedns", "+ignore", "_peer._tcp.db.default.svc.cluster.local", "SRV");
      DnsMetrics m = s.metrics();
      assertEquals(5, m.queries());
      assertEquals(3L, m.queriesByType().get(DnsType.A));
      assertEquals(1L, m.queriesByType().get(DnsType.AAAA));
      assertEquals(3L, m.responsesByRcode().get(DnsRcode.NOERROR));
      assertEquals(1L, m.responsesByRcode().get(DnsRcode.NXDOMAIN));
      assertEquals(1L, m.responsesByRcode().get(DnsRcode.REFUSED));
      assertEquals(5, m.latencyCounts().stream().mapToLong(Long::longValue).sum());
      assertEquals(7, m.recordsVersion().orElseThrow());
      assertTrue(m.lastUpdate().isPresent());
      String text = body(http, "/metrics");
      assertTrue(text.contains("k8snet_dns_queries_total{type=\"A\"} 3"), text);
      assertTrue(text.contains("k8snet_dns_responses_total{rcode=\"NXDOMAIN\"} 1"), text);
      assertTrue(text.contains("k8snet_dns_request_duration_seconds_count 5"), text);
    }
  }

  @Test
  void countsDroppedPackets() throws Exception {
    ClusterDns dns = ClusterDns.create(DnsConfig.of("cluster.local"));
    try (DnsServer s =
            DnsServer.builder(dns, new InetSocketAddress("127.0.0.1", 0)).eventLoops(1).build();
        java.net.DatagramSocket c = new java.net.DatagramSocket()) {
      s.start();
      c.send(new java.net.DatagramPacket(new byte[5], 5, s.localAddress()));
      for (int i = 0; i < 50 && s.metrics().dropped() == 0; i++) {
        Thread.sleep(20);
      }
      assertEquals(1, s.metrics().dropped());
    }
  }
}
