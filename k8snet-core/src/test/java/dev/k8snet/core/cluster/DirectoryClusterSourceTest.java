package dev.k8snet.core.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.K8snetException;
import dev.k8snet.core.manifest.ManifestException;
import dev.k8snet.core.model.Service;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryClusterSourceTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;

  private final BlockingQueue<ClusterUpdate> updates = new LinkedBlockingQueue<>();
  private final BlockingQueue<K8snetException> errors = new LinkedBlockingQueue<>();
  private final ClusterListener listener =
      new ClusterListener() {
        @Override
        public void onUpdate(ClusterUpdate update) {
          updates.add(update);
        }

        @Override
        public void onError(K8snetException error) {
          errors.add(error);
        }
      };

  private static String service(String name, int port) {
    return """
        apiVersion: v1
        kind: Service
        metadata: {name: %s, namespace: default}
        spec: {selector: {app: %s}, ports: [{port: %d}]}
        """
        .formatted(name, name, port);
  }

  private void write(String relative, String text) throws IOException {
    Path file = dir.resolve(relative);
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private DirectoryClusterSource source() {
    return DirectoryClusterSource.builder(dir)
        .debounce(Duration.ofMillis(50))
        .rescanInterval(Duration.ofMillis(500))
        .build();
  }

  private ClusterUpdate nextUpdate() throws InterruptedException {
    ClusterUpdate u = updates.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertTrue(u != null, "no snapshot within " + WAIT);
    return u;
  }

  @Test
  void deliversTheInitialSnapshotBeforeStartReturns() throws Exception {
    write("a.yaml", service("web", 80));
    write("sub/dir/b.yml", service("api", 8080));
    write("ignored.txt", "not a manifest");
    try (DirectoryClusterSource source = source()) {
      source.start(listener);
      ClusterUpdate first = updates.poll();
      assertTrue(first != null);
      assertEquals(1, first.current().version());
      assertEquals(2, first.changes().size());
      assertEquals(first.current(), source.current());
      assertEquals(
          List.of("api", "web"),
          first.current().all(Service.class).stream().map(s -> s.metadata().name()).toList());
    }
  }

  @Test
  void emitsANewSnapshotWhenAFileChangesIsAddedOrIsRemoved() throws Exception {
    write("a.yaml", service("web", 80));
    try (DirectoryClusterSource source = source()) {
      source.start(listener);
      nextUpdate();

      write("a.yaml", service("web", 81));
      ClusterUpdate modified = nextUpdate();
      assertEquals(List.of("MODIFIED Service default/web"), strings(modified));
      assertEquals(2, modified.current().version());

      write("nested/b.yaml", service("api", 90));
      assertEquals(List.of("ADDED Service default/api"), strings(nextUpdate()));

      Files.delete(dir.resolve("a.yaml"));
      assertEquals(List.of("DELETED Service default/web"), strings(nextUpdate()));
    }
  }

  @Test
  void keepsTheLastGoodContentOfAFileThatBecomesInvalidAndReportsWhere() throws Exception {
    write("a.yaml", service("web", 80));
    write("b.yaml", service("api", 90));
    try (DirectoryClusterSource source = source()) {
      source.start(listener);
      nextUpdate();

      write("a.yaml", service("web", 70000));
      ManifestException error =
          (ManifestException) errors.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertTrue(error != null, "no error reported");
      assertTrue(error.source().endsWith("a.yaml"), error.source());
      assertEquals("spec.ports[0].port", error.field());
      assertEquals(4, error.line());
      write("b.yaml", service("api", 91));
      ClusterUpdate update = nextUpdate();
      assertEquals(List.of("MODIFIED Service default/api"), strings(update));
      assertEquals(
          80, update.current().service("default", "web").orElseThrow().ports().get(0).port());
    }
  }

  @Test
  void emitsNothingWhenAFileIsRewrittenWithEquivalentContent() throws Exception {
    write("a.yaml", service("web", 80));
    try (DirectoryClusterSource source = source()) {
      source.start(listener);
      nextUpdate();
      write("a.yaml", "# a comment\n" + service("web", 80));
      write("b.yaml", service("api", 90));
      assertEquals(List.of("ADDED Service default/api"), strings(nextUpdate()));
      assertEquals(null, updates.poll(1, TimeUnit.SECONDS));
    }
  }

  @Test
  void failsToStartOnAMissingDirectory() {
    DirectoryClusterSource source = DirectoryClusterSource.create(dir.resolve("missing"));
    K8snetException e = assertThrows(K8snetException.class, () -> source.start(listener));
    assertTrue(e.getMessage().contains("missing"), e.getMessage());
    source.close();
  }

  @Test
  void refusesToStartTwice() throws Exception {
    try (DirectoryClusterSource source = source()) {
      source.start(listener);
      assertThrows(IllegalStateException.class, () -> source.start(listener));
    }
  }

  @Test
  void mergesSeveralDirectoriesAndFilesIntoOneSnapshotAndWatchesEach() throws Exception {
    write("one/a.yaml", service("web", 80));
    write("two/b.yaml", service("api", 90));
    write("loose/c.yml", service("db", 5432));
    write("loose/unrelated.yaml", service("ignored", 1));
    List<Path> paths = List.of(dir.resolve("one"), dir.resolve("two"), dir.resolve("loose/c.yml"));
    try (DirectoryClusterSource source =
        DirectoryClusterSource.builder(paths)
            .debounce(Duration.ofMillis(50))
            .rescanInterval(Duration.ofMillis(500))
            .build()) {
      source.start(listener);
      ClusterUpdate first = nextUpdate();
      assertEquals(
          List.of(
              "ADDED Service default/api", "ADDED Service default/db", "ADDED Service default/web"),
          strings(first));
      assertEquals(paths, source.paths());

      write("loose/c.yml", service("db", 5433));
      assertEquals(List.of("MODIFIED Service default/db"), strings(nextUpdate()));

      write("two/nested/d.yaml", service("cache", 6379));
      assertEquals(List.of("ADDED Service default/cache"), strings(nextUpdate()));

      write("loose/unrelated.yaml", service("ignored", 2)); // not a given path: no snapshot
      Files.delete(dir.resolve("one/a.yaml"));
      assertEquals(List.of("DELETED Service default/web"), strings(nextUpdate()));
    }
  }

  @Test
  void theObjectOfALaterPathWinsOverTheSameObjectEarlier() throws Exception {
    write("base/web.yaml", service("web", 80));
    write("override.yaml", service("web", 8080));
    List<Path> paths = List.of(dir.resolve("base"), dir.resolve("override.yaml"));
    try (DirectoryClusterSource source = DirectoryClusterSource.create(paths)) {
      source.start(listener);
      assertEquals(
          8080,
          nextUpdate().current().service("default", "web").orElseThrow().ports().get(0).port());
    }
  }

  @Test
  void aGivenFileThatBecomesInvalidKeepsItsLastGoodObjectsAndTheErrorNamesIt() throws Exception {
    write("dir/a.yaml", service("web", 80));
    write("single.yaml", service("api", 90));
    List<Path> paths = List.of(dir.resolve("dir"), dir.resolve("single.yaml"));
    try (DirectoryClusterSource source =
        DirectoryClusterSource.builder(paths)
            .debounce(Duration.ofMillis(50))
            .rescanInterval(Duration.ofMillis(500))
            .build()) {
      source.start(listener);
      nextUpdate();
      write("single.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: api\n");
      K8snetException error = errors.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertTrue(error != null, "no error reported");
      assertTrue(error.getMessage().contains("single.yaml"), error.getMessage());
      assertTrue(source.current().service("default", "api").isPresent());

      write("dir/a.yaml", service("web", 81));
      ClusterUpdate update = nextUpdate();
      assertEquals(List.of("MODIFIED Service default/web"), strings(update));
      assertEquals(
          90, update.current().service("default", "api").orElseThrow().ports().get(0).port());
    }
  }

  @Test
  void failsToStartNamingTheMissingOneOfSeveralPaths() throws Exception {
    write("a.yaml", service("web", 80));
    DirectoryClusterSource source =
        DirectoryClusterSource.create(List.of(dir.resolve("a.yaml"), dir.resolve("gone.yaml")));
    K8snetException e = assertThrows(K8snetException.class, () -> source.start(listener));
    assertTrue(e.getMessage().contains("gone.yaml"), e.getMessage());
    source.close();
  }

  @Test
  void refusesAnEmptyListOfPaths() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> DirectoryClusterSource.create(List.of()));
    assertTrue(e.getMessage().startsWith("paths: "), e.getMessage());
  }

  private static List<String> strings(ClusterUpdate u) {
    return u.changes().stream().map(ClusterChange::toString).toList();
  }
}
