package dev.k8snet.cni.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k8snet.cni.CniCommand;
import dev.k8snet.cni.CniException;
import dev.k8snet.cni.CniRequest;
import dev.k8snet.cni.CniResult;
import dev.k8snet.cni.plugins.IpamPlugin;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
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

  /** Runs {@code command} on the delegate; returns its parsed result for ADD, else empty. */
  public static Optional<CniResult> run(CniRequest r, String type, CniCommand command) {
    if (type.equals("k8snet-ipam")) {
      IpamPlugin p = new IpamPlugin();
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
    Path exe =
        find(r, type)
            .orElseThrow(
                () ->
                    new CniException(
                        CniException.INVALID_CONFIG,
                        "failed to find plugin \"" + type + "\" in path " + r.env().path(),
                        "ipam.type: " + type + " (expected: an executable in CNI_PATH)"));
    ProcessBuilder pb = new ProcessBuilder(exe.toString());
    Map<String, String> env = pb.environment();
    env.clear();
    env.putAll(r.env().raw());
    env.put("CNI_COMMAND", command.name());
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    byte[] out;
    int rc;
    try {
      Process proc = pb.start();
      byte[] stdin = r.stdin();
      Thread writer =
          new Thread(
              () -> {
                try (OutputStream in = proc.getOutputStream()) {
                  in.write(stdin);
                } catch (IOException e) {
                  // The delegate may exit without reading stdin; its exit code tells.
                }
              },
              "cni-delegate-stdin");
      writer.setDaemon(true);
      writer.start();
      out = readAll(proc.getInputStream());
      writer.join();
      rc = proc.waitFor();
    } catch (IOException e) {
      throw new CniException(CniException.IO_FAILURE, "cannot run " + exe, e.toString(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CniException(CniException.TRY_AGAIN_LATER, "interrupted running " + exe, "", e);
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (rc != 0) {
      throw error(type, rc, text);
    }
    if (command != CniCommand.ADD) {
      return Optional.empty();
    }
    try {
      return Optional.of(ResultCodec.parse(text));
    } catch (CniException e) {
      throw new CniException(
          CniException.DECODE_FAILURE,
          "failed to unmarshal raw result of " + type,
          e.getMessage(),
          e);
    }
  }

  private static byte[] readAll(InputStream in) {
    try {
      return in.readAllBytes();
    } catch (IOException e) {
      return new byte[0];
    }
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
