package dev.k8snet.core.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.IpAddress;
import dev.k8snet.core.manifest.ManifestReader;
import dev.k8snet.core.model.EndpointSlice;
import dev.k8snet.core.model.KubernetesObject;
import dev.k8snet.core.model.LabelSelector;
import dev.k8snet.core.model.ObjectRef;
import dev.k8snet.core.model.Pod;
import dev.k8snet.core.model.Service;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterStateTest {
  private static final String CLUSTER =
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: shop, labels: {team: a}}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web-1, namespace: shop, labels: {app: web, tier: front}}
      spec: {nodeName: n1, containers: [{name: c, image: x}]}
      status: {phase: Running, podIP: 10.244.1.5, podIPs: [{ip: 10.244.1.5}, {ip: "fd00::5"}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web-2, namespace: shop, labels: {app: web, tier: back}}
      spec: {nodeName: n2, containers: [{name: c, image: x}]}
      status: {phase: Running, podIP: 10.244.2.5}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: db, namespace: other, labels: {app: web}}
      spec: {nodeName: n2, containers: [{name: c, image: x}]}
      status: {phase: Running, podIP: 10.244.2.9}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: host, namespace: shop, labels: {app: web}}
      spec: {nodeName: n2, hostNetwork: true, containers: [{name: c, image: x}]}
      status: {phase: Running, podIP: 192.168.0.2}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: done, namespace: shop}
      spec: {nodeName: n2, containers: [{name: c, image: x}]}
      status: {phase: Succeeded, podIP: 10.244.2.10}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: shop}
      spec: {clusterIP: 10.96.0.10, selector: {app: web}, ports: [{port: 80}]}
      ---
      apiVersion: discovery.k8s.io/v1
      kind: EndpointSlice
      metadata: {name: web-abc, namespace: shop, labels: {kubernetes.io/service-name: web}}
      addressType: IPv4
      endpoints: [{addresses: [10.244.1.5]}]
      ports: [{port: 8080}]
      """;

  private static ClusterState state() {
    return ClusterState.of(
        1, ManifestReader.create().readString("cluster.yaml", CLUSTER).orThrow());
  }

  @Test
  void findsPodsByEachOfTheirIps() {
    ClusterState s = state();
    assertEquals("web-1", s.podByIp(IpAddress.parse("10.244.1.5")).orElseThrow().metadata().name());
    assertEquals("web-1", s.podByIp(IpAddress.parse("fd00::5")).orElseThrow().metadata().name());
    assertEquals("db", s.podByIp(IpAddress.parse("10.244.2.9")).orElseThrow().metadata().name());
  }

  @Test
  void doesNotFindHostNetworkOrFinishedPodsByIp() {
    ClusterState s = state();
    assertEquals(Optional.empty(), s.podByIp(IpAddress.parse("192.168.0.2")));
    assertEquals(Optional.empty(), s.podByIp(IpAddress.parse("10.244.2.10")));
  }

  @Test
  void selectsPodsWithinOneNamespaceByLabels() {
    ClusterState s = state();
    assertEquals(
        List.of("host", "web-1", "web-2"), names(s.pods("shop", LabelSelector.parse("app=web"))));
    assertEquals(
        List.of("web-1"), names(s.pods("shop", LabelSelector.parse("app=web,tier=front"))));
    assertEquals(
        List.of("done", "host", "web-2"),
        names(s.pods("shop", LabelSelector.parse("tier notin (front)"))),
        "NotIn also selects pods without the label");
    assertEquals(List.of("db"), names(s.pods("other", LabelSelector.EVERYTHING)));
    assertEquals(List.of(), names(s.pods("nowhere", LabelSelector.EVERYTHING)));
  }

  @Test
  void findsEndpointSlicesOfAServiceByTheServiceNameLabel() {
    ClusterState s = state();
    assertEquals(
        List.of("web-abc"),
        s.endpointSlices("shop", "web").stream().map(e -> e.metadata().name()).toList());
    assertEquals(List.of(), s.endpointSlices("other", "web"));
  }

  @Test
  void looksUpObjectsByTypeNamespaceAndName() {
    ClusterState s = state();
    assertTrue(s.service("shop", "web").isPresent());
    assertTrue(s.get(Service.class, "shop", "web").isPresent());
    assertTrue(s.get(Pod.class, "shop", "web").isEmpty());
    assertTrue(s.namespace("shop").isPresent());
    assertEquals(5, s.pods().size());
    assertEquals(1, s.all(EndpointSlice.class).size());
  }

  @Test
  void reportsAddedModifiedAndDeletedObjectsBetweenSnapshots() {
    ClusterState before = state();
    Pod web1 = before.get(Pod.class, "shop", "web-1").orElseThrow();
    KubernetesObject relabelled =
        ManifestReader.create()
            .readString(
                "x.yaml",
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web-1, namespace: shop, labels: {app: web, tier: edge}}
                spec: {nodeName: n1, containers: [{name: c, image: x}]}
                status: {phase: Running, podIP: 10.244.1.5}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: new}
                """)
            .orThrow()
            .get(0);
    KubernetesObject newNamespace =
        ManifestReader.create()
            .readString(
                "y.yaml",
                "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"new\"}}")
            .orThrow()
            .get(0);
    ClusterState after =
        before.with(
            2, List.of(relabelled, newNamespace), List.of(new ObjectRef("Pod", "other", "db")));

    List<ClusterChange> changes = after.changesSince(before);

    assertEquals(
        List.of("ADDED Namespace new", "DELETED Pod other/db", "MODIFIED Pod shop/web-1"),
        changes.stream().map(ClusterChange::toString).toList());
    assertEquals(Optional.of(web1), changes.get(2).before());
    assertEquals(List.of(), after.changesSince(after));
    assertEquals(before.size() + 1 - 1, after.size());
  }

  @Test
  void rejectsVersionsThatDoNotIncrease() {
    ClusterState s = state();
    assertThrows(IllegalArgumentException.class, () -> s.with(1, List.of(), List.of()));
    assertThrows(IllegalArgumentException.class, () -> ClusterState.of(0, List.of()));
  }

  private static List<String> names(List<Pod> pods) {
    return pods.stream().map(p -> p.metadata().name()).toList();
  }
}
