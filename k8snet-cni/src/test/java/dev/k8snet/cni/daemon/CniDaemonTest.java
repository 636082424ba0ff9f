package dev.k8snet.cni.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.cni.Calls;
import dev.k8snet.cni.Calls.Outcome;
import dev.k8snet.cni.plugins.IpamPlugin;
import dev.k8snet.cni.plugins.PluginMain;
import java.io.IOException;
import java.io.InputStream;
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

  private Path compile(String plugin, Path fallback) throws IOException, InterruptedException {
    Path src = dir.resolve("client.c");
    try (InputStream in = CniDaemon.class.getResourceAsStream("k8snet-cni-client.c")) {
      Files.write(src, in.readAllBytes());
    }
    Path exe = dir.resolve(plugin);
    Process gcc =
        new ProcessBuilder(
                "gcc",
                "-O2",
                "-Wall",
                "-Werror",
                "-DPLUGIN=\"" + plugin + "\"",
                "-DFALLBACK=\"" + fallback + "\"",
                "-o",
                exe.toString(),
                src.toString())
            .inheritIO()
            .start();
    assertEquals(0, gcc.waitFor());
    return exe;
  }

  @Test
  void clientThroughDaemonAnswersLikeThePluginAndFallsBackWithoutIt() throws Exception {
    Path fallback = dir.resolve("standalone");
    Files.writeString(fallback, "#!/bin/sh\ncat >/dev/null\necho '{\"fallback\":true}'\nexit 3\n");
    Files.setPosixFilePermissions(fallback, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path client = compile("k8snet-ipam", fallback);
    Path sock = dir.resolve("run/cni.sock");
    Path data = dir.resolve("data");
    String conf =
        "{\"cniVersion\":\"1.0.0\",\"name\":\"d1\",\"ipam\":{\"type\":\"k8snet-ipam\",\"dataDir\":\""
            + data
            + "\",\"subnet\":\"10.70.0.0/24\"}}";
    try (CniDaemon daemon = new CniDaemon(sock, PluginMain::plugin)) {
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
      long deadline = System.nanoTime() + 2_000_000_000L;
      while (daemon.statistics().getOrDefault("DEL", 0L) < 1 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(2L, daemon.statistics().get("ADD"));
      assertEquals(1L, daemon.statistics().get("DEL"));
      assertTrue(daemon.statistics().get("ADD.nanos") > 0);
    }
    Map<String, String> env = Calls.env("ADD", "ctr-c", "/run/netns/none", "eth0");
    env.put("K8SNET_CNI_SOCKET", sock.toString());
    Outcome standalone = Calls.exec(List.of(client.toString()), env, conf);
    assertEquals(3, standalone.rc());
    assertEquals("{\"fallback\":true}\n", standalone.stdout());
  }
}
