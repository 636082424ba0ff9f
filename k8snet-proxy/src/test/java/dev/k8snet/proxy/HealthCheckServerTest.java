package dev.k8snet.proxy;

import static dev.k8snet.proxy.Fixtures.ep;
import static dev.k8snet.proxy.Fixtures.ip;
import static dev.k8snet.proxy.Fixtures.port;
import static dev.k8snet.proxy.Fixtures.slice;
import static dev.k8snet.proxy.Fixtures.state;
import static dev.k8snet.proxy.Fixtures.svc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.IpAddress;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.LoadBalancerIngress;
import dev.k8snet.core.model.ServiceType;
import dev.k8snet.core.model.TrafficPolicy;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The healthCheckNodePort listeners on loopback. */
class HealthCheckServerTest {
  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static ServiceTable table(
      int hcPort, dev.k8snet.core.model.EndpointSlice.Endpoint... eps) {
    ClusterState s =
        state(
            svc("ns1", "lb", "172.30.0.41")
                .type(ServiceType.LOAD_BALANCER)
                .externalTrafficPolicy(TrafficPolicy.LOCAL)
                .healthCheckNodePort(hcPort)
                .loadBalancerIngress(LoadBalancerIngress.ofIp(ip("1.2.3.4")))
                .port(port("p80", Protocol.TCP, 80, 80, 3001))
                .build(),
            slice("ns1", "lb", "p80", Protocol.TCP, 80, eps));
    return Fixtures.table(s);
  }

  private static HttpResponse<String> get(int port) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void answersWithTheLocalReadyEndpointCount() throws Exception {
    int hc = freePort();
    try (HealthCheckServer server = HealthCheckServer.create(IpAddress.parse("127.0.0.1"))) {
      server.sync(
          List.of(
              table(
                  hc,
                  ep("10.0.1.1", true, true, false, Fixtures.NODE),
                  ep("10.0.1.2", true, true, false, Fixtures.NODE),
                  ep("10.0.1.3", true, true, false, "other"))));
      assertEquals(Set.of(hc), server.ports());
      HttpResponse<String> r = get(hc);
      assertEquals(200, r.statusCode());
      assertEquals("2", r.headers().firstValue("X-Load-Balancing-Endpoint-Weight").orElseThrow());
      assertEquals(
          "{\"service\": {\"namespace\": \"ns1\", \"name\": \"lb\"}, \"localEndpoints\": 2,"
              + " \"serviceProxyHealthy\": true}",
          r.body());

      // Only a terminating local endpoint left: it does not count.
      server.sync(
          List.of(
              table(
                  hc,
                  ep("10.0.1.1", false, true, true, Fixtures.NODE),
                  ep("10.0.1.3", true, true, false, "other"))));
      r = get(hc);
      assertEquals(503, r.statusCode());
      assertEquals("0", r.headers().firstValue("X-Load-Balancing-Endpoint-Weight").orElseThrow());

      server.sync(List.of(table(hc, ep("10.0.1.1", true, true, false, Fixtures.NODE))));
      server.proxyHealthy(false);
      assertEquals(503, get(hc).statusCode());
      server.proxyHealthy(true);
      assertEquals(200, get(hc).statusCode());

      server.sync(List.of());
      assertEquals(Set.of(), server.ports());
    }
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theNodeHealthEndpointFailsOnceAnUpdateWaitsLongerThanTheTimeout() throws Exception {
    int port = freePort();
    java.util.concurrent.atomic.AtomicReference<java.time.Instant> now =
        new java.util.concurrent.atomic.AtomicReference<>(
            java.time.Instant.parse("2026-01-01T00:00:00Z"));
    try (HealthCheckServer server = HealthCheckServer.create(IpAddress.parse("127.0.0.1"))) {
      server.serveProxyHealth(port, java.time.Duration.ofSeconds(60), now::get);
      assertEquals(200, get(port, "/healthz").statusCode(), "healthy while starting up");
      server.queued(now.get());
      now.set(now.get().plusSeconds(59));
      assertEquals(200, get(port, "/healthz").statusCode(), "an update not late yet");
      now.set(now.get().plusSeconds(2));
      HttpResponse<String> late = get(port, "/healthz");
      assertEquals(503, late.statusCode());
      assertEquals(503, get(port, "/livez").statusCode());
      server.updated(now.get());
      HttpResponse<String> ok = get(port, "/healthz");
      assertEquals(200, ok.statusCode());
      assertEquals(
          "{\"lastUpdated\": \"2026-01-01T00:01:01Z\", \"currentTime\":"
              + " \"2026-01-01T00:01:01Z\", \"nodeEligible\": true}",
          ok.body());
      assertEquals(404, get(port, "/other").statusCode());
      server.nodeEligible(false);
      HttpResponse<String> draining = get(port, "/healthz");
      assertEquals(503, draining.statusCode(), "a node going away is drained");
      assertTrue(draining.body().contains("\"nodeEligible\": false"), draining.body());
      assertEquals(200, get(port, "/livez").statusCode(), "but still alive");
    }
  }
}
