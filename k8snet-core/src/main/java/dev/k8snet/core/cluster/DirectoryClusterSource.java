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
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ClusterSource} that reads a directory of manifests (recursively: {@code .yaml}, {@code
 * .yml}, {@code .json}; hidden entries, such as the {@code ..data} links of a mounted ConfigMap,
 * are skipped) and emits a new snapshot when files change.
 *
 * <pre>{@code
 * try (DirectoryClusterSource source =
 *     DirectoryClusterSource.builder(Path.of("manifests")).debounce(Duration.ofMillis(100)).build()) {
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

  private final Path directory;
  private final Duration debounce;
  private final Duration rescanInterval;
  private final ManifestReader reader = ManifestReader.create();
  private final Map<Path, FileEntry> files = new TreeMap<>();
  private final Object lifecycle = new Object();

  private volatile ClusterState current = ClusterState.EMPTY;
  private ClusterListener listener;
  private WatchService watchService;
  private Thread watcher;
  private volatile boolean closed;

  /** What one file contributed: its content and the objects of its last good read. */
  private record FileEntry(byte[] content, List<KubernetesObject> lastGood) {}

  private DirectoryClusterSource(Builder builder) {
    this.directory = builder.directory;
    this.debounce = builder.debounce;
    this.rescanInterval = builder.rescanInterval;
  }

  /**
   * Returns a source for {@code directory} with the default debounce and rescan interval.
   *
   * @param directory the manifest directory
   * @return the source, not started
   */
  public static DirectoryClusterSource create(Path directory) {
    return builder(directory).build();
  }

  /**
   * Returns a builder for a source of {@code directory}.
   *
   * @param directory the manifest directory
   * @return the builder
   */
  public static Builder builder(Path directory) {
    return new Builder(directory);
  }

  /** Builds a {@link DirectoryClusterSource}. */
  public static final class Builder {
    private final Path directory;
    private Duration debounce = Duration.ofMillis(DEFAULT_DEBOUNCE_MILLIS);
    private Duration rescanInterval = Duration.ofSeconds(DEFAULT_RESCAN_SECONDS);

    private Builder(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
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
   * Returns the watched directory.
   *
   * @return the directory
   */
  public Path directory() {
    return directory;
  }

  /**
   * Reads the directory, delivers the initial snapshot on the calling thread, then starts a daemon
   * thread that watches for changes.
   *
   * @throws K8snetException if {@code directory} is not a readable directory
   */
  @Override
  public void start(ClusterListener listener) {
    Objects.requireNonNull(listener, "listener");
    synchronized (lifecycle) {
      if (this.listener != null) {
        throw new IllegalStateException("cluster source already started: " + directory);
      }
      if (closed) {
        throw new IllegalStateException("cluster source closed: " + directory);
      }
      if (!Files.isDirectory(directory)) {
        throw new K8snetException(
            "manifest directory does not exist or is not a directory: " + directory,
            directory,
            null);
      }
      this.listener = listener;
      try {
        watchService = FileSystems.getDefault().newWatchService();
        registerTree(directory);
      } catch (IOException e) {
        throw new K8snetException("cannot watch manifest directory " + directory, directory, e);
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
          log.debug("closing the watch service of {} failed", directory, e);
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
      log.error("manifest watch of {} stopped", directory, e);
      safeOnError(new K8snetException("manifest watch stopped: " + e, directory, e));
    }
  }

  private void drain(WatchKey key) {
    for (var event : key.pollEvents()) {
      if (event.kind() == OVERFLOW) {
        continue;
      }
      if (event.kind() == ENTRY_CREATE && key.watchable() instanceof Path dir) {
        Path child = dir.resolve((Path) event.context());
        if (Files.isDirectory(child)) {
          try {
            registerTree(child);
          } catch (IOException e) {
            log.warn("cannot watch new directory {}", child, e);
          }
        }
      }
    }
    key.reset();
  }

  private void registerTree(Path root) throws IOException {
    try (Stream<Path> dirs = Files.walk(root)) {
      for (Path dir : (Iterable<Path>) dirs.filter(Files::isDirectory)::iterator) {
        if (dir.equals(root) || !isHidden(dir)) {
          dir.register(watchService, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE);
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private boolean isHidden(Path path) {
    Path relative = directory.relativize(path);
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
    List<Path> found;
    try (Stream<Path> walk = Files.walk(directory)) {
      found =
          walk.filter(p -> !isHidden(p) && isManifest(p) && Files.isRegularFile(p))
              .sorted()
              .toList();
    } catch (IOException | UncheckedIOException e) {
      safeOnError(new K8snetException("cannot list manifest directory " + directory, directory, e));
      return;
    }
    boolean changed = files.keySet().retainAll(new HashSet<>(found));
    for (Path file : found) {
      byte[] content;
      try {
        content = Files.readAllBytes(file);
      } catch (IOException e) {
        safeOnError(new K8snetException("cannot read manifest " + file, file, e));
        continue;
      }
      FileEntry previous = files.get(file);
      if (previous != null && Arrays.equals(previous.content, content)) {
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
    files.values().forEach(f -> objects.addAll(f.lastGood));
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

  /** Returns the directory's path. */
  @Override
  public String toString() {
    return "DirectoryClusterSource{" + directory + "}";
  }
}
