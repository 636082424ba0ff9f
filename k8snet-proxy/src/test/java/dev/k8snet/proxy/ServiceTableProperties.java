package dev.k8snet.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.IpAddress;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.EndpointSlice;
import dev.k8snet.core.model.KubernetesObject;
import dev.k8snet.core.model.ServiceType;
import dev.k8snet.core.model.TrafficPolicy;
import dev.k8snet.proxy.internal.NftLayout;
import dev.k8snet.proxy.internal.NftMirror;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of the table and the incremental renderer over small generated clusters: an
 * incremental update equals a rebuild; a chain of incremental plans leaves the mirror exactly where
 * one full plan would; every DNAT destination is a usable endpoint.
 */
class ServiceTableProperties {

  /** One service: type, policies and its endpoints (index, local?, ready, serving, terminating). */
  record Svc(int type, boolean eLocal, boolean iLocal, Protocol protocol, List<int[]> endpoints) {}

  @Provide
  Arbitrary<List<Svc>> clusters() {
    Arbitrary<int[]> ep =
        Combinators.combine(
                Arbitraries.integers().between(1, 6),
                Arbitraries.integers().between(0, 1),
                Arbitraries.integers().between(0, 7))
            .as((ip, local, cond) -> new int[] {ip, local, cond});
    Arbitrary<Svc> svc =
        Combinators.combine(
                Arbitraries.integers().between(0, 2),
                Arbitraries.of(true, false),
                Arbitraries.of(true, false),
                Arbitraries.of(Protocol.TCP, Protocol.UDP, Protocol.SCTP),
                ep.list().ofMaxSize(5))
            .as(Svc::new);
    return svc.list().ofMinSize(1).ofMaxSize(6);
  }

  static ClusterState state(List<Svc> svcs, long version) {
    List<KubernetesObject> o = new ArrayList<>();
    for (int i = 0; i < svcs.size(); i++) {
      Svc s = svcs.get(i);
      ServiceType type = ServiceType.values()[s.type()];
      var b =
          Fixtures.svc("ns", "s" + i, "172.30.0." + (i + 1))
              .type(type)
              .externalTrafficPolicy(s.eLocal() ? TrafficPolicy.LOCAL : TrafficPolicy.CLUSTER)
              .internalTrafficPolicy(s.iLocal() ? TrafficPolicy.LOCAL : TrafficPolicy.CLUSTER)
              .port(
                  Fixtures.port(
                      "p", s.protocol(), 80, 8080, type == ServiceType.CLUSTER_IP ? 0 : 30000 + i));
      if (type == ServiceType.LOAD_BALANCER) {
        b.loadBalancerIngress(
            dev.k8snet.core.model.LoadBalancerIngress.ofIp(IpAddress.parse("1.2.3." + (i + 1))));
      }
      o.add(b.build());
      List<EndpointSlice.Endpoint> eps = new ArrayList<>();
      for (int[] e : s.endpoints()) {
        eps.add(
            Fixtures.ep(
                "10.180." + i + "." + e[0],
                (e[2] & 1) != 0,
                (e[2] & 2) != 0 || (e[2] & 1) != 0,
                (e[2] & 4) != 0,
                e[1] == 1 ? Fixtures.NODE : "other"));
      }
      o.add(
          Fixtures.slice(
              "ns", "s" + i, "p", s.protocol(), 8080, eps.toArray(EndpointSlice.Endpoint[]::new)));
    }
    return ClusterState.of(version, o);
  }

  private static Set<String> services(List<Svc> svcs) {
    Set<String> out = new HashSet<>();
    for (int i = 0; i < svcs.size(); i++) {
      out.add("ns/s" + i);
    }
    return out;
  }

  @Property(tries = 200)
  void incrementalUpdateEqualsRebuild(
      @ForAll("clusters") List<Svc> a, @ForAll("clusters") List<Svc> b) {
    ServiceTable ta = Fixtures.table(state(a, 1));
    ServiceTable tb = Fixtures.table(state(b, 2));
    Set<String> changed = tb.changedServices(ta);
    Set<String> all = services(a);
    all.addAll(services(b));
    ServiceTable updated = ta.update(state(b, 2), all);
    assertEquals(tb.ports(), updated.ports());
    assertEquals(changed, updated.changedServices(ta));
  }

  private static Map<String, Map<String, String>> committed(NftMirror m) {
    Map<String, Map<String, String>> out = new TreeMap<>();
    for (String set : NftLayout.ELEMENT_SETS) {
      out.put(set, new TreeMap<>(m.elements(set)));
    }
    return out;
  }

  @Property(tries = 200)
  void incrementalPlansLeaveTheMirrorWhereAFullPlanWould(
      @ForAll("clusters") List<Svc> a,
      @ForAll("clusters") List<Svc> b,
      @ForAll("clusters") List<Svc> c) {
    NftMirror inc = new NftMirror("t");
    ServiceTable prev = null;
    long v = 1;
    for (List<Svc> step : List.of(a, b, c)) {
      ServiceTable t = Fixtures.table(state(step, v++));
      NftMirror.Plan p = inc.plan(t, prev == null ? Set.of() : t.changedServices(prev), false);
      p.scripts(false, Integer.MAX_VALUE); // renders without failing
      p.commit();
      prev = t;
    }
    NftMirror full = new NftMirror("t");
    full.plan(prev, Set.of(), true).commit();
    assertEquals(committed(full), committed(inc));
    assertEquals(full.chains(), inc.chains());
  }

  @Property(tries = 300)
  void dnatDestinationsAreUsableEndpoints(
      @ForAll("clusters") List<Svc> a, @ForAll("srcs") String src) {
    ServiceTable t = Fixtures.table(state(a, 1));
    for (ServicePortInfo p : t.ports().values()) {
      Set<String> usable = new HashSet<>();
      p.clusterEndpoints().forEach(e -> usable.add(e.hostPort()));
      p.localEndpoints().forEach(e -> usable.add(e.hostPort()));
      List<IpAddress> dsts = new ArrayList<>(List.of(p.clusterIp()));
      dsts.addAll(p.loadBalancerIps());
      for (IpAddress dst : dsts) {
        TraceResult r = t.trace(IpAddress.parse(src), dst, p.port(), p.protocol());
        assertTrue(usable.containsAll(r.destinations()), r + " " + usable);
        for (ServiceEndpoint e : p.clusterEndpoints()) {
          assertTrue(e.ready() || (e.serving() && e.terminating()), e.toString());
        }
      }
    }
  }

  @Provide
  Arbitrary<String> srcs() {
    return Arbitraries.of("10.0.0.2", "192.168.0.2", "203.0.113.9", "10.180.0.1");
  }
}
