package dev.k8snet.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.cluster.ClusterUpdate;
import dev.k8snet.core.cluster.DirectoryClusterSource;
import dev.k8snet.core.model.EndpointSlice;
import dev.k8snet.core.model.KubernetesObject;
import dev.k8snet.core.model.Service;
import dev.k8snet.core.model.ServicePort;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Service change is answered quickly: in-process update time and end to end from a file. */
class ProgrammingLatencyTest {
  static List<KubernetesObject> cluster(int services) {
    List<KubernetesObject> o = new ArrayList<>();
    for (int i = 0; i < services; i++) {
      String ns = "team-" + (i % 20);
      if (i % 7 == 0) {
        o.add(Fixtures.headless(ns, "hl-" + i, ServicePort.of("peer", Protocol.TCP, 7000)));
        EndpointSlice.Endpoint[] eps = new EndpointSlice.Endpoint[3];
        for (int k = 0; k < 3; k++) {
          eps[k] =
              Fixtures.ep(
                  IpAddress.ofIpv4(0x0AF40000 + i * 4 + k).toString(), true, "hl-" + i + "-" + k);
        }
        o.add(
            Fixtures.slice(
                ns,
                "hl-" + i,
                "hl-" + i + "-a",
                IpFamily.IPV4,
                List.of(EndpointSlice.Port.of("peer", 7000, Protocol.TCP)),
                eps));
      } else {
        o.add(
            Service.builder(ns, "svc-" + i)
                .clusterIps(IpAddress.ofIpv4(0x0A600000 + i))
                .port(ServicePort.of("http", Protocol.TCP, 80))
                .build());
      }
    }
    return o;
  }

  @Test
  void aServiceChangeIsAppliedWellWithin100MillisecondsAtAThousandServices() {
    ClusterDns dns = ClusterDns.create(DnsConfig.of("cluster.local"));
    List<KubernetesObject> objects = cluster(1000);
    ClusterState prev = ClusterState.of(1, objects);
    dns.onUpdate(ClusterUpdate.between(ClusterState.EMPTY, prev));
    long[] nanos = new long[21];
    for (int i = 0; i < nanos.length; i++) {
      List<KubernetesObject> next = new ArrayList<>(objects);
      next.add(
          Service.builder("team-3", "new-" + i)
              .clusterIps(IpAddress.ofIpv4(0x0A610000 + i))
              .build());
      ClusterState state = ClusterState.of(prev.version() + 1, next);
      ClusterUpdate update = ClusterUpdate.between(prev, state);
      long t0 = System.nanoTime();
      dns.onUpdate(update);
      nanos[i] = System.nanoTime() - t0;
      prev = state;
      assertEquals(
          DnsRcode.NOERROR,
          dns.records()
              .orElseThrow()
              .lookup("new-" + i + ".team-3.svc.cluster.local", DnsType.A)
              .orElseThrow()
              .rcode());
    }
    Arrays.sort(nanos);
    long median = nanos[nanos.length / 2];
    assertTrue(median < 100_000_000L, "median update " + median / 1000 + " µs");
  }

  @Test
  void aManifestWrittenToAWatchedDirectoryIsAnsweredWithinASecond(@TempDir Path dir)
      throws Exception {
    Files.writeString(
        dir.resolve("a.yaml"),
        "apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: default}\n"
            + "spec: {clusterIP: 10.96.1.1, ports: [{port: 80}]}\n",
        StandardCharsets.UTF_8);
    ClusterDns dns = ClusterDns.create(DnsConfig.of("cluster.local"));
    try (DirectoryClusterSource source =
            DirectoryClusterSource.builder(dir).debounce(Duration.ofMillis(50)).build();
        DnsServer server =
            DnsServer.builder(dns, new InetSocketAddress("127.0.0.1", 0)).eventLoops(1).build()) {
      source.start(dns);
      server.start();
      int port = server.localAddress().getPort();
      assertEquals("NOERROR", Tools.status(Tools.dig(port, "a.default.svc.cluster.local", "A")));
      long t0 = System.nanoTime();
      Files.writeString(
          dir.resolve("b.yaml"),
          "apiVersion: v1\nkind: Service\nmetadata: {name: b, namespace: default}\n"
              + "spec: {clusterIP: 10.96.1.2, ports: [{port: 80}]}\n",
          StandardCharsets.UTF_8);
      String status = "";
      while (System.nanoTime() - t0 < 3_000_000_000L) {
        status = Tools.status(Tools.dig(port, "b.default.svc.cluster.local", "A"));
        if (status.equals("NOERROR")) {
          break;
        }
        Thread.sleep(20);
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertEquals("NOERROR", status);
      assertTrue(ms < 1000, "answered after " + ms + " ms");
    }
  }
}
