package dev.k8snet.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DnsCommandTest {
  static String dig(int port, String name) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                "dig",
                "@127.0.0.1",
                "-p",
                Integer.toString(port),
                "+short",
                "+tries=1",
                "+time=1",
                name)
            .redirectErrorStream(true)
            .start();
    assertTrue(p.waitFor(10, TimeUnit.SECONDS));
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
  }

  static int freePort() throws IOException {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      return s.getLocalPort();
    }
  }

  @Test
  void servesAWatchedManifestDirectoryUntilStopped(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("svc.yaml"),
        "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\n"
            + "spec: {clusterIP: 10.96.0.10, ports: [{name: http, port: 80}]}\n",
        StandardCharsets.UTF_8);
    int port = freePort();
    CommandLine cli = K8snetCommand.newCommandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));
    AtomicInteger exit = new AtomicInteger(-1);
    Thread t =
        new Thread(
            () ->
                exit.set(
                    cli.execute(
                        "dns",
                        "serve",
                        "--manifests",
                        dir.toString(),
                        "--zone",
                        "corp.internal",
                        "--listen",
                        "127.0.0.1:" + port)));
    t.start();
    try {
      String answer = "";
      for (int i = 0; i < 100 && !answer.equals("10.96.0.10"); i++) {
        answer = dig(port, "web.default.svc.corp.internal");
        Thread.sleep(50);
      }
      assertEquals("10.96.0.10", answer, err.toString());
      Files.writeString(
          dir.resolve("api.yaml"),
          "apiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: default}\n"
              + "spec: {clusterIP: 10.96.0.20, ports: [{port: 80}]}\n",
          StandardCharsets.UTF_8);
      String api = "";
      for (int i = 0; i < 40 && !api.equals("10.96.0.20"); i++) {
        Thread.sleep(50);
        api = dig(port, "api.default.svc.corp.internal");
      }
      assertEquals("10.96.0.20", api);
    } finally {
      t.interrupt();
      t.join(10_000);
    }
    assertEquals(0, exit.get());
    assertTrue(err.toString().contains("serving corp.internal on"), err.toString());
  }

  @Test
  void rejectsABadListenAddressWithExitCode2() {
    CommandLine cli = K8snetCommand.newCommandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute("dns", "serve", "--manifests", ".", "--listen", "localhost");
    assertEquals(2, code);
    assertTrue(err.toString().contains("--listen: localhost (expected: ADDR:PORT"), err.toString());
  }
}
