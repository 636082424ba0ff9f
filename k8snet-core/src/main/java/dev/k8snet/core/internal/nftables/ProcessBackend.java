package dev.k8snet.core.internal.nftables;

import dev.k8snet.core.K8snetException;
import dev.k8snet.core.netns.NetworkNamespace;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code nft} executable with the script on standard input ({@code nft -f -}), started
 * from a thread inside the namespace so that the process runs there.
 */
public final class ProcessBackend implements NftBackend {
  private static final long TIMEOUT_SECONDS = 60;

  private final NetworkNamespace namespace;
  private final String executable;

  public ProcessBackend(NetworkNamespace namespace, String executable) {
    this.namespace = namespace;
    this.executable = executable;
  }

  @Override
  public String name() {
    return "nft";
  }

  @Override
  public Result run(String script, boolean json, boolean dryRun) {
    List<String> cmd = new ArrayList<>();
    cmd.add(executable);
    if (json) {
      cmd.add("-j");
    }
    if (dryRun) {
      cmd.add("-c");
    }
    boolean viaArgs = json && !dryRun && !script.contains("\n");
    if (viaArgs) {
      // nft -j -f - would parse standard input as JSON; a single list command goes as arguments.
      cmd.addAll(List.of(script.strip().split("\\s+")));
    } else {
      cmd.add("-f");
      cmd.add("-");
    }
    Process p =
        namespace.run(
            () -> {
              ProcessBuilder pb = new ProcessBuilder(cmd);
              return pb.start();
            });
    try {
      // stderr is drained on its own short-lived thread (never a pool thread), stdout on this one.
      CompletableFuture<String> err = new CompletableFuture<>();
      Thread errReader =
          new Thread(() -> err.complete(readAll(p.getErrorStream())), "k8snet-nft-stderr");
      errReader.setDaemon(true);
      errReader.start();
      try (OutputStream in = p.getOutputStream()) {
        if (!viaArgs) {
          in.write(script.getBytes(StandardCharsets.UTF_8));
        }
      }
      String out = readAll(p.getInputStream());
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new K8snetException("nft did not finish within " + TIMEOUT_SECONDS + " s", cmd, null);
      }
      return new Result(p.exitValue() == 0, out, err.join());
    } catch (IOException e) {
      p.destroyForcibly();
      throw new K8snetException("cannot run " + cmd + ": " + e.getMessage(), cmd, e);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new K8snetException("interrupted while running " + cmd, cmd, e);
    }
  }

  private static String readAll(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() {}
}
