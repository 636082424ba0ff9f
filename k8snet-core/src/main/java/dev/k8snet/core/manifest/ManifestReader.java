package dev.k8snet.core.manifest;

import dev.k8snet.core.internal.manifest.ManifestParser;
import dev.k8snet.core.model.KubernetesObject;
import dev.k8snet.core.model.ObjectRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Reads Kubernetes manifests (YAML or JSON; multi-document YAML; {@code kind: List}; directories
 * read recursively) into k8snet's immutable model, applying the API server's defaulting and
 * validation as if the objects were submitted with {@code kubectl create}.
 *
 * <pre>{@code
 * // lenient: keep the valid objects, collect the errors
 * ManifestReader.Result r = ManifestReader.create().read(Path.of("manifests"));
 * r.errors().forEach(e -> System.err.println(e.getMessage()));
 * List<Service> services = r.objects(Service.class);
 *
 * // fail fast: the first invalid object throws
 * List<KubernetesObject> all = ManifestReader.create().failFast().read(path).orThrow();
 * }</pre>
 *
 * <p>Objects of kinds or apiVersions that k8snet does not model are skipped with a {@linkplain
 * Result#warnings() warning}; empty documents are ignored. When the same object (kind, namespace,
 * name) appears twice, the later one replaces the earlier, with a warning. Readers are immutable
 * and thread-safe; they never access the network.
 *
 * @since 0.1
 */
public final class ManifestReader {
  private final boolean failFast;

  private ManifestReader(boolean failFast) {
    this.failFast = failFast;
  }

  /**
   * Returns a lenient reader: an invalid object is skipped and its error collected in {@link
   * Result#errors()}, the other objects are kept.
   *
   * @return the reader
   * @since 0.1
   */
  public static ManifestReader create() {
    return new ManifestReader(false);
  }

  /**
   * Returns a reader like this one that throws at the first invalid object or syntax error.
   *
   * @return the fail-fast reader
   * @since 0.1
   */
  public ManifestReader failFast() {
    return new ManifestReader(true);
  }

  /**
   * Returns whether this reader stops at the first error.
   *
   * @return whether it is fail-fast
   * @since 0.1
   */
  public boolean isFailFast() {
    return failFast;
  }

  /**
   * Reads files and directories. A directory is read recursively: its files ending in {@code
   * .yaml}, {@code .yml} or {@code .json}, in the order of their paths, skipping files and
   * directories whose names start with {@code .} (such as the {@code ..data} copies of a mounted
   * ConfigMap); symbolic links to files are followed. A file given directly is read whatever its
   * name; it is JSON if its name ends in {@code .json}, YAML otherwise. Sources are named by their
   * path as given.
   *
   * @param paths files or directories
   * @return the objects, errors and warnings
   * @throws IOException if a file or directory cannot be read
   * @throws ManifestException in fail-fast mode, for the first invalid object
   * @since 0.1
   */
  public Result read(Path... paths) throws IOException {
    Objects.requireNonNull(paths, "paths");
    return read(List.of(paths));
  }

  /**
   * Reads files and directories, as {@link #read(Path...)}.
   *
   * @param paths files or directories
   * @return the objects, errors and warnings
   * @throws IOException if a file or directory cannot be read
   * @throws ManifestException in fail-fast mode, for the first invalid object
   * @since 0.1
   */
  public Result read(List<Path> paths) throws IOException {
    Collector c = new Collector(failFast);
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        List<Path> files;
        try (Stream<Path> s = Files.walk(p)) {
          files =
              s.filter(f -> !isHidden(p.relativize(f)))
                  .filter(Files::isRegularFile)
                  .filter(ManifestReader::isManifestName)
                  .sorted()
                  .toList();
        }
        for (Path f : files) {
          parseFile(f, c);
        }
      } else {
        parseFile(p, c);
      }
    }
    return c.result();
  }

  /**
   * Reads manifest text (YAML, which includes JSON).
   *
   * @param sourceName the name used in messages, e.g. a file name
   * @param text the text
   * @return the objects, errors and warnings
   * @throws ManifestException in fail-fast mode, for the first invalid object
   * @since 0.1
   */
  public Result readString(String sourceName, String text) {
    Objects.requireNonNull(sourceName, "sourceName");
    Objects.requireNonNull(text, "text");
    Collector c = new Collector(failFast);
    ManifestParser.parse(sourceName, text, false, c);
    return c.result();
  }

  private static boolean isHidden(Path relative) {
    for (Path part : relative) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static boolean isManifestName(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
  }

  private static void parseFile(Path f, Collector c) throws IOException {
    String text = Files.readString(f, StandardCharsets.UTF_8);
    boolean json = f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
    ManifestParser.parse(f.toString(), text, json, c);
  }

  private static final class Collector implements ManifestParser.Sink {
    private final boolean failFast;
    private final Map<ObjectRef, KubernetesObject> objects = new LinkedHashMap<>();
    private final List<ManifestException> errors = new ArrayList<>();
    private final List<ManifestWarning> warnings = new ArrayList<>();

    Collector(boolean failFast) {
      this.failFast = failFast;
    }

    @Override
    public void object(KubernetesObject object, String source, int line) {
      if (objects.remove(object.ref()) != null) {
        warnings.add(
            new ManifestWarning(
                source, line, object.ref() + " appears more than once; the later one is used"));
      }
      objects.put(object.ref(), object);
    }

    @Override
    public void error(ManifestException error) {
      if (failFast) {
        throw error;
      }
      errors.add(error);
    }

    @Override
    public void warning(ManifestWarning warning) {
      warnings.add(warning);
    }

    Result result() {
      return new Result(List.copyOf(objects.values()), errors, warnings);
    }
  }

  /**
   * What a read found: the valid objects in order, the errors of the invalid ones, and warnings.
   *
   * @param objects the objects that passed validation, in source order, with defaults applied
   * @param errors one error per rejected object or unreadable document, in source order
   * @param warnings what was skipped, in source order
   * @since 0.1
   */
  public record Result(
      List<KubernetesObject> objects,
      List<ManifestException> errors,
      List<ManifestWarning> warnings) {

    /**
     * Copies the lists.
     *
     * @param objects the objects that passed validation, in source order, with defaults applied
     * @param errors one error per rejected object or unreadable document, in source order
     * @param warnings what was skipped, in source order
     */
    public Result {
      objects = List.copyOf(objects);
      errors = List.copyOf(errors);
      warnings = List.copyOf(warnings);
    }

    /**
     * Returns the objects of one type, in order.
     *
     * @param type the model type, e.g. {@code Service.class}
     * @param <T> the type
     * @return the objects of that type
     */
    public <T extends KubernetesObject> List<T> objects(Class<T> type) {
      return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /**
     * Returns whether every document was valid.
     *
     * @return whether there are no errors
     */
    public boolean isValid() {
      return errors.isEmpty();
    }

    /**
     * Returns the objects, or throws the first error (the others attached as suppressed).
     *
     * @return the objects
     * @throws ManifestException if any document was invalid
     */
    public List<KubernetesObject> orThrow() {
      if (errors.isEmpty()) {
        return objects;
      }
      ManifestException first = errors.get(0);
      for (int i = 1; i < errors.size(); i++) {
        if (first.getSuppressed().length < errors.size() - 1) {
          first.addSuppressed(errors.get(i));
        }
      }
      throw first;
    }
  }
}
