package dev.k8snet.core.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.model.KubernetesObject;
import dev.k8snet.core.model.Namespace;
import dev.k8snet.core.model.Pod;
import dev.k8snet.core.model.Service;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestReaderTest {
  private static final String NS_A =
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: a
      """;

  private static ManifestReader.Result read(String text) {
    return ManifestReader.create().readString("test.yaml", text);
  }

  private static List<String> refs(ManifestReader.Result r) {
    return r.objects().stream().map(o -> o.ref().toString()).toList();
  }

  @Test
  void readsMultiDocumentYamlInOrderIgnoringEmptyDocuments() {
    ManifestReader.Result r =
        read(
            """
            ---
            # only a comment
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: b}
            ---
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: a}
            ...
            """);
    assertEquals(List.of("Namespace b", "Namespace a"), refs(r));
    assertTrue(r.isValid());
    assertTrue(r.warnings().isEmpty(), r.warnings().toString());
  }

  @Test
  void expandsKindList() {
    ManifestReader.Result r =
        read(
            """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: Namespace
              metadata: {name: x}
            - apiVersion: v1
              kind: Pod
              metadata: {name: p, namespace: x}
            """);
    assertEquals(List.of("Namespace x", "Pod x/p"), refs(r));
  }

  @Test
  void expandsTypedListsWhoseItemsOmitKindAndApiVersion() {
    ManifestReader.Result r =
        read(
            """
            apiVersion: v1
            kind: NamespaceList
            items:
            - metadata: {name: x}
            - metadata: {name: y}
            """);
    assertEquals(List.of("Namespace x", "Namespace y"), refs(r));
  }

  @Test
  void readsJsonText() {
    ManifestReader.Result r =
        read(
            """
            {"apiVersion": "v1", "kind": "List", "items": [
              {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "j"}}]}
            """);
    assertEquals(List.of("Namespace j"), refs(r));
  }

  @Test
  void skipsUnknownKindsAndApiVersionsWithAWarningNamingFileAndLine() {
    ManifestReader.Result r =
        read(
            NS_A
                + """
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d}
                ---
                apiVersion: networking.k8s.io/v1beta1
                kind: Ingress
                metadata: {name: i}
                """);
    assertEquals(List.of("Namespace a"), refs(r));
    assertEquals(2, r.warnings().size());
    assertEquals(
        "test.yaml:6: skipped Deployment (apps/v1): kind not used", r.warnings().get(0).toString());
    assertEquals(10, r.warnings().get(1).line());
    assertTrue(r.warnings().get(1).message().contains("unsupported apiVersion"));
  }

  @Test
  void lenientModeKeepsTheValidObjectsAndCollectsTheError() {
    ManifestReader.Result r =
        read(
            NS_A
                + """
                ---
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: Bad_Name
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: c}
                """);
    assertEquals(List.of("Namespace a", "Namespace c"), refs(r));
    assertEquals(1, r.errors().size());
    ManifestException e = r.errors().get(0);
    assertEquals(9, e.line());
    assertEquals("metadata.name", e.field());
    assertEquals("Bad_Name", e.value().orElseThrow());
    assertTrue(
        e.getMessage()
            .startsWith(
                "test.yaml:9: Namespace Bad_Name: metadata.name: Invalid value: \"Bad_Name\": "),
        e.getMessage());
    ManifestException thrown = assertThrows(ManifestException.class, r::orThrow);
    assertEquals(e, thrown);
  }

  @Test
  void failFastThrowsAtTheFirstInvalidObject() {
    ManifestException e =
        assertThrows(
            ManifestException.class,
            () ->
                ManifestReader.create()
                    .failFast()
                    .readString(
                        "f.yaml",
                        """
                        apiVersion: v1
                        kind: Namespace
                        metadata: {}
                        """));
    assertEquals("metadata.name", e.field());
    assertEquals(ManifestException.Reason.REQUIRED, e.reason());
    assertEquals(
        "f.yaml:3: Namespace: metadata.name: Required value: name or generateName is required",
        e.getMessage());
  }

  @Test
  void reportsSyntaxErrorsWithTheirLine() {
    ManifestReader.Result r =
        read(
            """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: [unclosed
            """);
    assertEquals(1, r.errors().size());
    assertEquals(ManifestException.Reason.SYNTAX, r.errors().get(0).reason());
    assertTrue(r.errors().get(0).line() >= 4, r.errors().get(0).getMessage());
  }

  @Test
  void keepsTheDocumentsBeforeASyntaxError() {
    ManifestReader.Result r =
        read(
            NS_A
                + """
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: "unterminated
                """);
    assertEquals(List.of("Namespace a"), refs(r));
    assertEquals(1, r.errors().size());
    assertEquals(ManifestException.Reason.SYNTAX, r.errors().get(0).reason());
    assertTrue(
        r.errors().get(0).getMessage().startsWith("test.yaml:"), r.errors().get(0).getMessage());
  }

  @Test
  void resolvesYamlAnchorsAndAliasesOfMapsAndLists() {
    ManifestReader.Result r =
        read(
            """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: a
              labels: &common {team: web, tier: front}
            ---
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: Namespace
              metadata: &meta
                name: b
                labels: {team: ops}
            - apiVersion: v1
              kind: Node
              metadata: *meta
            """);
    assertTrue(r.isValid(), r.errors().toString());
    assertEquals("front", ((Namespace) r.objects().get(0)).labels().get("tier"));
    assertEquals(List.of("Namespace a", "Namespace b", "Node b"), refs(r));
  }

  @Test
  void reportsScalarAliasesAsUnsupportedInsteadOfMisreadingThem() {
    // the YAML parser does not expose anchors on scalars; an alias to one must not become its name
    ManifestReader.Result r =
        read("apiVersion: v1\nkind: Namespace\nmetadata: {name: &n a, labels: {x: *n}}\n");
    assertEquals(ManifestException.Reason.SYNTAX, r.errors().get(0).reason());
    assertTrue(r.errors().get(0).getMessage().contains("unknown anchor \"n\""));
    assertTrue(r.objects().isEmpty());
  }

  @Test
  void readsYamlOneOneBooleansAsBooleansLikeTheApiServer() {
    ManifestException e =
        read("apiVersion: v1\nkind: Namespace\nmetadata: {name: a, labels: {enabled: yes}}\n")
            .errors()
            .get(0);
    assertEquals("metadata.labels.enabled", e.field());
    assertTrue(e.getMessage().contains("must be a string"), e.getMessage());
  }

  @Test
  void rejectsDuplicateKeysAsTheApiServerDecoderDoes() {
    ManifestReader.Result r =
        read(
            """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: a
              name: b
            """);
    assertEquals(5, r.errors().get(0).line());
    assertTrue(r.errors().get(0).getMessage().contains("\"name\" already defined"));
  }

  @Test
  void requiresKindAndApiVersion() {
    ManifestReader.Result r = read("metadata: {name: a}\n");
    assertEquals("kind", r.errors().get(0).field());
    r = read("kind: Namespace\nmetadata: {name: a}\n");
    assertEquals("apiVersion", r.errors().get(0).field());
  }

  @Test
  void laterDuplicateObjectReplacesTheEarlierWithAWarning() {
    ManifestReader.Result r =
        read(
            """
            apiVersion: v1
            kind: Namespace
            metadata: {name: a, labels: {v: "1"}}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: a, labels: {v: "2"}}
            """);
    assertEquals(1, r.objects().size());
    assertEquals("2", ((Namespace) r.objects().get(0)).labels().get("v"));
    assertEquals(1, r.warnings().size());
  }

  @Test
  void readsDirectoriesRecursivelyInPathOrderOnlyManifestFiles(@TempDir Path dir)
      throws IOException {
    Files.createDirectories(dir.resolve("sub"));
    write(dir.resolve("b.yaml"), NS_A.replace("name: a", "name: b"));
    write(dir.resolve("a.yml"), NS_A);
    write(
        dir.resolve("sub/c.json"),
        "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"c\"}}");
    write(dir.resolve("README.md"), "not a manifest");
    ManifestReader.Result r = ManifestReader.create().read(dir);
    assertEquals(List.of("Namespace a", "Namespace b", "Namespace c"), refs(r));
  }

  @Test
  void namesTheFileInErrorsFromDirectories(@TempDir Path dir) throws IOException {
    Path bad = dir.resolve("bad.json");
    write(
        bad,
        "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Pod\",\n  \"metadata\": {\"name\": \"UPPER\"}\n}");
    write(dir.resolve("good.yaml"), NS_A);
    ManifestReader.Result r = ManifestReader.create().read(dir);
    assertEquals(List.of("Namespace a"), refs(r));
    ManifestException e = r.errors().get(0);
    assertEquals(bad.toString(), e.source());
    assertEquals(4, e.line());
    assertTrue(e.getMessage().startsWith(bad + ":4: Pod default/UPPER: metadata.name"));
  }

  @Test
  void appliesDefaultNamespaceToNamespacedKindsOnly() {
    ManifestReader.Result r =
        read(
            NS_A
                + """
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                """);
    List<KubernetesObject> objects = r.orThrow();
    assertEquals("", objects.get(0).metadata().namespace());
    assertEquals("default", objects.get(1).metadata().namespace());
    assertEquals(1, r.objects(Pod.class).size());
    assertFalse(r.objects(Service.class).iterator().hasNext());
  }

  @Test
  void validatesLabelsWithTheirLine() {
    ManifestReader.Result r =
        read(
            """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: a
              labels:
                ok: fine
                "bad key!": x
            """);
    ManifestException e = r.errors().get(0);
    assertEquals("metadata.labels", e.field());
    assertEquals("bad key!", e.value().orElseThrow());
    assertEquals(7, e.line());
  }

  private static void write(Path p, String text) throws IOException {
    Files.writeString(p, text, StandardCharsets.UTF_8);
  }
}
