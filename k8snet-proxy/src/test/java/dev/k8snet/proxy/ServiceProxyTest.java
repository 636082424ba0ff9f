package dev.k8snet.proxy;

import static dev.k8snet.proxy.Fixtures.port;
import static dev.k8snet.proxy.Fixtures.ready;
import static dev.k8snet.proxy.Fixtures.slice;
import static dev.k8snet.proxy.Fixtures.state;
import static dev.k8snet.proxy.Fixtures.svc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.IpFamily;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.cluster.ClusterListener;
import dev.k8snet.core.cluster.ClusterSource;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.cluster.ClusterUpdate;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** The sync loop: coalescing, partial syncs, retry after a failure, metrics. */
class ServiceProxyTest {
  /** A source the test pushes snapshots into. */
  private static final class PushSource implements ClusterSource {
    private volatile ClusterListener listener;
    private volatile ClusterState current = ClusterState.EMPTY;

    @Override
    public void start(ClusterListener listener) {
      this.listener = listener;
    }

    void push(ClusterState next) {
      ClusterState prev = current;
      current = next;
      listener.onUpdate(ClusterUpdate.between(prev, next));
    }

    @Override
    public ClusterState current() {
      return current;
    }

    @Override
    public void close() {}
  }

  private record Call(List<ServiceTable> tables, boolean full) {}

  private static ClusterState cluster(long version, String endpoint) {
    ClusterState s =
        state(
            svc("ns1", "svc1", "172.30.0.41").port(port("p80", Protocol.TCP, 80, 80, 0)).build(),
            slice("ns1", "svc1", "p80", Protocol.TCP, 80, ready(endpoint, "host1")),
            svc("ns1", "svc2", "172.30.0.42").port(port("p80", Protocol.TCP, 80, 80, 0)).build());
    return ClusterState.of(version, s.objects());
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out");
      }
      Thread.sleep(10);
    }
  }

  @Test
  void coalescesRecomputesOnlyTouchedServicesAndRetriesAfterAFailure() throws Exception {
    List<Call> calls = new CopyOnWriteArrayList<>();
    AtomicInteger failNext = new AtomicInteger();
    ServiceProxy.Programmer programmer =
        (tables, full) -> {
          calls.add(new Call(tables, full));
          if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new IllegalStateException("injected failure");
          }
          return new SyncResult(full, full, 0, 1, 0, 0, 0, 0, 7, 1, Duration.ZERO);
        };
    ProxyConfig config =
        Fixtures.CONFIG.toBuilder()
            .minSyncPeriod(Duration.ofMillis(200))
            .syncPeriod(Duration.ofMinutes(5))
            .build();
    PushSource source = new PushSource();
    try (ServiceProxy proxy =
        ServiceProxy.create(
            source,
            Fixtures.NODE4,
            config,
            List.of(IpFamily.IPV4),
            programmer,
            Optional.empty(),
            Optional.empty(),
            InstantSource.system())) {
      proxy.start();
      source.push(cluster(1, "10.0.1.1"));
      await(() -> proxy.metrics().fullSyncs() == 1);
      assertTrue(calls.get(0).full());
      assertEquals(2, calls.get(0).tables().get(0).ports().size());

      // A burst of endpoint changes within the minimum period: coalesced.
      for (int i = 2; i <= 6; i++) {
        source.push(cluster(i, "10.0.1." + i));
      }
      await(() -> proxy.metrics().partialSyncs() >= 1);
      Thread.sleep(500);
      assertTrue(proxy.metrics().partialSyncs() <= 2, proxy.metrics().toString());
      Call last = calls.get(calls.size() - 1);
      assertEquals(
          "10.0.1.6:80",
          last.tables()
              .get(0)
              .ports()
              .values()
              .iterator()
              .next()
              .clusterEndpoints()
              .get(0)
              .hostPort());
      ServiceTable prev = calls.get(0).tables().get(0);
      assertTrue(
          last.tables().get(0).changedServices(prev).equals(java.util.Set.of("ns1/svc1")),
          "only svc1 changed");

      // A failed sync is retried; the metrics count it.
      failNext.set(1);
      int before = calls.size();
      source.push(cluster(7, "10.0.1.7"));
      await(() -> proxy.metrics().failures() == 1);
      await(() -> calls.size() >= before + 2);
      await(
          () ->
              proxy
                  .tables()
                  .get(0)
                  .ports()
                  .values()
                  .iterator()
                  .next()
                  .clusterEndpoints()
                  .get(0)
                  .hostPort()
                  .equals("10.0.1.7:80"));
      assertEquals(7, proxy.metrics().elements());
    }
  }

  @Test
  void countsLocalPolicyPortsWithoutLocalEndpointsAndMeasuresFromTheSliceTriggerTime()
      throws Exception {
    List<Call> calls = new CopyOnWriteArrayList<>();
    AtomicInteger failNext = new AtomicInteger(1);
    ServiceProxy.Programmer programmer =
        (tables, full) -> {
          calls.add(new Call(tables, full));
          if (calls.size() == 2 && failNext.getAndSet(0) > 0) {
            throw new IllegalStateException("injected failure");
          }
          return new SyncResult(full, false, full ? 2 : 0, 1, 0, 0, 0, 0, 7, 1, Duration.ZERO);
        };
    ProxyConfig config =
        Fixtures.CONFIG.toBuilder()
            .minSyncPeriod(Duration.ofMillis(50))
            .syncPeriod(Duration.ofMinutes(5))
            .build();
    var slice = slice("ns1", "local", "p80", Protocol.TCP, 80, ready("10.0.1.9", "host2"));
    var triggered =
        new dev.k8snet.core.model.EndpointSlice(
            new dev.k8snet.core.model.ObjectMeta(
                "ns1",
                slice.metadata().name(),
                slice.metadata().labels(),
                java.util.Map.of(ServiceProxy.TRIGGER_TIME_ANNOTATION, "2020-01-01T00:00:00Z"),
                "",
                "",
                Optional.empty()),
            slice.addressType(),
            slice.endpoints(),
            slice.ports());
    ClusterState local =
        state(
            svc("ns1", "local", "172.30.0.50")
                .internalTrafficPolicy(dev.k8snet.core.model.TrafficPolicy.LOCAL)
                .port(port("p80", Protocol.TCP, 80, 80, 0))
                .build(),
            triggered,
            svc("ns1", "np", "172.30.0.51")
                .type(dev.k8snet.core.model.ServiceType.NODE_PORT)
                .externalTrafficPolicy(dev.k8snet.core.model.TrafficPolicy.LOCAL)
                .port(port("p80", Protocol.TCP, 80, 80, 3005))
                .build(),
            slice("ns1", "np", "p80", Protocol.TCP, 80, ready("10.0.1.8", "host2")));
    PushSource source = new PushSource();
    try (ServiceProxy proxy =
        ServiceProxy.create(
            source,
            Fixtures.NODE4,
            config,
            List.of(IpFamily.IPV4),
            programmer,
            Optional.empty(),
            Optional.empty(),
            InstantSource.system())) {
      proxy.start();
      source.push(cluster(1, "10.0.1.1"));
      await(() -> proxy.metrics().fullSyncs() == 1);
      source.push(ClusterState.of(2, local.objects()));
      await(() -> proxy.metrics().failures() == 1);
      await(() -> proxy.metrics().fullSyncs() == 2);
      assertTrue(calls.get(2).full(), "the retry after a failure is a full sync");
      ProxyMetrics m = proxy.metrics();
      assertEquals(1, m.noLocalEndpointsInternal(), m.toString());
      assertEquals(1, m.noLocalEndpointsExternal(), m.toString());
      assertEquals(2, m.driftRepairs(), "each full sync repaired something: " + m);
      assertTrue(
          m.lastProgrammingLatency().compareTo(Duration.ofDays(365)) > 0,
          "measured from the EndpointSlice's trigger time: " + m);
    }
  }
}
