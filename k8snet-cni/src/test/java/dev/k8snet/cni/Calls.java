package dev.k8snet.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs plugins in-process or as executables, for tests. */
public final class Calls {
  public static final ObjectMapper JSON = new ObjectMapper();

  private Calls() {}

  /** What a call printed and returned. */
  public record Outcome(int rc, String stdout, String stderr) {
    public JsonNode json() {
      try {
        return JSON.readTree(stdout);
      } catch (IOException e) {
        throw new UncheckedIOException(stdout, e);
      }
    }

    public Outcome ok() {
      assertEquals(0, rc, "stdout=" + stdout + " stderr=" + stderr);
      return this;
    }

    public int code() {
      assertEquals(1, rc, stdout);
      return json().get("code").asInt();
    }

    public String msg() {
      return json().get("msg").asText();
    }
  }

  /** The environment of a call. */
  public static Map<String, String> env(String command, String cid, String netns, String ifname) {
    Map<String, String> env = new HashMap<>();
    env.put("CNI_COMMAND", command);
    if (cid != null) {
      env.put("CNI_CONTAINERID", cid);
    }
    if (netns != null) {
      env.put("CNI_NETNS", netns);
    }
    if (ifname != null) {
      env.put("CNI_IFNAME", ifname);
    }
    env.put("CNI_PATH", "/usr/lib/cni");
    return env;
  }

  public static Outcome run(CniPlugin plugin, Map<String, String> env, String config) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      rc =
          CniPluginRunner.run(
              plugin, env, config.getBytes(StandardCharsets.UTF_8), o, e, "test plugin");
    }
    return new Outcome(
        rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Executes {@code exe} with exactly {@code env} (plus PATH) and {@code config} on stdin. */
  public static Outcome exec(List<String> cmd, Map<String, String> env, String config) {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    pb.environment().putAll(env);
    try {
      Path errFile = java.nio.file.Files.createTempFile("cni-stderr", ".txt");
      pb.redirectError(errFile.toFile());
      Process p = pb.start();
      try (var in = p.getOutputStream()) {
        in.write(config.getBytes(StandardCharsets.UTF_8));
      }
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timeout: " + cmd);
      }
      byte[] err = java.nio.file.Files.readAllBytes(errFile);
      java.nio.file.Files.delete(errFile);
      return new Outcome(
          p.exitValue(),
          new String(out, StandardCharsets.UTF_8),
          new String(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The command that runs one of our plugins in a fresh JVM with the test classpath. */
  public static List<String> ours(String plugin) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return List.of(
        java,
        "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC",
        "-Xshare:auto",
        "-cp",
        System.getProperty("java.class.path"),
        "dev.k8snet.cni.plugins.PluginMain",
        plugin);
  }
}
