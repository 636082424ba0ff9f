package dev.k8snet.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.testkit.Privileged;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The README's main command: the two-node demo's report states what really happened. */
@Privileged(tools = "nft")
class DemoCommandTest {

  @Test
  void twoNodeClusterCarriesPodServiceDnsIngressTrafficEnforcesPolicyThenLeavesNothing()
      throws IOException {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = K8snetCommand.newCommandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));

    int exit = cli.execute("demo");

    String report = out.toString();
    assertEquals(0, exit, report + err);
    assertEquals(2, report.lines().filter(l -> l.contains("k8snet node running")).count(), report);
    assertLine(report, "shop/client \\(node-1\\) -> shop/web-1 .*same node.*: 200 \"web-1\"");
    assertLine(report, "shop/client \\(node-1\\) -> shop/web-2 .*across nodes.*: 200 \"web-2\"");
    // 12 requests to the ClusterIP reach both backends (random choice: (1/2)^11 to miss one)
    assertLine(report, "ClusterIP 10\\.96\\.0\\.20:80, 12 requests: web-1 ×\\d+, web-2 ×\\d+");
    assertLine(report, "NodePort 192\\.168\\.56\\.12:30080, 8 requests: web-\\d ×\\d.*");
    assertLine(report, "web\\.shop\\.svc\\.cluster\\.local\\.\\s+A\\s+-> 10\\.96\\.0\\.20");
    assertLine(
        report, "db-0\\.db\\.shop\\.svc\\.cluster\\.local\\.\\s+A\\s+-> 10\\.244\\.2\\.\\d+");
    assertLine(report, "nothing\\.shop\\.svc\\.cluster\\.local\\.\\s+A\\s+-> NXDOMAIN");
    assertLine(report, "Host: shop\\.example: 200 \"web-\\d\"");
    assertLine(report, "Host: unknown\\.example: 404 .*");
    assertLine(report, "shop/web-1 -> shop/db-0 .*: connected, \"db-0\" \\(ALLOWED\\)");
    assertLine(report, "tools/debug -> shop/db-0 .*: blocked, timed out \\(DENIED\\)");
    assertLine(report, "shop/client -> shop/db-0 .*: blocked, timed out \\(DENIED\\)");
    assertLine(
        report, "ingress \\[NetworkPolicy\\] denied: isolated by NetworkPolicy shop/db-from-web.*");
    assertEquals(List.of(), demoNamespaces(), "the demo leaves no namespace behind");
    assertEquals(
        List.of(),
        ProcessHandle.current().children().map(ProcessHandle::info).toList(),
        "the demo leaves no node process behind");
  }

  private static void assertLine(String report, String regex) {
    assertTrue(
        Pattern.compile("^\\s*.*" + regex + "\\s*$", Pattern.MULTILINE).matcher(report).find(),
        () -> "no line matching " + regex + " in:\n" + report);
  }

  private static List<String> demoNamespaces() throws IOException {
    if (!Files.isDirectory(NetworkNamespace.RUN_DIR)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(NetworkNamespace.RUN_DIR)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("k8snet-demo-" + ProcessHandle.current().pid() + "-"))
          .toList();
    }
  }
}
