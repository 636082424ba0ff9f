package dev.k8snet.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
}
