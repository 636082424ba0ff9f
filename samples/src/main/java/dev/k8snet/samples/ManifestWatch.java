package dev.k8snet.samples;

import dev.k8snet.core.K8snetException;
import dev.k8snet.core.cluster.ClusterListener;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.cluster.ClusterUpdate;
import dev.k8snet.core.cluster.DirectoryClusterSource;
import dev.k8snet.core.manifest.ManifestReader;
import dev.k8snet.core.model.KubernetesObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code --manifests PATH…} of long-running commands: files are read once (an invalid object is
 * a usage error), directories are watched; every change yields one merged snapshot for the target.
 */
final class ManifestWatch implements ClusterListener, AutoCloseable {
  private final ClusterListener target;
  private final List<KubernetesObject> fixed;
  private final PrintWriter err;
  private final List<DirectoryClusterSource> sources = new ArrayList<>();
  private ClusterState previous = ClusterState.EMPTY;

  private ManifestWatch(ClusterListener target, List<KubernetesObject> fixed, PrintWriter err) {
    this.target = target;
    this.fixed = fixed;
    this.err = err;
  }

  /**
   * Reads the files, starts watching the directories and delivers the first snapshot to {@code
   * target} before returning.
   *
   * @throws UsageException for a missing path or an invalid object in a file
   */
  static ManifestWatch start(List<Path> manifests, ClusterListener target, PrintWriter err)
      throws IOException {
    return start(manifests, target, err, false);
  }

  /**
   * As {@link #start(List, ClusterListener, PrintWriter)}; with {@code lenient}, an invalid object
   * in a file is skipped with a warning instead.
   */
  static ManifestWatch start(
      List<Path> manifests, ClusterListener target, PrintWriter err, boolean lenient)
      throws IOException {
    List<Path> files = new ArrayList<>();
    List<Path> dirs = new ArrayList<>();
    for (Path p : manifests) {
      if (Files.isDirectory(p)) {
        dirs.add(p);
      } else if (Files.exists(p)) {
        files.add(p);
      } else {
        throw new UsageException("--manifests: " + p + ": no such file or directory");
      }
    }
    List<KubernetesObject> fixed = List.of();
    if (!files.isEmpty()) {
      ManifestReader.Result r = ManifestReader.create().read(files);
      fixed =
          lenient ? ManifestsOption.lenientObjects(r, err) : ManifestsOption.validObjects(r, err);
    }
    ManifestWatch w = new ManifestWatch(target, fixed, err);
    try {
      for (Path d : dirs) {
        w.sources.add(DirectoryClusterSource.builder(d).debounce(Duration.ofMillis(100)).build());
      }
      for (DirectoryClusterSource s : w.sources) {
        s.start(w);
      }
      if (!(fixed.isEmpty() && w.sources.size() == 1)) {
        w.publish();
      }
    } catch (RuntimeException e) {
      w.close();
      throw e;
    }
    return w;
  }

  synchronized void publish() {
    List<KubernetesObject> all = new ArrayList<>(fixed);
    for (DirectoryClusterSource s : sources) {
      all.addAll(s.current().objects());
    }
    ClusterState next = ClusterState.of(previous.version() + 1, all);
    target.onUpdate(ClusterUpdate.between(previous, next));
    previous = next;
  }

  @Override
  public void onUpdate(ClusterUpdate update) {
    if (fixed.isEmpty() && sources.size() == 1) {
      target.onUpdate(update); // one watched directory: its snapshots and changes as they are
      return;
    }
    if (previous.version() > 0) {
      publish();
    }
  }

  @Override
  public void onError(K8snetException error) {
    synchronized (this) {
      err.println("warning: " + error.getMessage());
      err.flush();
    }
  }

  @Override
  public void close() {
    for (DirectoryClusterSource s : sources) {
      s.close();
    }
  }
}
