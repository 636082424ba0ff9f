package dev.k8snet.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.netlink.Address;
import dev.k8snet.core.netlink.InterfaceAddress;
import dev.k8snet.core.netlink.Link;
import dev.k8snet.core.netlink.Netlink;
import dev.k8snet.core.netlink.Route;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.testkit.NetnsTest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code k8snet node} as an operator runs it: a separate process in a fresh network namespace,
 * following a manifest directory; Services and endpoints it is told about show up in DNS answers
 * and nftables rules; it stops leaving the rules in place, and a restart keeps an established
 * connection through a Service working. It also serves Ingress, with the forwarding fields it is
 * configured to write.
 */
@NetnsTest(tools = {"ip", "nft", "dig"})
class NodeCommandTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int DNS_PORT = 5353;

  @TempDir Path dir;

  private static String node() {
    return """
        apiVersion: v1
        kind: Node
        metadata: {name: node1}
        spec: {podCIDR: 10.244.1.0/24}
        status:
          addresses: [{type: InternalIP, address: 192.168.0.2}]
        """;
  }

  private static String service(String name, String clusterIp) {
    return """
        apiVersion: v1
        kind: Service
        metadata: {name: %s, namespace: default}
        spec:
          clusterIP: %s
          ports: [{name: http, port: 80, targetPort: 8080}]
        """
        .formatted(name, clusterIp);
  }

  private static String slice(String service, String ip) {
    return """
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: %s-1, namespace: default, labels: {kubernetes.io/service-name: %s}}
        addressType: IPv4
        ports: [{name: http, port: 8080, protocol: TCP}]
        endpoints:
        - addresses: [%s]
          nodeName: node1
        """
        .formatted(service, service, ip);
  }

  private void write(String name, String text) throws IOException {
    Path m = dir.resolve("manifests");
    Files.createDirectories(m);
    Path tmp = m.resolve("." + name + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, m.resolve(name), StandardCopyOption.ATOMIC_MOVE);
  }

  /** The node agent as a child process inside the test's namespace. */
  private final class NodeProcess implements AutoCloseable {
    final Process process;
    final Path log;

    NodeProcess(NetworkNamespace ns, String name, String... extra) throws IOException {
      log = dir.resolve(name + ".log");
      List<String> cmd = new ArrayList<>();
      cmd.addAll(List.of("ip", "netns", "exec", ns.name().orElseThrow()));
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path")));
      cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info"); // the lifecycle events
      cmd.add(K8snetCommand.class.getName());
      cmd.addAll(
          List.of(
              "node",
              "--manifests",
              dir.resolve("manifests").toString(),
              "--node-name",
              "node1",
              "--http",
              "127.0.0.1:10290",
              "--dns-listen",
              "127.0.0.1:" + DNS_PORT,
              "--cni-socket",
              dir.resolve("cni.sock").toString(),
              "--state-dir",
              dir.resolve("network").toString(),
              "--cni-conf",
              dir.resolve("10-k8snet.conflist").toString()));
      cmd.addAll(List.of(extra));
      process =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    String log() throws IOException {
      return Files.readString(log, StandardCharsets.UTF_8);
    }

    void awaitStarted() throws Exception {
      await("the node to start", () -> log().contains("k8snet node: node1 running"));
    }

    /** SIGTERM, as the kubelet stops a pod. */
    int stop() throws InterruptedException {
      process.destroy();
      assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the node did not stop on SIGTERM");
      return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
      if (process.isAlive()) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  private static void await(String what, Check check) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!check.ok()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  private static String run(NetworkNamespace ns, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns.name().orElseThrow()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(20, TimeUnit.SECONDS);
    return out;
  }

  private static String dig(NetworkNamespace ns, String name) throws Exception {
    return run(
            ns,
            "dig",
            "@127.0.0.1",
            "-p",
            Integer.toString(DNS_PORT),
            "+short",
            "+tries=1",
            "+time=2",
            name)
        .trim();
  }

  private static String rules(NetworkNamespace ns) throws Exception {
    return run(ns, "nft", "list", "ruleset");
  }

  private static void awaitRules(NetworkNamespace ns, String what, Predicate<String> p)
      throws Exception {
    await(what, () -> p.test(rules(ns)));
  }

  /** One line each way on an established connection. */
  private static void exchange(BufferedReader in, PrintWriter out, String line) throws IOException {
    out.println(line);
    out.flush();
    assertEquals("echo " + line, in.readLine());
  }

  @Test
  void runsTheNodeStackFromWatchedManifestsAndSurvivesARestartWithTrafficFlowing(
      NetworkNamespace ns, Netlink nl) throws Exception {
    Link lo = nl.link("lo").orElseThrow();
    nl.setUp(lo);
    for (String backend : List.of("10.244.1.5", "10.244.1.6")) {
      nl.addAddress(Address.of(lo, new InterfaceAddress(IpAddress.parse(backend), 32)));
    }
    // Locally originated traffic to a ClusterIP needs a route before the proxy's DNAT applies.
    nl.addRoute(Route.builder(Cidr.parse("10.96.0.0/12")).device(lo).build());
    write("node.yaml", node());
    write("web.yaml", service("web", "10.96.0.10") + "---\n" + slice("web", "10.244.1.5"));

    List<ServerSocket> servers = new ArrayList<>();
    try (NodeProcess first = new NodeProcess(ns, "first")) {
      first.awaitStarted();
      assertEquals("10.96.0.10", dig(ns, "web.default.svc.cluster.local"), first.log());
      assertTrue(rules(ns).contains("10.96.0.10"), first.log());

      // A client in the node's namespace talks to the Service; the proxy DNATs to the backend.
      for (String backend : List.of("10.244.1.5", "10.244.1.6")) {
        servers.add(
            ns.run(
                () -> {
                  ServerSocket s = new ServerSocket();
                  s.bind(new InetSocketAddress(IpAddress.parse(backend).toInetAddress(), 8080));
                  return s;
                }));
      }
      servers.forEach(NodeCommandTest::echoServer);
      Socket client =
          ns.run(
              () -> {
                Socket s = new Socket();
                s.connect(new InetSocketAddress(IpAddress.parse("10.96.0.10").toInetAddress(), 80));
                return s;
              });
      try (client) {
        client.setSoTimeout(10_000);
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(client.getOutputStream(), false, StandardCharsets.UTF_8);
        exchange(in, out, "hello from 10.244.1.5's first client");

        // A Service added while the node runs: in DNS and in the rules.
        write("api.yaml", service("api", "10.96.0.11") + "---\n" + slice("api", "10.244.1.5"));
        await("api in DNS", () -> dig(ns, "api.default.svc.cluster.local").equals("10.96.0.11"));
        awaitRules(ns, "api in the rules", r -> r.contains("10.96.0.11"));

        // A bad manifest while running: reported, the last good state stays.
        write("bad.yaml", service("broken", "10.96.0.12").replace("port: 80", "port: 70000"));
        await("the error to be reported", () -> first.log().contains("spec.ports[0].port"));
        assertEquals("10.96.0.11", dig(ns, "api.default.svc.cluster.local"));

        // Stopping leaves the rules in place; the connection keeps working meanwhile.
        int exit = first.stop();
        assertTrue(exit == 0 || exit == 143, "exit " + exit + "\n" + first.log());
        assertTrue(first.log().contains("stopped (programmed state left in place)"), first.log());
        String left = rules(ns);
        assertTrue(left.contains("10.96.0.10") && left.contains("10.96.0.11"), left);
        exchange(in, out, "while the node is down");

        // Restart with the connection established: it survives the resync.
        try (NodeProcess second = new NodeProcess(ns, "second")) {
          second.awaitStarted();
          exchange(in, out, "after the restart");

          // A pod's endpoint changes: the rules follow, new connections go to the new pod.
          write("web.yaml", service("web", "10.96.0.10") + "---\n" + slice("web", "10.244.1.6"));
          awaitRules(ns, "the new endpoint", r -> r.contains("10.244.1.6"));
          Socket fresh =
              ns.run(
                  () -> {
                    Socket s = new Socket();
                    s.connect(
                        new InetSocketAddress(IpAddress.parse("10.96.0.10").toInetAddress(), 80));
                    return s;
                  });
          try (fresh) {
            fresh.setSoTimeout(10_000);
            PrintWriter o = new PrintWriter(fresh.getOutputStream(), false, StandardCharsets.UTF_8);
            BufferedReader i =
                new BufferedReader(
                    new InputStreamReader(fresh.getInputStream(), StandardCharsets.UTF_8));
            o.println("who");
            o.flush();
            assertEquals("echo who", i.readLine());
            assertEquals("10.244.1.6", lastAccepted, "web's only endpoint now");
          }
          int exit2 = second.stop();
          assertTrue(exit2 == 0 || exit2 == 143, "exit " + exit2 + "\n" + second.log());
        }
      }
    } finally {
      for (ServerSocket s : servers) {
        s.close();
      }
    }
  }

  @Test
  void servesIngressWritingOnlyTheConfiguredForwardingFieldsAndClosingIdleClients(
      NetworkNamespace ns, Netlink nl) throws Exception {
    Link lo = nl.link("lo").orElseThrow();
    nl.setUp(lo);
    nl.addAddress(Address.of(lo, new InterfaceAddress(IpAddress.parse("10.244.1.5"), 32)));
    Map<String, String> seen = new ConcurrentHashMap<>();
    HttpServer backend =
        ns.run(() -> HttpServer.create(new InetSocketAddress("10.244.1.5", 8080), 0));
    backend.createContext(
        "/",
        x -> {
          for (String f : List.of("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host")) {
            seen.put(f, String.valueOf(x.getRequestHeaders().getFirst(f)));
          }
          byte[] body = "ok".getBytes(StandardCharsets.US_ASCII);
          x.sendResponseHeaders(200, body.length);
          x.getResponseBody().write(body);
          x.close();
        });
    backend.start();
    write("node.yaml", node());
    write("web.yaml", service("web", "10.96.0.10") + "---\n" + slice("web", "10.244.1.5"));
    write(
        "ingress.yaml",
        """
        apiVersion: networking.k8s.io/v1
        kind: IngressClass
        metadata: {name: k8snet}
        spec: {controller: k8snet.io/ingress-controller}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: web, namespace: default}
        spec:
          ingressClassName: k8snet
          rules:
          - host: web.test
            http:
              paths:
              - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
        """);
    try (NodeProcess node =
        new NodeProcess(
            ns,
            "ingress",
            "--no-cni",
            "--no-proxy",
            "--no-dns",
            "--no-network",
            "--no-policy",
            "--ingress-listen",
            "127.0.0.1:8081",
            "--ingress-forwarded-headers",
            "x-forwarded-for",
            "--ingress-client-idle-timeout",
            "2s")) {
      node.awaitStarted();
      String response =
          ns.run(
              () -> {
                try (Socket s = new Socket()) {
                  s.connect(new InetSocketAddress("127.0.0.1", 8081));
                  s.setSoTimeout(10_000);
                  s.getOutputStream()
                      .write(
                          ("GET / HTTP/1.1\r\nHost: web.test\r\nX-Forwarded-Host: evil.test\r\n"
                                  + "Connection: close\r\n\r\n")
                              .getBytes(StandardCharsets.US_ASCII));
                  return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                }
              });
      assertTrue(response.startsWith("HTTP/1.1 200"), response + "\n" + node.log());
      assertTrue(response.endsWith("ok"), response);
      assertEquals(
          Map.of(
              "X-Forwarded-For", "127.0.0.1",
              "X-Forwarded-Proto", "null",
              "X-Forwarded-Host", "null"),
          seen,
          "only X-Forwarded-For is written; the client's X-Forwarded-Host is removed");
      long idleMillis =
          ns.run(
              () -> {
                try (Socket s = new Socket()) {
                  s.connect(new InetSocketAddress("127.0.0.1", 8081));
                  s.setSoTimeout(20_000); // the default idle timeout, 75 s, would fail this read
                  long t0 = System.nanoTime();
                  assertEquals(-1, s.getInputStream().read(), "closed without a reply");
                  return (System.nanoTime() - t0) / 1_000_000;
                }
              });
      assertTrue(
          idleMillis >= 1_500 && idleMillis < 10_000,
          "--ingress-client-idle-timeout 2s closed an idle client after " + idleMillis + " ms");
    } finally {
      backend.stop(0);
    }
  }

  private static volatile String lastAccepted = "";

  /** Answers each line with {@code echo LINE}, remembering which address accepted. */
  private static void echoServer(ServerSocket server) {
    Thread t =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try {
                  Socket s = server.accept();
                  lastAccepted = server.getInetAddress().getHostAddress();
                  Thread c =
                      new Thread(
                          () -> {
                            try (s;
                                BufferedReader in =
                                    new BufferedReader(
                                        new InputStreamReader(
                                            s.getInputStream(), StandardCharsets.UTF_8));
                                PrintWriter out =
                                    new PrintWriter(
                                        s.getOutputStream(), true, StandardCharsets.UTF_8)) {
                              String line;
                              while ((line = in.readLine()) != null) {
                                out.println("echo " + line);
                              }
                            } catch (IOException e) {
                              // client gone
                            }
                          },
                          "k8snet-kube-test-echo");
                  c.setDaemon(true);
                  c.start();
                } catch (IOException e) {
                  // closed
                }
              }
            },
            "k8snet-kube-test-accept");
    t.setDaemon(true);
    t.start();
  }
}
