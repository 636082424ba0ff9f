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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

@Privileged(tools = "ip")
class DemoCommandTest {

  @Test
  void showsPodTrafficDnsAndPolicyVerdictsThenRemovesItsNamespaces() throws IOException {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = K8snetCommand.newCommandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));

    int exit = cli.execute("demo");

    String report = out.toString();
    assertEquals(0, exit, report + err);
    assertTrue(
        report.contains(
            "TCP shop/client 10.244.1.2 -> shop/web-1 10.244.1.3:8080: reply \"hello from web-1\""),
        report);
    assertTrue(
        report.matches("(?s).*web\\.shop\\.svc\\.cluster\\.local\\.\\s+A\\s+-> 10\\.96\\.0\\.10.*"),
        report);
    assertTrue(
        report.matches("(?s).*nothing\\.shop\\.svc\\.cluster\\.local\\.\\s+A\\s+-> NXDOMAIN.*"),
        report);
    assertTrue(report.contains("other/intruder -> shop/web-1:8080/TCP: DENIED"), report);
    assertTrue(report.contains("shop/client -> shop/web-1:8080/TCP: ALLOWED"), report);
    assertEquals(List.of(), demoNamespaces(), "the demo leaves no namespace behind");
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
