package dev.k8snet.core.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.KubernetesObject;
import dev.k8snet.testkit.Manifests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** Whole generated clusters read back equal in every form the reader accepts. */
class ManifestReaderProperties {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Property(tries = 40)
  void aJsonListReadsBackTheCluster(@ForAll ClusterState cluster) throws IOException {
    List<Object> items = new ArrayList<>();
    cluster.objects().forEach(o -> items.add(Manifests.toTree(o)));
    Map<String, Object> list = new LinkedHashMap<>();
    list.put("apiVersion", "v1");
    list.put("kind", "List");
    list.put("items", items);
    String json = JSON.writeValueAsString(list);
    ManifestReader.Result result = ManifestReader.create().readString("cluster.json", json);
    assertTrue(result.errors().isEmpty(), () -> result.errors().toString());
    assertEquals(cluster, ClusterState.of(1, result.objects()));
  }

  @Property(tries = 20)
  void aDirectoryOfYamlAndJsonFilesReadsBackTheCluster(@ForAll ClusterState cluster)
      throws IOException {
    Path dir = Files.createTempDirectory("k8snet-manifests");
    try {
      int i = 0;
      for (KubernetesObject o : cluster.objects()) {
        Path sub = dir.resolve(o.kind().toLowerCase(java.util.Locale.ROOT));
        Files.createDirectories(sub);
        String text =
            i % 2 == 0 ? Manifests.toYaml(o) : JSON.writeValueAsString(Manifests.toTree(o));
        Files.writeString(
            sub.resolve(i + (i % 2 == 0 ? ".yaml" : ".json")), text, StandardCharsets.UTF_8);
        i++;
      }
      ManifestReader.Result result = ManifestReader.create().read(dir);
      assertTrue(result.errors().isEmpty(), () -> result.errors().toString());
      assertEquals(cluster, ClusterState.of(1, result.objects()));
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }
}
