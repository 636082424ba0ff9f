package dev.k8snet.cni.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.k8snet.cni.CniException;
import dev.k8snet.cni.CniVersion;
import dev.k8snet.cni.internal.ConfigParser;
import dev.k8snet.cni.internal.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A network configuration list ({@code .conflist}), or a single plugin configuration ({@code
 * .conf}/{@code .json}) taken as a list of one, as libcni loads them. The version is the highest of
 * {@code cniVersion} and {@code cniVersions} that this library knows. Immutable.
 *
 * @param cniVersion the selected version
 * @param name the network name
 * @param disableCheck whether CHECK is disabled
 * @param disableGc whether GC is disabled (1.1.0)
 * @param plugins each plugin object as JSON text, in order
 * @since 0.1
 */
public record NetworkConfigList(
    CniVersion cniVersion,
    String name,
    boolean disableCheck,
    boolean disableGc,
    List<String> plugins) {

  /**
   * Validates and copies the components.
   *
   * @param cniVersion the selected version
   * @param name the network name
   * @param disableCheck whether CHECK is disabled
   * @param disableGc whether GC is disabled (1.1.0)
   * @param plugins each plugin object as JSON text, in order
   */
  public NetworkConfigList {
    Objects.requireNonNull(cniVersion, "cniVersion");
    Objects.requireNonNull(name, "name");
    plugins = List.copyOf(plugins);
    if (plugins.isEmpty()) {
      throw new IllegalArgumentException("plugins: [] (expected: at least one plugin)");
    }
  }

  /**
   * Parses a list, or a single plugin configuration.
   *
   * @param json the {@code .conflist} or {@code .conf} text
   * @return the list; a single configuration becomes a list of one plugin
   * @throws CniException code 6 for bad JSON, 7 naming an invalid field, 1 for no usable version
   */
  public static NetworkConfigList parse(String json) {
    ObjectNode o = Json.object(json, "network configuration list");
    String name = Json.string(o, "name", "", CniException.INVALID_CONFIG).orElse("");
    if (name.isEmpty()) {
      throw new CniException(
          CniException.INVALID_CONFIG, "missing network name", "name is required");
    }
    if (!ConfigParser.NAME.matcher(name).matches()) {
      throw new CniException(
          CniException.INVALID_CONFIG, "invalid characters found in network name", "name: " + name);
    }
    List<String> versions = new ArrayList<>();
    Json.string(o, "cniVersion", "", CniException.INVALID_CONFIG).ifPresent(versions::add);
    versions.addAll(Json.strings(o, "cniVersions", "", CniException.INVALID_CONFIG));
    CniVersion best = null;
    for (String v : versions) {
      try {
        CniVersion c = CniVersion.parse(v);
        if (c.compareTo(CniVersion.CURRENT) <= 0 && (best == null || c.compareTo(best) > 0)) {
          best = c;
        }
      } catch (IllegalArgumentException e) {
        // ignored, as libcni ignores versions it cannot use
      }
    }
    if (best == null) {
      best = versions.isEmpty() ? CniVersion.V0_1_0 : null;
    }
    if (best == null) {
      throw new CniException(
          CniException.INCOMPATIBLE_VERSION,
          "no supported CNI version in " + versions,
          "cniVersion/cniVersions (expected: one of " + CniVersion.ALL + ")");
    }
    List<String> plugins = new ArrayList<>();
    JsonNode ps = o.get("plugins");
    if (ps == null) {
      if (!o.has("type")) {
        throw new CniException(
            CniException.INVALID_CONFIG, "no plugins in list", "plugins or type is required");
      }
      plugins.add(Json.write(o));
    } else {
      if (!ps.isArray() || ps.isEmpty()) {
        throw new CniException(
            CniException.INVALID_CONFIG,
            "no plugins in list",
            "plugins: " + ps + " (expected: a non-empty list)");
      }
      int i = 0;
      for (JsonNode p : ps) {
        String t = p.path("type").asText("");
        if (t.isEmpty() || t.contains("/")) {
          throw new CniException(
              CniException.INVALID_CONFIG,
              "invalid plugin type",
              "plugins[" + i + "].type: " + p.path("type") + " (expected: an executable name)");
        }
        plugins.add(Json.write(p));
        i++;
      }
    }
    return new NetworkConfigList(
        best,
        name,
        Json.bool(o, "disableCheck", false, CniException.INVALID_CONFIG),
        Json.bool(o, "disableGC", false, CniException.INVALID_CONFIG),
        plugins);
  }

  /**
   * Loads a file.
   *
   * @param file the configuration file
   * @return the list parsed from the file
   */
  public static NetworkConfigList load(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CniException(CniException.IO_FAILURE, "cannot read " + file, e.toString(), e);
    }
  }

  /**
   * The configuration files of {@code dir} ({@code .conflist}, {@code .conf}, {@code .json}) in
   * lexical order.
   *
   * @param dir the directory
   * @return the matching files, sorted by name
   */
  public static List<Path> files(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(
              p -> {
                String n = p.getFileName().toString();
                return n.endsWith(".conflist") || n.endsWith(".conf") || n.endsWith(".json");
              })
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new CniException(CniException.IO_FAILURE, "cannot list " + dir, e.toString(), e);
    }
  }
}
