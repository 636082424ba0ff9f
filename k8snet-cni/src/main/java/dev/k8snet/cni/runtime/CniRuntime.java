package dev.k8snet.cni.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.k8snet.cni.Attachment;
import dev.k8snet.cni.CniCommand;
import dev.k8snet.cni.CniException;
import dev.k8snet.cni.CniResult;
import dev.k8snet.cni.CniVersion;
import dev.k8snet.cni.internal.Json;
import dev.k8snet.cni.internal.PluginExec;
import dev.k8snet.cni.internal.ResultCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime side of CNI, as libcni: runs the plugins of a {@link NetworkConfigList} for ADD (in
 * order, each given the previous result), DEL (in reverse, each given the cached ADD result),
 * CHECK, STATUS and GC, and caches the final ADD result under {@code
 * <cacheDir>/results/<network>-<containerId>-<ifname>} (mode 0600, libcni's format), so that DEL
 * and CHECK get it and GC can synthesise DELs for stale attachments.
 *
 * <pre>{@code
 * CniRuntime cni = new CniRuntime(List.of(Path.of("/opt/cni/bin")), Path.of("/var/lib/cni"));
 * CniResult r = cni.add(NetworkConfigList.load(conf), RuntimeConf.of(id, netns, "eth0"));
 * }</pre>
 *
 * <p>Thread-safe for different attachments; the caller must not run two operations on the same
 * attachment at once (as the spec requires of runtimes).
 *
 * @since 0.1
 */
public final class CniRuntime {
  private static final Logger log = LoggerFactory.getLogger(CniRuntime.class);

  private final List<Path> pluginPath;
  private final Path cacheDir;
  private final Map<String, String> environment;

  /**
   * Creates a runtime whose plugins see only the CNI variables and {@code PATH}.
   *
   * @param pluginPath the directories searched for plugin executables ({@code CNI_PATH})
   * @param cacheDir the cache directory (libcni's default: {@code /var/lib/cni})
   */
  public CniRuntime(List<Path> pluginPath, Path cacheDir) {
    this(pluginPath, cacheDir, Map.of());
  }

  private CniRuntime(List<Path> pluginPath, Path cacheDir, Map<String, String> environment) {
    this.pluginPath = List.copyOf(pluginPath);
    this.cacheDir = Objects.requireNonNull(cacheDir, "cacheDir");
    this.environment = Map.copyOf(environment);
  }

  /**
   * Returns a runtime that also passes {@code environment} to every plugin, as a container runtime
   * passes its own environment (e.g. {@code K8SNET_CNI_SOCKET} naming the node daemon's socket).
   * The CNI variables and {@code PATH} win over an entry of the same name.
   *
   * @param environment extra variables for the plugins
   * @return a new runtime; this one is unchanged
   */
  public CniRuntime withEnvironment(Map<String, String> environment) {
    return new CniRuntime(pluginPath, cacheDir, environment);
  }

  private Map<String, String> env(CniCommand cmd, Optional<RuntimeConf> rt) {
    Map<String, String> env = new LinkedHashMap<>(environment);
    env.put("CNI_COMMAND", cmd.name());
    env.put("CNI_PATH", pluginPath.stream().map(Path::toString).collect(Collectors.joining(":")));
    rt.ifPresent(
        r -> {
          env.put("CNI_CONTAINERID", r.containerId());
          env.put("CNI_NETNS", r.netns());
          env.put("CNI_IFNAME", r.ifname());
          env.put(
              "CNI_ARGS",
              r.args().entrySet().stream()
                  .map(e -> e.getKey() + "=" + e.getValue())
                  .collect(Collectors.joining(";")));
        });
    String path = System.getenv("PATH");
    env.put("PATH", path == null ? "/usr/sbin:/usr/bin:/sbin:/bin" : path);
    return env;
  }

  /** The stdin of one plugin: the plugin object with the list's name/version and runtime keys. */
  static String pluginConfig(
      NetworkConfigList list,
      String plugin,
      Optional<CniResult> prev,
      Optional<RuntimeConf> rt,
      Optional<List<Attachment>> valid) {
    ObjectNode o = Json.object(plugin, "plugin configuration");
    o.put("cniVersion", list.cniVersion().toString());
    o.put("name", list.name());
    JsonNode caps = o.remove("capabilities");
    if (rt.isPresent() && caps != null && caps.isObject()) {
      ObjectNode runtimeConfig = Json.MAPPER.createObjectNode();
      caps.fields()
          .forEachRemaining(
              e -> {
                String arg = rt.get().capabilityArgs().get(e.getKey());
                if (e.getValue().asBoolean() && arg != null) {
                  runtimeConfig.set(
                      e.getKey(),
                      Json.object("{\"v\":" + arg + "}", "capability " + e.getKey()).get("v"));
                }
              });
      if (!runtimeConfig.isEmpty()) {
        o.set("runtimeConfig", runtimeConfig);
      }
    }
    prev.ifPresent(p -> o.set("prevResult", ResultCodec.tree(p, list.cniVersion())));
    valid.ifPresent(
        v -> {
          ArrayNode a = o.putArray("cni.dev/valid-attachments");
          v.forEach(
              x -> a.addObject().put("containerID", x.containerId()).put("ifname", x.ifname()));
          o.set("cni.dev/attachments", a.deepCopy());
        });
    return Json.write(o);
  }

  private Optional<CniResult> invoke(
      NetworkConfigList list,
      String plugin,
      CniCommand cmd,
      Optional<CniResult> prev,
      Optional<RuntimeConf> rt,
      Optional<List<Attachment>> valid) {
    String type = Json.object(plugin, "plugin configuration").path("type").asText();
    String stdin = pluginConfig(list, plugin, prev, rt, valid);
    return PluginExec.run(
        pluginPath, type, cmd, env(cmd, rt), stdin.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Runs ADD through the list and caches the final result.
   *
   * @param list the network configuration list
   * @param rt the attachment's runtime settings
   * @return the result of the last plugin
   */
  public CniResult add(NetworkConfigList list, RuntimeConf rt) {
    Optional<CniResult> prev = Optional.empty();
    for (String p : list.plugins()) {
      prev =
          Optional.of(
              invoke(list, p, CniCommand.ADD, prev, Optional.of(rt), Optional.empty())
                  .orElseThrow());
    }
    CniResult result = prev.orElseThrow().withVersion(list.cniVersion());
    writeCache(list, rt, result);
    return result;
  }

  /**
   * Runs DEL through the list in reverse with the cached result, then drops the cache entry.
   *
   * @param list the network configuration list
   * @param rt the attachment's runtime settings
   */
  public void del(NetworkConfigList list, RuntimeConf rt) {
    Optional<CniResult> cached = cachedResult(list.name(), rt.containerId(), rt.ifname());
    Optional<CniResult> prev =
        list.cniVersion().atLeast(CniVersion.V0_4_0) ? cached : Optional.empty();
    List<String> reversed = new ArrayList<>(list.plugins());
    java.util.Collections.reverse(reversed);
    for (String p : reversed) {
      invoke(list, p, CniCommand.DEL, prev, Optional.of(rt), Optional.empty());
    }
    deleteCache(list.name(), rt.containerId(), rt.ifname());
  }

  /**
   * Runs CHECK through the list with the cached result.
   *
   * @param list the network configuration list
   * @param rt the attachment's runtime settings
   * @throws CniException code 1 when the list's version is before 0.4.0 or CHECK is disabled
   */
  public void check(NetworkConfigList list, RuntimeConf rt) {
    if (!list.cniVersion().atLeast(CniVersion.V0_4_0) || list.disableCheck()) {
      throw new CniException(
          CniException.INCOMPATIBLE_VERSION,
          "configuration does not allow CHECK",
          "cniVersion " + list.cniVersion() + ", disableCheck " + list.disableCheck());
    }
    CniResult cached =
        cachedResult(list.name(), rt.containerId(), rt.ifname())
            .orElseThrow(
                () ->
                    new CniException(
                        CniException.UNKNOWN_CONTAINER,
                        "no cached result for " + rt.containerId() + "/" + rt.ifname(),
                        "CHECK needs a previous ADD"));
    for (String p : list.plugins()) {
      invoke(list, p, CniCommand.CHECK, Optional.of(cached), Optional.of(rt), Optional.empty());
    }
  }

  /**
   * Runs STATUS on every plugin (1.1.0 lists; earlier lists are taken as ready).
   *
   * @param list the network configuration list
   */
  public void status(NetworkConfigList list) {
    if (!list.cniVersion().atLeast(CniVersion.V1_1_0)) {
      return;
    }
    for (String p : list.plugins()) {
      invoke(list, p, CniCommand.STATUS, Optional.empty(), Optional.empty(), Optional.empty());
    }
  }

  /**
   * Garbage-collects: a DEL for every cached attachment of this network that is not in {@code
   * valid}, then (1.1.0 lists without {@code disableGC}) GC on every plugin; continues on errors
   * and throws the first at the end.
   *
   * @return the attachments that got a DEL
   * @param list the network configuration list
   * @param valid the attachments to keep
   */
  public List<Attachment> gc(NetworkConfigList list, List<Attachment> valid) {
    Set<Attachment> keep = new HashSet<>(valid);
    List<Attachment> deleted = new ArrayList<>();
    CniException first = null;
    for (CachedAttachment c : cached(list.name())) {
      if (keep.contains(c.attachment())) {
        continue;
      }
      try {
        del(list, RuntimeConf.of(c.attachment().containerId(), c.netns(), c.attachment().ifname()));
        deleted.add(c.attachment());
      } catch (CniException e) {
        log.warn("GC: DEL of {} failed: {}", c.attachment(), e.getMessage());
        first = first == null ? e : first;
      }
    }
    if (list.cniVersion().atLeast(CniVersion.V1_1_0) && !list.disableGc()) {
      for (String p : list.plugins()) {
        try {
          invoke(list, p, CniCommand.GC, Optional.empty(), Optional.empty(), Optional.of(valid));
        } catch (CniException e) {
          first = first == null ? e : first;
        }
      }
    }
    if (first != null) {
      throw first;
    }
    return deleted;
  }

  /**
   * The cached final ADD result of an attachment.
   *
   * @param network the network name
   * @param containerId the container id
   * @param ifname the interface name in the container
   * @return the result, or empty when none is cached
   */
  public Optional<CniResult> cachedResult(String network, String containerId, String ifname) {
    try {
      JsonNode n =
          Json.MAPPER.readTree(
              Files.readString(cacheFile(network, containerId, ifname), StandardCharsets.UTF_8));
      return Optional.of(ResultCodec.parse(n.get("result")));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new CniException(
          CniException.IO_FAILURE, "cannot read the result cache", e.toString(), e);
    }
  }

  private record CachedAttachment(Attachment attachment, String netns) {}

  private List<CachedAttachment> cached(String network) {
    List<CachedAttachment> out = new ArrayList<>();
    Path dir = cacheDir.resolve("results");
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, network + "-*")) {
      for (Path p : ds) {
        JsonNode n = Json.MAPPER.readTree(Files.readString(p, StandardCharsets.UTF_8));
        if (network.equals(n.path("networkName").asText())) {
          out.add(
              new CachedAttachment(
                  new Attachment(n.path("containerId").asText(), n.path("ifName").asText()),
                  n.path("netns").asText("")));
        }
      }
    } catch (IOException e) {
      throw new CniException(
          CniException.IO_FAILURE, "cannot read the result cache", e.toString(), e);
    }
    return out;
  }

  private Path cacheFile(String network, String cid, String ifname) {
    return cacheDir.resolve("results").resolve(network + "-" + cid + "-" + ifname);
  }

  private void writeCache(NetworkConfigList list, RuntimeConf rt, CniResult result) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("kind", "cniCacheV1");
    o.put("containerId", rt.containerId());
    ArrayNode plugins = Json.MAPPER.createArrayNode();
    list.plugins().forEach(p -> plugins.add(Json.object(p, "plugin")));
    ObjectNode conf = Json.MAPPER.createObjectNode();
    conf.put("cniVersion", list.cniVersion().toString());
    conf.put("name", list.name());
    conf.set("plugins", plugins);
    o.put(
        "config",
        Base64.getEncoder().encodeToString(Json.write(conf).getBytes(StandardCharsets.UTF_8)));
    o.put("ifName", rt.ifname());
    o.put("networkName", list.name());
    o.put("netns", rt.netns());
    o.set("result", ResultCodec.tree(result, list.cniVersion()));
    Path f = cacheFile(list.name(), rt.containerId(), rt.ifname());
    try {
      Files.createDirectories(f.getParent());
      Path tmp = f.resolveSibling("." + f.getFileName() + ".tmp");
      Files.writeString(tmp, Json.write(o), StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new CniException(
          CniException.IO_FAILURE, "cannot write the result cache", e.toString(), e);
    }
  }

  private void deleteCache(String network, String cid, String ifname) {
    try {
      Files.deleteIfExists(cacheFile(network, cid, ifname));
    } catch (IOException e) {
      throw new CniException(
          CniException.IO_FAILURE, "cannot delete the result cache entry", e.toString(), e);
    }
  }
}
