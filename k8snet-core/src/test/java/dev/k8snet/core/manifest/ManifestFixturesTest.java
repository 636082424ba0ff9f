package dev.k8snet.core.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.model.AdminNetworkPolicy;
import dev.k8snet.core.model.BaselineAdminNetworkPolicy;
import dev.k8snet.core.model.ClusterNetworkPolicy;
import dev.k8snet.core.model.EndpointSlice;
import dev.k8snet.core.model.Ingress;
import dev.k8snet.core.model.IngressClass;
import dev.k8snet.core.model.KubernetesObject;
import dev.k8snet.core.model.Namespace;
import dev.k8snet.core.model.NetworkPolicy;
import dev.k8snet.core.model.Node;
import dev.k8snet.core.model.Pod;
import dev.k8snet.core.model.PortRef;
import dev.k8snet.core.model.Secret;
import dev.k8snet.core.model.Service;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ManifestFixturesTest {
  private static Path fixture(String name) throws URISyntaxException {
    return Path.of(ManifestFixturesTest.class.getResource("/manifests/" + name).toURI());
  }

  @Test
  void readsAWholeClusterDirectoryWithEveryKind() throws Exception {
    ManifestReader.Result r = ManifestReader.create().failFast().read(fixture("cluster"));
    Map<String, Integer> counts = new TreeMap<>();
    for (KubernetesObject o : r.orThrow()) {
      counts.merge(o.kind(), 1, Integer::sum);
    }
    assertEquals(
        Map.ofEntries(
            Map.entry("AdminNetworkPolicy", 1),
            Map.entry("BaselineAdminNetworkPolicy", 1),
            Map.entry("ClusterNetworkPolicy", 1),
            Map.entry("EndpointSlice", 1),
            Map.entry("Ingress", 1),
            Map.entry("IngressClass", 1),
            Map.entry("Namespace", 2),
            Map.entry("NetworkPolicy", 1),
            Map.entry("Node", 2),
            Map.entry("Pod", 1),
            Map.entry("Secret", 1),
            Map.entry("Service", 1)),
        counts);
    // hidden files and ConfigMap-style ..data directories are skipped: no duplicates, no errors
    assertEquals(1, r.warnings().size(), r.warnings().toString());
    assertTrue(r.warnings().get(0).message().contains("Deployment"));
    assertTrue(r.warnings().get(0).source().endsWith("10-workloads.json"));
    assertEquals(41, r.warnings().get(0).line());

    Service web = r.objects(Service.class).get(0);
    assertEquals(PortRef.named("http"), web.port("http").orElseThrow().targetPort());
    Pod pod = r.objects(Pod.class).get(0);
    EndpointSlice slice = r.objects(EndpointSlice.class).get(0);
    assertEquals(web.ref(), slice.serviceRef().orElseThrow());
    assertEquals(pod.podIps(), slice.endpoints().get(0).addresses());
    assertEquals(
        List.of("node-1", "node-2"),
        r.objects(Node.class).stream().map(n -> n.metadata().name()).toList());
    assertTrue(r.objects(IngressClass.class).get(0).isDefault());
    assertEquals(
        "shop-tls", r.objects(Ingress.class).get(0).tls().get(0).secretName().orElseThrow());
    assertEquals(Secret.TLS_TYPE, r.objects(Secret.class).get(0).type());
    assertEquals(1, r.objects(NetworkPolicy.class).get(0).ingress().size());
    assertEquals(10, r.objects(AdminNetworkPolicy.class).get(0).priority());
    assertEquals(1, r.objects(BaselineAdminNetworkPolicy.class).get(0).ingress().size());
    assertEquals(
        ClusterNetworkPolicy.Tier.ADMIN, r.objects(ClusterNetworkPolicy.class).get(0).tier());
    assertEquals("web", r.objects(Namespace.class).get(0).labels().get("team"));
  }

  @Test
  void readsTheSameObjectsFileByFileInTheGivenOrder() throws URISyntaxException, IOException {
    Path dir = fixture("cluster");
    ManifestReader.Result all = ManifestReader.create().read(dir);
    ManifestReader.Result files =
        ManifestReader.create()
            .read(
                dir.resolve("00-namespaces.yaml"),
                dir.resolve("10-workloads.json"),
                dir.resolve("20-ingress.yml"),
                dir.resolve("policies/admin.yaml"),
                dir.resolve("policies/np.yaml"));
    assertEquals(all.objects(), files.objects());
  }
}
