package dev.k8snet.core.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.IpAddress;
import dev.k8snet.core.model.AdminNetworkPolicy;
import dev.k8snet.core.model.BaselineAdminNetworkPolicy;
import dev.k8snet.core.model.EndpointSlice;
import dev.k8snet.core.model.Ingress;
import dev.k8snet.core.model.KubernetesObject;
import dev.k8snet.core.model.LabelSelector;
import dev.k8snet.core.model.Namespace;
import dev.k8snet.core.model.NetworkPolicy;
import dev.k8snet.core.model.Node;
import dev.k8snet.core.model.ObjectMeta;
import dev.k8snet.core.model.ObjectRef;
import dev.k8snet.core.model.Pod;
import dev.k8snet.core.model.Service;
import dev.k8snet.testkit.ClusterArbitraries;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** ClusterState's indexes agree with direct scans over its objects; changes are exact. */
class ClusterStateProperties {

  @Property(tries = 100)
  void podByIpFindsEveryRunningPodOffTheHostNetwork(@ForAll ClusterState cluster) {
    for (Pod pod : cluster.pods()) {
      if (pod.hostNetwork() || pod.phase() != Pod.Phase.RUNNING) {
        continue;
      }
      for (IpAddress ip : pod.podIps()) {
        assertEquals(Optional.of(pod), cluster.podByIp(ip), ip::toString);
      }
    }
  }

  @Property(tries = 100)
  void podsBySelectorAgreesWithAFilterOverAllPods(
      @ForAll ClusterState cluster, @ForAll("selectors") List<LabelSelector> selectors) {
    List<LabelSelector> all = new ArrayList<>(selectors);
    for (Pod p : cluster.pods()) {
      all.add(LabelSelector.of(p.metadata().labels()));
    }
    Set<String> namespaces = new TreeSet<>();
    cluster.pods().forEach(p -> namespaces.add(p.metadata().namespace()));
    namespaces.add("absent");
    for (String ns : namespaces) {
      for (LabelSelector s : all) {
        List<Pod> expected =
            cluster.pods().stream()
                .filter(p -> p.metadata().namespace().equals(ns))
                .filter(p -> s.matches(p.metadata().labels()))
                .toList();
        assertEquals(Set.copyOf(expected), Set.copyOf(cluster.pods(ns, s)), () -> ns + " " + s);
        assertEquals(expected.size(), cluster.pods(ns, s).size());
      }
    }
  }

  @Property(tries = 100)
  void lookupsAgreeWithAScanOverAllObjects(@ForAll ClusterState cluster) {
    for (KubernetesObject o : cluster.objects()) {
      ObjectMeta m = o.metadata();
      assertEquals(Optional.of(o), cluster.get(o.ref()));
      assertEquals(Optional.of(o), cluster.get(o.getClass(), m.namespace(), m.name()));
    }
    cluster
        .namespaces()
        .forEach(n -> assertEquals(Optional.of(n), cluster.namespace(n.metadata().name())));
    cluster.nodes().forEach(n -> assertEquals(Optional.of(n), cluster.node(n.metadata().name())));
    for (Service s : cluster.services()) {
      String ns = s.metadata().namespace();
      String name = s.metadata().name();
      assertEquals(Optional.of(s), cluster.service(ns, name));
      List<EndpointSlice> expected =
          cluster.all(EndpointSlice.class).stream()
              .filter(e -> e.metadata().namespace().equals(ns))
              .filter(e -> name.equals(e.metadata().labels().get(EndpointSlice.SERVICE_NAME_LABEL)))
              .toList();
      assertEquals(expected, cluster.endpointSlices(ns, name));
    }
    int total = 0;
    for (Class<? extends KubernetesObject> type :
        List.of(
            Namespace.class,
            Node.class,
            Pod.class,
            Service.class,
            EndpointSlice.class,
            NetworkPolicy.class,
            Ingress.class,
            AdminNetworkPolicy.class,
            BaselineAdminNetworkPolicy.class)) {
      total += cluster.all(type).size();
    }
    assertEquals(cluster.size(), total);
    assertEquals(cluster.objects().size(), cluster.size());
  }

  @Provide
  Arbitrary<List<LabelSelector>> selectors() {
    return dev.k8snet.testkit.K8snetArbitraries.labelSelectors().list().ofMaxSize(4);
  }

  @Property(tries = 100)
  void changesSinceReportsExactlyTheDifferingRefs(
      @ForAll ClusterState older, @ForAll("newer") ClusterState newer) {
    Map<ObjectRef, KubernetesObject> before = index(older);
    Map<ObjectRef, KubernetesObject> after = index(newer);
    Set<ObjectRef> expected = new TreeSet<>();
    Set<ObjectRef> refs = new TreeSet<>(before.keySet());
    refs.addAll(after.keySet());
    for (ObjectRef ref : refs) {
      if (!java.util.Objects.equals(before.get(ref), after.get(ref))) {
        expected.add(ref);
      }
    }
    List<ClusterChange> changes = newer.changesSince(older);
    Set<ObjectRef> reported = new TreeSet<>();
    List<KubernetesObject> upserts = new ArrayList<>();
    List<ObjectRef> deletions = new ArrayList<>();
    for (ClusterChange c : changes) {
      assertTrue(reported.add(c.ref()), () -> "reported twice: " + c.ref());
      assertEquals(Optional.ofNullable(before.get(c.ref())), c.before());
      assertEquals(Optional.ofNullable(after.get(c.ref())), c.after());
      ClusterChange.Type type =
          c.before().isEmpty()
              ? ClusterChange.Type.ADDED
              : c.after().isEmpty() ? ClusterChange.Type.DELETED : ClusterChange.Type.MODIFIED;
      assertEquals(type, c.type());
      c.after().ifPresentOrElse(upserts::add, () -> deletions.add(c.ref()));
    }
    assertEquals(expected, reported);
    ClusterState replayed = older.with(2, upserts, deletions);
    assertEquals(index(newer), index(replayed));
  }

  /** A second cluster: often a variation of the same names, so that objects get modified. */
  @Provide
  Arbitrary<ClusterState> newer() {
    return ClusterArbitraries.clusters();
  }

  private static Map<ObjectRef, KubernetesObject> index(ClusterState s) {
    Map<ObjectRef, KubernetesObject> m = new TreeMap<>();
    s.objects().forEach(o -> m.put(o.ref(), o));
    return m;
  }
}
