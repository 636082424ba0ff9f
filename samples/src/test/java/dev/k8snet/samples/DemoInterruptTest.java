package dev.k8snet.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.testkit.Privileged;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code k8snet demo} interrupted half-way still removes everything it created. */
@Privileged(tools = "nft")
class DemoInterruptTest {
  private static final Path TMP = Path.of(System.getProperty("java.io.tmpdir"));

  @Test
  void sigtermWhileTheClusterRunsRemovesNamespacesProcessesAndWorkDirectory() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process demo =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                K8snetCommand.class.getName(),
                "demo",
                "--pause-before-teardown")
            .redirectErrorStream(true)
            .start();
    String prefix = "k8snet-demo-" + demo.pid() + "-"; // of its namespaces and work directory
    StringBuilder output = new StringBuilder();
    List<ProcessHandle> nodes;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null && !line.contains("press Enter")) {
        output.append(line).append('\n');
      }
      assertTrue(line != null, "the demo reached its pause:\n" + output);
      nodes = demo.toHandle().children().toList();
      assertEquals(2, nodes.size(), "one k8snet node process per node:\n" + output);
      assertFalse(namesIn(NetworkNamespace.RUN_DIR, prefix).isEmpty());

      demo.destroy(); // SIGTERM, as Ctrl-C or a supervisor would
      assertTrue(demo.waitFor(60, TimeUnit.SECONDS), "the demo exits after SIGTERM");
    } finally {
      demo.destroyForcibly();
    }
    for (ProcessHandle node : nodes) {
      assertFalse(node.isAlive(), "node process " + node.pid() + " is stopped");
    }
    List<ProcessHandle> orphans = processesMentioning(prefix);
    List<String> described =
        orphans.stream().map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList();
    orphans.forEach(ProcessHandle::destroyForcibly);
    assertEquals(
        List.of(), described, "no process of the demo's (a CNI plugin, a node) outlives it");
    assertEquals(
        List.of(), namesIn(NetworkNamespace.RUN_DIR, prefix), "no namespace is left behind");
    assertEquals(List.of(), namesIn(TMP, prefix), "no work directory is left behind");
  }

  /** Processes whose command line or environment names {@code prefix}: the demo's, by its paths. */
  private static List<ProcessHandle> processesMentioning(String prefix) {
    return ProcessHandle.allProcesses()
        .filter(
            p ->
                mentions(Path.of("/proc", "" + p.pid(), "cmdline"), prefix)
                    || mentions(Path.of("/proc", "" + p.pid(), "environ"), prefix))
        .toList();
  }

  private static boolean mentions(Path file, String text) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(text);
    } catch (IOException e) {
      return false; // the process has gone
    }
  }

  /** Names in {@code dir} starting with {@code prefix}: what the demo created there. */
  private static List<String> namesIn(Path dir, String prefix) throws IOException {
    try (var files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).toList();
    }
  }
}
