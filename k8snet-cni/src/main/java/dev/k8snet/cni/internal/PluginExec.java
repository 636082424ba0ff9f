package dev.k8snet.cni.internal;

import dev.k8snet.cni.CniCommand;
import dev.k8snet.cni.CniException;
import dev.k8snet.cni.CniResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Executes a plugin binary: exact environment, stdin bytes, stdout parsed as result or error. */
public final class PluginExec {
  private PluginExec() {}

  /** Finds {@code type} in {@code path}. */
  public static Optional<Path> find(List<Path> path, String type) {
    for (Path dir : path) {
      Path p = dir.resolve(type);
      if (Files.isExecutable(p) && !Files.isDirectory(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * Runs {@code type} from {@code path} with exactly {@code env}.
   *
   * @return the parsed result for ADD, else empty
   * @throws CniException 7 when the plugin is not found; the plugin's own error with its code
   */
  public static Optional<CniResult> run(
      List<Path> path, String type, CniCommand command, Map<String, String> env, byte[] stdin) {
    Path exe =
        find(path, type)
            .orElseThrow(
                () ->
                    new CniException(
                        CniException.INVALID_CONFIG,
                        "failed to find plugin \"" + type + "\" in path " + path,
                        "type: " + type + " (expected: an executable in CNI_PATH)"));
    ProcessBuilder pb = new ProcessBuilder(exe.toString());
    pb.environment().clear();
    pb.environment().putAll(env);
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    byte[] out;
    int rc;
    try {
      Process proc = pb.start();
      Thread writer =
          new Thread(
              () -> {
                try (OutputStream in = proc.getOutputStream()) {
                  in.write(stdin);
                } catch (IOException e) {
                  // The plugin may exit without reading stdin; its exit code tells.
                }
              },
              "cni-plugin-stdin");
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
      throw Delegate.error(type, rc, text);
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
}
