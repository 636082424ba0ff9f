package dev.k8snet.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.IpFamily;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.cluster.ClusterUpdate;
import dev.k8snet.core.model.EndpointSlice;
import dev.k8snet.core.model.KubernetesObject;
import dev.k8snet.core.model.Service;
import dev.k8snet.core.model.ServicePort;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterDnsTest {
  private static final DnsConfig CONFIG =
      DnsConfig.builder("cluster.local").podRecords(PodRecords.VERIFIED).build();

  private static void step(ClusterDns dns, ClusterState[] prev, List<KubernetesObject> objects) {
    ClusterState next = ClusterState.of(prev[0].version() + 1, objects);
    dns.onUpdate(ClusterUpdate.between(prev[0], next));
    prev[0] = next;
    // the incremental index equals a full rebuild of the same snapshot, records and wire answers
    DnsRecords full = DnsRecords.of(next, CONFIG);
    DnsRecords incremental = dns.records().orElseThrow();
    assertEquals(full.records(), incremental.records());
    java.util.Set<String> names = new java.util.TreeSet<>();
    full.records().forEach(r -> names.add(r.name()));
    names.add("nothere.default.svc.cluster.local.");
    for (String n : names) {
      for (int type : new int[] {1, 5, 12, 16, 28, 33, 99}) {
        var q = dev.k8snet.dns.internal.WireName.parse(n);
        var a = full.index().answer(q, type);
        var b = incremental.index().answer(q, type);
        assertEquals(a == null, b == null, n);
        if (a != null) {
          org.junit.jupiter.api.Assertions.assertArrayEquals(a.bytes(), b.bytes(), n + " " + type);
        }
      }
    }
  }

  @Test
  void hasNoRecordsBeforeTheFirstSnapshot() {
    assertTrue(ClusterDns.create(CONFIG).records().isEmpty());
    assertTrue(ClusterDns.create(CONFIG).lastUpdateDuration().isEmpty());
  }

  @Test
  void incrementalUpdatesEqualAFullRebuild() {
    ClusterDns dns = ClusterDns.create(CONFIG);
    ClusterState[] prev = {ClusterState.EMPTY};
    List<KubernetesObject> objects = new ArrayList<>(Fixtures.objects());
    step(dns, prev, objects);
    String name = "db.default.svc.cluster.local";
    assertEquals(
        2, dns.records().orElseThrow().lookup(name, DnsType.A).orElseThrow().answer().size());

    // an endpoint becomes ready
    objects.removeIf(o -> o.metadata().name().equals("db-abc"));
    objects.add(
        Fixtures.slice(
            "default",
            "db",
            "db-abc",
            IpFamily.IPV4,
            List.of(EndpointSlice.Port.of("peer", 7000, Protocol.TCP)),
            Fixtures.ep("10.244.1.5", true, "db-0"),
            Fixtures.ep("10.244.1.7", true, "db-2")));
    step(dns, prev, objects);
    assertEquals(
        DnsRcode.NOERROR,
        dns.records().orElseThrow().lookup("db-2." + name, DnsType.A).orElseThrow().rcode());
    assertEquals(
        DnsRcode.NXDOMAIN,
        dns.records().orElseThrow().lookup("10-244-1-6." + name, DnsType.A).orElseThrow().rcode());

    // a service is added in a new namespace, then the only service of a namespace is removed
    objects.add(
        Service.builder("fresh", "api")
            .clusterIps(Fixtures.ip("10.96.5.5"))
            .port(ServicePort.of("http", Protocol.TCP, 80))
            .build());
    step(dns, prev, objects);
    assertEquals(
        DnsRcode.NOERROR,
        dns.records()
            .orElseThrow()
            .lookup("fresh.svc.cluster.local", DnsType.A)
            .orElseThrow()
            .rcode());
    objects.removeIf(o -> o.metadata().namespace().equals("fresh"));
    step(dns, prev, objects);
    assertEquals(
        DnsRcode.NXDOMAIN,
        dns.records()
            .orElseThrow()
            .lookup("fresh.svc.cluster.local", DnsType.A)
            .orElseThrow()
            .rcode());

    // the target of an ExternalName appears: the CNAME chase follows
    objects.add(Service.builder("default", "nothere").clusterIps(Fixtures.ip("10.96.9.9")).build());
    step(dns, prev, objects);
    DnsAnswer a =
        dns.records()
            .orElseThrow()
            .lookup("dangling.default.svc.cluster.local", DnsType.A)
            .orElseThrow();
    assertEquals(2, a.answer().size());

    // pods come and go (verified pod records)
    objects.removeIf(o -> o.metadata().name().equals("lonely"));
    step(dns, prev, objects);
    assertTrue(dns.lastUpdateDuration().orElseThrow().toNanos() > 0);
  }
}
