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
      assertFalse(namespacesOf(demo.pid()).isEmpty());

      demo.destroy(); // SIGTERM, as Ctrl-C or a supervisor would
      assertTrue(demo.waitFor(60, TimeUnit.SECONDS), "the demo exits after SIGTERM");
    } finally {
      demo.destroyForcibly();
    }
    String prefix = "k8snet-demo-" + demo.pid() + "-";
    for (ProcessHandle node : nodes) {
      assertFalse(node.isAlive(), "node process " + node.pid() + " is stopped");
    }
    List<ProcessHandle> orphans = processesMentioning(prefix);
    List<String> described =
        orphans.stream().map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList();
    orphans.forEach(ProcessHandle::destroyForcibly);
    assertEquals(
        List.of(), described, "no process of the demo's (a CNI plugin, a node) outlives it");
    assertEquals(List.of(), namespacesOf(demo.pid()), "no namespace is left behind");
    assertEquals(List.of(), workDirectoriesOf(demo.pid()), "no work directory is left behind");
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

  private static List<String> workDirectoriesOf(long pid) throws Exception {
    try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("k8snet-demo-" + pid + "-"))
          .toList();
    }
  }

  private static List<String> namespacesOf(long pid) throws Exception {
    try (var files = Files.list(NetworkNamespace.RUN_DIR)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("k8snet-demo-" + pid + "-"))
          .toList();
    }
  }
}
