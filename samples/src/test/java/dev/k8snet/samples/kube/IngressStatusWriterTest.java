package dev.k8snet.samples.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.k8snet.core.IpAddress;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.manifest.ManifestReader;
import dev.k8snet.proxy.ingress.IngressRoutes;
import dev.k8snet.proxy.ingress.IngressSettings;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** status.loadBalancer of the Ingresses we serve, written on the API server (mock, CRUD mode). */
class IngressStatusWriterTest {
  private static final String CLASS =
      """
      apiVersion: networking.k8s.io/v1
      kind: IngressClass
      metadata: {name: k8snet}
      spec: {controller: k8snet.io/ingress-controller}
      """;

  private static String ingress(String name, String className) {
    return """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: %s, namespace: shop}
        spec:
          ingressClassName: %s
          rules: [{host: shop.example, http: {paths: [{path: /, pathType: Prefix,
            backend: {service: {name: web, port: {number: 80}}}}]}}]
        """
        .formatted(name, className);
  }

  @Test
  void servedIngressesGetTheNodeAddressesAndOthersAreLeftAlone() throws Exception {
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    try (KubernetesClient admin = server.createClient()) {
      String yaml =
          CLASS + "---\n" + ingress("ours", "k8snet") + "---\n" + ingress("theirs", "nginx");
      for (String doc : yaml.split("---\n")) {
        HasMetadata o = admin.getKubernetesSerialization().unmarshal(doc);
        admin.resource(o).create();
      }
      ClusterState state =
          ClusterState.of(1, ManifestReader.create().readString("ingress.yaml", yaml).orThrow());
      IngressRoutes routes = IngressRoutes.compile(state, IngressSettings.DEFAULT);

      new IngressStatusWriter(admin, List.of(IpAddress.parse("192.168.56.11"))).accept(routes);

      Ingress ours = admin.network().v1().ingresses().inNamespace("shop").withName("ours").get();
      assertEquals("192.168.56.11", ours.getStatus().getLoadBalancer().getIngress().get(0).getIp());
      Ingress theirs =
          admin.network().v1().ingresses().inNamespace("shop").withName("theirs").get();
      assertNull(
          theirs.getStatus() == null || theirs.getStatus().getLoadBalancer() == null
              ? null
              : theirs.getStatus().getLoadBalancer().getIngress(),
          "an Ingress of another class keeps its status");
    } finally {
      server.destroy();
    }
  }
}
