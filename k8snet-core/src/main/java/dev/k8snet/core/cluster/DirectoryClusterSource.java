package dev.k8snet.core.cluster;

import static dev.k8snet.core.internal.Checks.check;
import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import dev.k8snet.core.K8snetException;
import dev.k8snet.core.manifest.ManifestException;
import dev.k8snet.core.manifest.ManifestReader;
import dev.k8snet.core.manifest.ManifestWarning;
import dev.k8snet.core.model.KubernetesObject;
import dev.k8snet.core.model.ObjectRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ClusterSource} that reads manifests from one or more paths, each a directory (read
 * recursively: {@code .yaml}, {@code .yml}, {@code .json}; hidden entries, such as the {@code
 * ..data} links of a mounted ConfigMap, are skipped) or a file (read whatever its name, as {@link
 * ManifestReader#read(List)} does), merges them into one snapshot and emits a new snapshot when
 * files change. When the same object appears in two files, the later one (in the order of the
 * paths, then of file names within a directory) wins, with a warning in the log.
 *
 * <pre>{@code
 * try (DirectoryClusterSource source =
 *     DirectoryClusterSource.builder(List.of(Path.of("manifests"), Path.of("extra.yaml")))
 *         .debounce(Duration.ofMillis(100))
 *         .build()) {
 *   source.start(update -> System.out.println(update.changes()));
 * }
 * }</pre>
 *
 * <p>Changes are seen through the file system's watch service, debounced (a burst of writes makes
 * one snapshot), plus a periodic rescan, because watch events can be lost. Only files whose content
 * changed are read again, and a snapshot is emitted only when an object changed.
 *
 * <p>A file with an invalid object or a syntax error contributes what it contributed when it was
 * last read without error (nothing, if never); the error goes to {@link ClusterListener#onError} as
 * a {@link ManifestException} naming file, line and field. So the last good state of every file
 * stays in force.
 *
 * @since 0.1
 */
public final class DirectoryClusterSource implements ClusterSource {
  private static final Logger log = LoggerFactory.getLogger(DirectoryClusterSource.class);

  /** The default debounce delay: {@value #DEFAULT_DEBOUNCE_MILLIS} ms. */
  public static final long DEFAULT_DEBOUNCE_MILLIS = 200;

  /** The default rescan interval: {@value #DEFAULT_RESCAN_SECONDS} s. */
  public static final long DEFAULT_RESCAN_SECONDS = 10;

  private final List<Path> paths;
  private final Duration debounce;
  private final Duration rescanInterval;
  private final ManifestReader reader = ManifestReader.create();
  private final Map<Path, FileEntry> files = new LinkedHashMap<>();
  private final Object lifecycle = new Object();

  private volatile ClusterState current = ClusterState.EMPTY;
  private ClusterListener listener;
  private WatchService watchService;
  private Thread watcher;
  private volatile boolean closed;

  /** What one file contributed: its content and the objects of its last good read. */
  private record FileEntry(byte[] content, List<KubernetesObject> lastGood) {}

  private DirectoryClusterSource(Builder builder) {
    this.paths = builder.paths;
    this.debounce = builder.debounce;
    this.rescanInterval = builder.rescanInterval;
  }

  /**
   * Returns a source for {@code directory} with the default debounce and rescan interval.
   *
   * @param directory the manifest directory (or file)
   * @return the source, not started
   */
  public static DirectoryClusterSource create(Path directory) {
    return builder(directory).build();
  }

  /**
   * Returns a source for several manifest directories and files, merged into one snapshot, with the
   * default debounce and rescan interval.
   *
   * @param paths directories and files, at least one
   * @return the source, not started
   * @throws IllegalArgumentException if {@code paths} is empty
   * @since 0.1
   */
  public static DirectoryClusterSource create(List<Path> paths) {
    return builder(paths).build();
  }

  /**
   * Returns a builder for a source of {@code directory}.
   *
   * @param directory the manifest directory (or file)
   * @return the builder
   */
  public static Builder builder(Path directory) {
    return new Builder(List.of(directory));
  }

  /**
   * Returns a builder for a source of several manifest directories and files, merged into one
   * snapshot.
   *
   * @param paths directories and files, at least one
   * @return the builder
   * @throws IllegalArgumentException if {@code paths} is empty
   * @since 0.1
   */
  public static Builder builder(List<Path> paths) {
    return new Builder(paths);
  }

  /** Builds a {@link DirectoryClusterSource}. */
  public static final class Builder {
    private final List<Path> paths;
    private Duration debounce = Duration.ofMillis(DEFAULT_DEBOUNCE_MILLIS);
    private Duration rescanInterval = Duration.ofSeconds(DEFAULT_RESCAN_SECONDS);

    private Builder(List<Path> paths) {
      this.paths = List.copyOf(paths);
      check(!this.paths.isEmpty(), "paths", paths, "at least one directory or file");
    }

    /**
     * Sets how long the directory must be quiet after a change before it is read.
     *
     * @param debounce the delay, at least 0 (default {@value #DEFAULT_DEBOUNCE_MILLIS} ms)
     * @return this builder
     */
    public Builder debounce(Duration debounce) {
      check(!debounce.isNegative(), "debounce", debounce, "not negative");
      this.debounce = debounce;
      return this;
    }

    /**
     * Sets how often the whole directory is checked, in case a watch event was lost.
     *
     * @param rescanInterval the interval, positive (default {@value #DEFAULT_RESCAN_SECONDS} s)
     * @return this builder
     */
    public Builder rescanInterval(Duration rescanInterval) {
      check(
          !rescanInterval.isNegative() && !rescanInterval.isZero(),
          "rescanInterval",
          rescanInterval,
          "positive");
      this.rescanInterval = rescanInterval;
      return this;
    }

    /**
     * Returns the source, not started.
     *
     * @return the source
     */
    public DirectoryClusterSource build() {
      return new DirectoryClusterSource(this);
    }
  }

  /**
   * Returns the watched directories and files, in the order given.
   *
   * @return the paths
   * @since 0.1
   */
  public List<Path> paths() {
    return paths;
  }

  /**
   * Reads every path, delivers the initial snapshot on the calling thread, then starts a daemon
   * thread that watches for changes.
   *
   * @throws K8snetException if a path does not exist (naming it) or cannot be watched
   */
  @Override
  public void start(ClusterListener listener) {
    Objects.requireNonNull(listener, "listener");
    synchronized (lifecycle) {
      if (this.listener != null) {
        throw new IllegalStateException("cluster source already started: " + paths);
      }
      if (closed) {
        throw new IllegalStateException("cluster source closed: " + paths);
      }
      for (Path p : paths) {
        if (!Files.exists(p)) {
          throw new K8snetException("manifest path does not exist: " + p, p, null);
        }
      }
      this.listener = listener;
      Path watching = paths.get(0);
      try {
        watchService = FileSystems.getDefault().newWatchService();
        for (Path p : paths) {
          watching = p;
          if (Files.isDirectory(p)) {
            registerTree(p, p);
          } else {
            // A file: watch the directory it is in (a ConfigMap-style replace renames into it).
            Path parent = p.toAbsolutePath().getParent();
            parent.register(watchService, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE);
          }
        }
      } catch (IOException e) {
        try {
          watchService.close();
        } catch (IOException | RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw new K8snetException("cannot watch manifest path " + watching, watching, e);
      }
      rescan();
      watcher = new Thread(this::watchLoop, "k8snet-manifest-watch");
      watcher.setDaemon(true);
      watcher.start();
    }
  }

  @Override
  public ClusterState current() {
    return current;
  }

  /** Stops watching and waits for the watch thread to end. Idempotent. */
  @Override
  public void close() {
    Thread toJoin;
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      toJoin = watcher;
      if (watchService != null) {
        try {
          watchService.close();
        } catch (IOException e) {
          log.debug("closing the watch service of {} failed", paths, e);
        }
      }
    }
    if (toJoin != null && toJoin != Thread.currentThread()) {
      toJoin.interrupt();
      try {
        toJoin.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void watchLoop() {
    try {
      while (!closed) {
        WatchKey key = watchService.poll(rescanInterval.toMillis(), TimeUnit.MILLISECONDS);
        if (key != null) {
          drain(key);
          // Debounce: wait until the directory has been quiet for the debounce delay.
          WatchKey more;
          while (!closed
              && (more = watchService.poll(debounce.toMillis(), TimeUnit.MILLISECONDS)) != null) {
            drain(more);
          }
        }
        if (!closed) {
          rescan();
        }
      }
    } catch (InterruptedException | java.nio.file.ClosedWatchServiceException e) {
      // closed
    } catch (RuntimeException e) {
      log.error("manifest watch of {} stopped", paths, e);
      safeOnError(new K8snetException("manifest watch stopped: " + e, paths, e));
    }
  }

  private void drain(WatchKey key) {
    for (var event : key.pollEvents()) {
      if (event.kind() == OVERFLOW) {
        continue;
      }
      if (event.kind() == ENTRY_CREATE && key.watchable() instanceof Path dir) {
        Path child = dir.resolve((Path) event.context());
        Optional<Path> root = rootOf(child);
        if (root.isPresent() && Files.isDirectory(child)) {
          try {
            registerTree(root.get(), child);
          } catch (IOException e) {
            log.warn("cannot watch new directory {}", child, e);
          }
        }
      }
    }
    key.reset();
  }

  /** Registers {@code top} and its directories below, which lie in the watched {@code root}. */
  private void registerTree(Path root, Path top) throws IOException {
    try (Stream<Path> dirs = Files.walk(top)) {
      for (Path dir : (Iterable<Path>) dirs.filter(Files::isDirectory)::iterator) {
        if (dir.equals(root) || !isHidden(root, dir)) {
          dir.register(watchService, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE);
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** The watched directory that {@code path} lies in, if any. */
  private Optional<Path> rootOf(Path path) {
    for (Path p : paths) {
      if (path.startsWith(p) && Files.isDirectory(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  private static boolean isHidden(Path root, Path path) {
    Path relative = root.relativize(path);
    for (Path part : relative) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static boolean isManifest(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
  }

  /**
   * Reads changed files and emits a snapshot when an object changed. Runs on one thread at a time.
   */
  private synchronized void rescan() {
    // In the order of the paths, then of file names; a file reachable twice counts once.
    Set<Path> found = new LinkedHashSet<>();
    for (Path root : paths) {
      if (!Files.isDirectory(root)) {
        if (Files.isRegularFile(root)) {
          found.add(root);
        }
        // A given file that is gone contributes nothing (until it is back).
        continue;
      }
      try (Stream<Path> walk = Files.walk(root)) {
        walk.filter(p -> !isHidden(root, p) && isManifest(p) && Files.isRegularFile(p))
            .sorted()
            .forEach(found::add);
      } catch (IOException | UncheckedIOException e) {
        // Keep what the directory's files contributed: a listing error is not an empty directory.
        safeOnError(new K8snetException("cannot list manifest directory " + root, root, e));
        return;
      }
    }
    boolean changed = files.keySet().retainAll(found);
    // Rebuild in scan order, so that a later path wins over an earlier one.
    Map<Path, FileEntry> previousEntries = new LinkedHashMap<>(files);
    files.clear();
    for (Path file : found) {
      byte[] content;
      try {
        content = Files.readAllBytes(file);
      } catch (IOException e) {
        safeOnError(new K8snetException("cannot read manifest " + file, file, e));
        continue;
      }
      FileEntry previous = previousEntries.get(file);
      if (previous != null && Arrays.equals(previous.content, content)) {
        files.put(file, previous);
        continue;
      }
      ManifestReader.Result result =
          reader.readString(file.toString(), new String(content, StandardCharsets.UTF_8));
      for (ManifestWarning w : result.warnings()) {
        log.warn("{}", w);
      }
      List<KubernetesObject> lastGood =
          result.isValid() ? result.objects() : previous == null ? List.of() : previous.lastGood;
      for (ManifestException error : result.errors()) {
        log.warn("{} (keeping the last good content of {})", error.getMessage(), file);
        safeOnError(error);
      }
      files.put(file, new FileEntry(content, lastGood));
      changed = true;
    }
    if (changed || current.version() == 0) {
      publish();
    }
  }

  private void publish() {
    List<KubernetesObject> objects = new ArrayList<>();
    Map<ObjectRef, Path> seen = new HashMap<>();
    files.forEach(
        (file, entry) -> {
          for (KubernetesObject o : entry.lastGood) {
            Path earlier = seen.put(o.ref(), file);
            if (earlier != null && !earlier.equals(file)) {
              log.warn("{} is in {} and {}; the one in {} is used", o.ref(), earlier, file, file);
            }
          }
          objects.addAll(entry.lastGood);
        });
    ClusterState previous = current;
    ClusterState next = ClusterState.of(previous.version() + 1, objects);
    List<ClusterChange> changes = next.changesSince(previous);
    if (changes.isEmpty() && previous.version() != 0) {
      return;
    }
    current = next;
    log.debug("manifest snapshot {}: {} changes", next.version(), changes.size());
    try {
      listener.onUpdate(new ClusterUpdate(previous, next, changes));
    } catch (RuntimeException e) {
      log.error("cluster listener failed on snapshot {}", next.version(), e);
    }
  }

  private void safeOnError(K8snetException error) {
    try {
      listener.onError(error);
    } catch (RuntimeException e) {
      log.warn("cluster listener failed on error {}", error.getMessage(), e);
    }
  }

  /** Returns the watched paths. */
  @Override
  public String toString() {
    return "DirectoryClusterSource" + paths;
  }
}
