package dev.k8snet.cni.daemon;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.cni.Calls;
import dev.k8snet.cni.Calls.Outcome;
import dev.k8snet.cni.plugins.IpamPlugin;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon with the thin C client compiled by gcc: same answers as the plugin in-process. */
class CniDaemonTest {
  @TempDir Path dir;

  /** The client the Maven build compiled, installed as {@code plugin} next to {@code fallback}. */
  private Path install(String plugin, String fallbackScript) throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path exe = bin.resolve(plugin);
    try (InputStream in =
        CniDaemon.class.getResourceAsStream("k8snet-cni-client-" + System.getProperty("os.arch"))) {
      assertNotNull(in, "the Maven build compiled the thin client");
      Files.write(exe, in.readAllBytes());
    }
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path fallback = bin.resolve("." + plugin + "-jvm");
    Files.writeString(fallback, fallbackScript);
    Files.setPosixFilePermissions(fallback, PosixFilePermissions.fromString("rwxr-xr-x"));
    return exe;
  }

  @Test
  void clientThroughDaemonAnswersLikeThePluginAndFallsBackWithoutIt() throws Exception {
    Path client =
        install("k8snet-ipam", "#!/bin/sh\ncat >/dev/null\necho '{\"fallback\":true}'\nexit 3\n");
    Path sock = dir.resolve("run/cni.sock");
    Path data = dir.resolve("data");
    String conf =
        "{\"cniVersion\":\"1.0.0\",\"name\":\"d1\",\"ipam\":{\"type\":\"k8snet-ipam\",\"dataDir\":\""
            + data
            + "\",\"subnet\":\"10.70.0.0/24\"}}";
    try (CniDaemon daemon = new CniDaemon(sock)) {
      daemon.start();
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
      assertEquals(
          "rwx------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(sock.getParent())));
      Map<String, String> env = Calls.env("ADD", "ctr-a", "/run/netns/none", "eth0");
      env.put("K8SNET_CNI_SOCKET", sock.toString());
      Outcome viaDaemon = Calls.exec(List.of(client.toString()), env, conf).ok();
      assertEquals(
          "{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.70.0.2/24\",\"gateway\":\"10.70.0.1\"}],\"dns\":{}}",
          viaDaemon.stdout());
      Outcome dup = Calls.exec(List.of(client.toString()), env, conf);
      assertEquals(1, dup.rc());
      assertEquals(100, dup.code());
      Map<String, String> inProcessEnv = Calls.env("ADD", "ctr-b", "/run/netns/none", "eth0");
      Outcome inProcess = Calls.run(new IpamPlugin(), inProcessEnv, conf).ok();
      assertEquals("10.70.0.3/24", inProcess.json().at("/ips/0/address").asText());
      env.put("CNI_COMMAND", "DEL");
      assertEquals("", Calls.exec(List.of(client.toString()), env, conf).ok().stdout());
      assertTrue(Files.notExists(data.resolve("d1/10.70.0.2")));
      CniMetrics m = daemon.metrics();
      CniMetrics.Verb add = m.byCall().get("k8snet-ipam ADD");
      assertEquals(2L, add.calls());
      assertEquals(1L, add.failures(), "the duplicate ADD");
      assertEquals(List.of("parse", "ipam", "result"), List.copyOf(add.phases().keySet()));
      assertEquals(1L, m.byCall().get("k8snet-ipam DEL").calls());
      assertEquals("DEL", m.last().orElseThrow().verb());
      String json = CniDaemon.requestMetrics(sock);
      assertTrue(json.contains("\"k8snet-ipam ADD\":{\"calls\":2,\"failures\":1,"), json);
    }
    Map<String, String> env = Calls.env("ADD", "ctr-c", "/run/netns/none", "eth0");
    env.put("K8SNET_CNI_SOCKET", sock.toString());
    Outcome standalone = Calls.exec(List.of(client.toString()), env, conf);
    assertEquals(3, standalone.rc());
    assertEquals("{\"fallback\":true}\n", standalone.stdout());
  }

  /** A daemon stand-in that reads one request and answers with {@code reply}. */
  private static Thread answerOnce(Path sock, byte[] reply) throws IOException {
    Files.createDirectories(sock.getParent());
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(sock));
    Thread t =
        new Thread(
            () -> {
              try (server;
                  SocketChannel c = server.accept()) {
                Channels.newInputStream(c).readAllBytes();
                c.write(ByteBuffer.wrap(reply));
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    t.start();
    return t;
  }

  @Test
  void anAnswerCutShortIsAnErrorAndNothingOfItIsPrinted() throws Exception {
    Path client = install("k8snet-ipam", "#!/bin/sh\nexit 7\n");
    Path sock = dir.resolve("run/cut.sock");
    String full = "{\"cniVersion\":\"1.0.0\",\"ips\":[]}";
    Thread daemon =
        answerOnce(sock, ("0 " + full.length() + "\n" + full.substring(0, 9)).getBytes(UTF_8));
    Map<String, String> env = Calls.env("ADD", "ctr-d", "/run/netns/none", "eth0");
    env.put("K8SNET_CNI_SOCKET", sock.toString());
    Outcome cut = Calls.exec(List.of(client.toString()), env, "{}");
    daemon.join(10_000);
    assertEquals(1, cut.rc());
    assertEquals(11, cut.code());
    assertTrue(cut.stdout().startsWith("{\"code\":11,"), cut.stdout());
  }

  @Test
  void aCompleteAnswerIsPrintedAsSentWithItsExitCode() throws Exception {
    Path client = install("k8snet-ipam", "#!/bin/sh\nexit 7\n");
    Path sock = dir.resolve("run/whole.sock");
    String body = "{\"code\":100,\"msg\":\"x\"}\n";
    Thread daemon = answerOnce(sock, ("1 " + body.length() + "\n" + body).getBytes(UTF_8));
    Map<String, String> env = Calls.env("ADD", "ctr-e", "/run/netns/none", "eth0");
    env.put("K8SNET_CNI_SOCKET", sock.toString());
    Outcome whole = Calls.exec(List.of(client.toString()), env, "{}");
    daemon.join(10_000);
    assertEquals(1, whole.rc());
    assertEquals(body, whole.stdout());
  }

  @Test
  void theJavaSideRejectsAnswersThatAreCutShortOrHaveNoHeader() throws Exception {
    assertEquals(new CniDaemon.Answer(0, "{}"), CniDaemon.parseAnswer("0 2\n{}".getBytes(UTF_8)));
    assertEquals(new CniDaemon.Answer(3, ""), CniDaemon.parseAnswer("3 0\n".getBytes(UTF_8)));
    IOException cut =
        assertThrows(IOException.class, () -> CniDaemon.parseAnswer("0 5\n{}".getBytes(UTF_8)));
    assertTrue(cut.getMessage().contains("2 of 5 bytes"), cut.getMessage());
    assertThrows(IOException.class, () -> CniDaemon.parseAnswer("0\n".getBytes(UTF_8)));
    assertThrows(IOException.class, () -> CniDaemon.parseAnswer(new byte[0]));
    assertThrows(IOException.class, () -> CniDaemon.parseAnswer("x 1\n{".getBytes(UTF_8)));
  }
}
