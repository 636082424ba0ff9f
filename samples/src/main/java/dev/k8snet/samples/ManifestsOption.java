package dev.k8snet.samples;

import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.cluster.DirectoryClusterSource;
import dev.k8snet.core.manifest.ManifestException;
import dev.k8snet.core.manifest.ManifestReader;
import dev.k8snet.core.manifest.ManifestWarning;
import dev.k8snet.core.model.KubernetesObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The {@code --manifests PATH…} option that every command reading a cluster shares. */
final class ManifestsOption {
  @Option(
      names = "--manifests",
      required = true,
      arity = "1..*",
      paramLabel = "PATH",
      description =
          "Manifest files or directories (YAML or JSON, multi-document, kind: List; directories are"
              + " read recursively).")
  List<Path> paths = new ArrayList<>();

  /**
   * Reads the manifests into a snapshot; prints warnings to {@code err}.
   *
   * @throws UsageException listing every invalid object (file, line, field) when any is invalid
   */
  ClusterState load(PrintWriter err) {
    return ClusterState.of(1, validObjects(read(), err));
  }

  /**
   * Returns the objects of {@code result}; prints its warnings to {@code err}.
   *
   * @throws UsageException listing every invalid object (file, line, field) when any is invalid
   */
  static List<KubernetesObject> validObjects(ManifestReader.Result result, PrintWriter err) {
    for (ManifestWarning w : result.warnings()) {
      err.println("warning: " + w);
    }
    err.flush();
    if (!result.isValid()) {
      List<String> lines = new ArrayList<>();
      for (ManifestException e : result.errors()) {
        lines.add(e.getMessage());
      }
      throw new UsageException(String.join(System.lineSeparator(), lines));
    }
    return result.objects();
  }

  /**
   * Returns the valid objects of {@code result}; prints its warnings, and each invalid object as a
   * warning that it is skipped, to {@code err}. For commands whose peer keeps serving the valid
   * objects when one is bad (the Ingress controller).
   */
  static List<KubernetesObject> lenientObjects(ManifestReader.Result result, PrintWriter err) {
    for (ManifestWarning w : result.warnings()) {
      err.println("warning: " + w);
    }
    for (ManifestException e : result.errors()) {
      err.println("warning: " + e.getMessage() + " (skipped)");
    }
    err.flush();
    return result.objects();
  }

  /**
   * Checks that every path exists.
   *
   * @throws UsageException naming the first that does not
   */
  static void checkExist(List<Path> paths) {
    for (Path p : paths) {
      if (!Files.exists(p)) {
        throw new UsageException("--manifests: " + p + ": no such file or directory");
      }
    }
  }

  /**
   * Returns a source that follows every path (merged into one snapshot), for long-running commands;
   * not started.
   *
   * @throws UsageException naming the first path that does not exist
   */
  DirectoryClusterSource watch() {
    checkExist(paths);
    return DirectoryClusterSource.builder(paths).debounce(Duration.ofMillis(100)).build();
  }

  /** Reads the manifests leniently, failing only when a path cannot be read at all. */
  ManifestReader.Result read() {
    checkExist(paths);
    try {
      return ManifestReader.create().read(paths);
    } catch (IOException e) {
      throw new UsageException("--manifests: " + e.getMessage());
    } catch (UncheckedIOException e) {
      throw new UsageException("--manifests: " + e.getCause().getMessage());
    }
  }
}
