package dev.k8snet.cni.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k8snet.cni.CniCommand;
import dev.k8snet.cni.CniException;
import dev.k8snet.cni.CniRequest;
import dev.k8snet.cni.CniResult;
import dev.k8snet.cni.plugins.IpamPlugin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Runs the IPAM plugin named by {@code ipam.type}: {@code k8snet-ipam} in-process, anything else as
 * an executable found on {@code CNI_PATH} with the caller's environment (only {@code CNI_COMMAND}
 * changed) and the byte-identical configuration on stdin.
 */
public final class Delegate {
  private Delegate() {}

  /** Finds {@code type} on the request's {@code CNI_PATH}. */
  public static Optional<Path> find(CniRequest r, String type) {
    for (Path dir : r.env().path()) {
      Path p = dir.resolve(type);
      if (Files.isExecutable(p) && !Files.isDirectory(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * Runs {@code command} on the delegate ({@code k8snet-ipam} as {@code inProcess}); returns its
   * parsed result for ADD, else empty.
   */
  public static Optional<CniResult> run(
      CniRequest r, String type, IpamPlugin inProcess, CniCommand command) {
    if (type.equals("k8snet-ipam")) {
      IpamPlugin p = inProcess;
      switch (command) {
        case ADD -> {
          return Optional.of(p.add(r));
        }
        case DEL -> p.del(r);
        case CHECK -> p.check(r);
        case STATUS -> p.status(r);
        case GC -> p.gc(r, r.config().validAttachments().orElse(java.util.List.of()));
        case VERSION -> {}
      }
      return Optional.empty();
    }
    Map<String, String> env = new java.util.HashMap<>(r.env().raw());
    env.put("CNI_COMMAND", command.name());
    return PluginExec.run(r.env().path(), type, command, env, r.stdin());
  }

  /** The delegate's error with its code preserved. */
  static CniException error(String type, int rc, String stdout) {
    if (!stdout.isBlank()) {
      try {
        JsonNode n = Json.MAPPER.readTree(stdout);
        if (n != null && n.isObject() && n.has("code")) {
          return new CniException(
              Math.max(0, n.get("code").asInt()),
              n.path("msg").asText(""),
              n.path("details").asText(""));
        }
      } catch (IOException e) {
        // fall through
      }
    }
    return new CniException(
        CniException.PLUGIN_SPECIFIC,
        "netplugin failed: \"" + stdout.strip() + "\"",
        type + " exited with " + rc + " without an error object on stdout");
  }
}
