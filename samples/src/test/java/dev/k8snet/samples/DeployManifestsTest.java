package dev.k8snet.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.k8snet.proxy.KubeProxyConfiguration;
import dev.k8snet.samples.kube.KubeKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code samples/deploy/}: the YAML parses, and its parts agree with each other and the code. */
class DeployManifestsTest {
  private static final Path DEPLOY = Path.of("deploy");

  @TempDir Path tmp;

  private static List<JsonNode> objects() throws IOException {
    List<JsonNode> out = new ArrayList<>();
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    List<Path> files;
    try (Stream<Path> s = Files.list(DEPLOY)) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertEquals(3, files.size(), files.toString());
    for (Path f : files) {
      try (MappingIterator<JsonNode> it =
          yaml.readerFor(JsonNode.class).readValues(Files.readString(f, StandardCharsets.UTF_8))) {
        while (it.hasNext()) {
          JsonNode n = it.next();
          if (n != null && !n.isEmpty()) {
            out.add(n);
          }
        }
      }
    }
    return out;
  }

  private static JsonNode only(List<JsonNode> objects, String kind) {
    List<JsonNode> found =
        objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
    assertEquals(1, found.size(), kind);
    return found.get(0);
  }

  @Test
  void everyFileParsesIntoTheExpectedObjects() throws IOException {
    List<String> kinds = objects().stream().map(o -> o.path("kind").asText()).sorted().toList();
    assertEquals(
        List.of("ClusterRole", "ClusterRoleBinding", "ConfigMap", "DaemonSet", "ServiceAccount"),
        kinds);
  }

  @Test
  void theConfigMapHoldsAValidNodeAndKubeProxyConfiguration() throws IOException {
    JsonNode data = only(objects(), "ConfigMap").path("data");
    Path node = tmp.resolve("node.yaml");
    Files.writeString(node, data.path("node.yaml").asText(), StandardCharsets.UTF_8);
    NodeConfig c = NodeConfig.read(node);
    assertTrue(c.inCluster);
    assertEquals("169.254.20.10:53", c.dnsListen);
    assertEquals(Path.of("/etc/k8snet/kube-proxy.yaml"), c.proxyConfig);
    assertEquals(Path.of("/etc/k8snet/net-conf.json"), c.networkConfig);
    assertEquals("0.0.0.0:80", c.ingressListen);
    assertEquals(
        java.util.EnumSet.allOf(dev.k8snet.proxy.ingress.ForwardedHeader.class),
        c.ingressForwardedHeaders);
    Path netConf = tmp.resolve("net-conf.json");
    Files.writeString(netConf, data.path("net-conf.json").asText(), StandardCharsets.UTF_8);
    assertEquals(
        dev.k8snet.cni.network.BackendType.VXLAN,
        dev.k8snet.cni.network.NetConf.read(netConf).backend().type());
    KubeProxyConfiguration.parse(data.path("kube-proxy.yaml").asText(), Optional.empty());
  }

  @Test
  void theDaemonSetRunsTheNodeWithTheMountedConfigAndProbesItsHttpEndpoint() throws IOException {
    List<JsonNode> objects = objects();
    JsonNode pod = only(objects, "DaemonSet").path("spec").path("template").path("spec");
    assertEquals("k8snet-node", pod.path("serviceAccountName").asText());
    assertTrue(pod.path("hostNetwork").asBoolean());
    JsonNode container = pod.path("containers").get(0);
    List<String> args = new ArrayList<>();
    container.path("args").forEach(a -> args.add(a.asText()));
    assertEquals("node", args.get(0));
    assertTrue(args.contains("--config=/etc/k8snet/node.yaml"), args.toString());
    JsonNode mount = container.path("volumeMounts").get(0);
    assertEquals("/etc/k8snet", mount.path("mountPath").asText());
    assertEquals("/readyz", container.path("readinessProbe").path("httpGet").path("path").asText());
    assertEquals("/healthz", container.path("livenessProbe").path("httpGet").path("path").asText());
    assertEquals(10290, container.path("readinessProbe").path("httpGet").path("port").asInt());
    assertEquals(
        only(objects, "ServiceAccount").path("metadata").path("name").asText(),
        only(objects, "ClusterRoleBinding").path("subjects").get(0).path("name").asText());
  }

  @Test
  void theClusterRoleGrantsListAndWatchOfEveryWatchedKindAndNothingElseButIngressStatus()
      throws IOException {
    Set<String> listWatch = new HashSet<>();
    Set<String> other = new HashSet<>();
    for (JsonNode rule : only(objects(), "ClusterRole").path("rules")) {
      List<String> verbs = new ArrayList<>();
      rule.path("verbs").forEach(v -> verbs.add(v.asText()));
      for (JsonNode group : rule.path("apiGroups")) {
        for (JsonNode resource : rule.path("resources")) {
          String key = group.asText() + "/" + resource.asText();
          if (verbs.equals(List.of("list", "watch"))) {
            listWatch.add(key);
          } else {
            other.add(key + " " + verbs);
          }
        }
      }
    }
    Set<String> watched = new HashSet<>();
    for (KubeKind k : KubeKind.NODE_STACK) {
      String group = k.apiVersion().contains("/") ? k.apiVersion().split("/")[0] : "";
      watched.add(group + "/" + k.plural());
    }
    assertEquals(watched, listWatch);
    assertEquals(Set.of("networking.k8s.io/ingresses/status [patch]"), other);
  }
}
