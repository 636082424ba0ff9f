package dev.k8snet.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CniCommandTest {
  @TempDir Path bin;

  @Test
  void installsFourPluginLaunchersThatAnswerVersion() throws IOException, InterruptedException {
    assertEquals(
        0, K8snetCommand.newCommandLine().execute("cni", "install", "--bin-dir", bin.toString()));
    for (String name : CniCommand.PLUGINS) {
      Path exe = bin.resolve(name);
      assertTrue(Files.isExecutable(exe), name);
      ProcessBuilder pb = new ProcessBuilder(exe.toString());
      pb.environment().clear();
      pb.environment().put("CNI_COMMAND", "VERSION");
      Process p = pb.redirectError(ProcessBuilder.Redirect.DISCARD).start();
      p.getOutputStream().write("{\"cniVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(60, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue(), name + ": " + out);
      assertTrue(out.startsWith("{\"cniVersion\":\"1.0.0\",\"supportedVersions\":[\"0.1.0\""), out);
      assertTrue(out.contains("\"1.1.0\""), out);
    }
  }

  @Test
  void binDirThatIsAFileIsAUsageError() throws IOException {
    Path file = Files.createFile(bin.resolve("f"));
    assertEquals(
        2, K8snetCommand.newCommandLine().execute("cni", "install", "--bin-dir", file.toString()));
  }

  @Test
  void execRunsAListWithCachingAndGc(@TempDir Path work) throws IOException {
    assertEquals(
        0, K8snetCommand.newCommandLine().execute("cni", "install", "--bin-dir", bin.toString()));
    Path conf = work.resolve("t.conflist");
    Files.writeString(
        conf,
        "{\"cniVersion\":\"1.1.0\",\"name\":\"t\",\"plugins\":[{\"type\":\"k8snet-ipam\",\"ipam\":{\"type\":\"k8snet-ipam\",\"dataDir\":\""
            + work.resolve("data")
            + "\",\"subnet\":\"10.77.0.0/24\"}}]}");
    var cli = K8snetCommand.newCommandLine();
    var out = new java.io.StringWriter();
    cli.setOut(new java.io.PrintWriter(out));
    String[] common = {
      "--conf",
      conf.toString(),
      "--cni-path",
      bin.toString(),
      "--cache-dir",
      work.resolve("cache").toString()
    };
    assertEquals(
        0,
        cli.execute(
            concat(
                new String[] {
                  "cni", "exec", "ADD", "--netns", "/run/netns/none", "--container-id", "c1"
                },
                common)));
    assertTrue(out.toString().contains("\"address\":\"10.77.0.2/24\""), out.toString());
    assertTrue(Files.exists(work.resolve("cache/results/t-c1-eth0")));
    assertEquals(0, cli.execute(concat(new String[] {"cni", "exec", "GC"}, common)));
    assertTrue(out.toString().contains("deleted c1/eth0"), out.toString());
    assertTrue(Files.notExists(work.resolve("data/t/10.77.0.2")));
    assertEquals(
        2,
        K8snetCommand.newCommandLine()
            .execute(concat(new String[] {"cni", "exec", "FOO"}, common)));
  }

  private static String[] concat(String[] a, String[] b) {
    String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  @Test
  void installedClientsTalkToTheDaemon(@TempDir Path run) throws Exception {
    assertEquals(
        0, K8snetCommand.newCommandLine().execute("cni", "install", "--bin-dir", bin.toString()));
    byte[] elf = Files.readAllBytes(bin.resolve("k8snet-loopback"));
    assertEquals(
        "\u007fELF", new String(elf, 0, 4, StandardCharsets.ISO_8859_1), "a native client");
    Path sock = run.resolve("cni.sock");
    try (dev.k8snet.cni.daemon.CniDaemon d = new dev.k8snet.cni.daemon.CniDaemon(sock)) {
      d.start();
      ProcessBuilder pb = new ProcessBuilder(bin.resolve("k8snet-loopback").toString());
      pb.environment().clear();
      pb.environment().put("CNI_COMMAND", "VERSION");
      pb.environment().put("K8SNET_CNI_SOCKET", sock.toString());
      Process p = pb.redirectError(ProcessBuilder.Redirect.DISCARD).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue(), out);
      assertTrue(out.startsWith("{\"cniVersion\":\"1.1.0\""), out);
      assertEquals(
          1L,
          d.metrics().byCall().get("k8snet-loopback VERSION").calls(),
          "answered by the daemon");
      StringWriter metrics = new StringWriter();
      CommandLine cl = K8snetCommand.newCommandLine();
      cl.setOut(new PrintWriter(metrics));
      assertEquals(0, cl.execute("cni", "metrics", "--socket", sock.toString()));
      assertTrue(
          metrics.toString().contains("\"k8snet-loopback VERSION\":{\"calls\":1,"),
          metrics.toString());
    }
  }
}
