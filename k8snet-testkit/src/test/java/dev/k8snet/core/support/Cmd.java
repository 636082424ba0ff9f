package dev.k8snet.core.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.k8snet.core.netns.NetworkNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the reference tools ({@code ip}, {@code nft}, {@code bridge}) inside a test namespace. */
public final class Cmd {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Cmd() {}

  /** Runs {@code ip -j -n NS ARGS…} and parses its JSON output. */
  public static JsonNode ipJson(NetworkNamespace ns, String... args) {
    List<String> cmd =
        new ArrayList<>(List.of("ip", "-j", "-d", "-N", "-n", ns.name().orElseThrow()));
    cmd.addAll(List.of(args));
    return json(run(cmd));
  }

  /** Runs {@code nft -j ARGS…} inside the namespace and parses its JSON output. */
  public static JsonNode nftJson(NetworkNamespace ns, String... args) {
    List<String> cmd =
        new ArrayList<>(List.of("ip", "netns", "exec", ns.name().orElseThrow(), "nft", "-j"));
    cmd.addAll(List.of(args));
    return json(run(cmd));
  }

  /** Runs a command inside the namespace ({@code ip netns exec}) and returns its output. */
  public static String inNs(NetworkNamespace ns, String... args) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns.name().orElseThrow()));
    cmd.addAll(List.of(args));
    return run(cmd);
  }

  private static JsonNode json(String out) {
    try {
      return out.isBlank() ? MAPPER.createArrayNode() : MAPPER.readTree(out);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + out, e);
    }
  }

  /** Runs a command and returns whether it exited 0 (its output is discarded). */
  public static boolean succeeds(List<String> cmd) {
    try {
      Process p =
          new ProcessBuilder(cmd)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timeout: " + cmd);
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      throw new AssertionError("cannot run " + cmd, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted: " + cmd, e);
    }
  }

  /** Runs a command, fails on a non-zero exit, returns standard output. */
  public static String run(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
      byte[] out = p.getInputStream().readAllBytes();
      byte[] err = p.getErrorStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timeout: " + cmd);
      }
      if (p.exitValue() != 0) {
        throw new AssertionError(
            cmd + " exited " + p.exitValue() + ": " + new String(err, StandardCharsets.UTF_8));
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError("cannot run " + cmd, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted: " + cmd, e);
    }
  }
}
