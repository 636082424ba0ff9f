package dev.k8snet.cni.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.cni.Attachment;
import dev.k8snet.cni.Calls;
import dev.k8snet.cni.Calls.Outcome;
import dev.k8snet.cni.ipam.HostLocalStore;
import dev.k8snet.cni.plugins.IpamPlugin;
import dev.k8snet.core.IpAddress;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's in-memory IPAM is killed with SIGKILL while clients allocate through it and a
 * standalone plugin allocates from the same directory: after a restart no address was handed out
 * twice, and once the runtime has deleted the attachments whose ADD got no answer, exactly the
 * answered reservations remain on disk, in host-local's format.
 */
class DaemonIpamCrashTest {
  @TempDir Path work;

  private Process startDaemon(Path sock) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                DaemonMain.class.getName(),
                sock.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    assertEquals("ready", r.readLine(), "daemon started");
    return p;
  }

  private static void pause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void awaitAnswers(Map<String, String> answered, int n)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (answered.size() < n && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  @Test
  void killedDaemonNeverHandsOutAnAddressTwiceAndLeaksNothing() throws Exception {
    Path sock = work.resolve("run/cni.sock");
    Path data = work.resolve("data");
    String conf =
        "{\"cniVersion\":\"1.0.0\",\"name\":\"crash\",\"ipam\":{\"type\":\"k8snet-ipam\","
            + "\"dataDir\":\""
            + data
            + "\",\"subnet\":\"10.71.0.0/20\"}}";
    Map<String, String> answered = new ConcurrentHashMap<>(); // cid -> ip
    Set<String> unanswered = ConcurrentHashMap.newKeySet();
    List<String> duplicates = new ArrayList<>();
    Set<String> malformed = ConcurrentHashMap.newKeySet(); // successful answers without an address
    Map<String, String> byIp = new ConcurrentHashMap<>();
    AtomicBoolean stop = new AtomicBoolean();
    Map<String, String> firstFailure = new ConcurrentHashMap<>();
    Process daemon = startDaemon(sock);
    List<Thread> clients = new ArrayList<>();
    for (int t = 0; t < 5; t++) {
      int id = t;
      boolean standalone = t == 4; // the plugin run per call, next to the daemon
      Thread th =
          new Thread(
              () -> {
                for (int n = 0; !stop.get(); n++) {
                  String cid = "c" + id + "-" + n;
                  Map<String, String> env = Calls.env("ADD", cid, "/run/netns/none", "eth0");
                  Outcome o;
                  try {
                    o =
                        standalone
                            ? Calls.run(new IpamPlugin(), env, conf)
                            : DaemonClient.call(sock, "k8snet-ipam", env, conf);
                  } catch (IOException e) {
                    unanswered.add(cid); // the daemon died mid-call, or is restarting
                    firstFailure.putIfAbsent("io", e.toString());
                    pause();
                    continue;
                  }
                  if (o.rc() != 0) {
                    unanswered.add(cid);
                    firstFailure.putIfAbsent("rc", o.stdout());
                    continue;
                  }
                  String ip = o.json().at("/ips/0/address").asText().replace("/20", "");
                  if (ip.isEmpty()) {
                    malformed.add(cid + ": " + o.stdout());
                    continue;
                  }
                  answered.put(cid, ip);
                  String prev = byIp.putIfAbsent(ip, cid);
                  if (prev != null) {
                    synchronized (duplicates) {
                      duplicates.add(ip + " to " + prev + " and " + cid);
                    }
                  }
                }
              });
      th.start();
      clients.add(th);
    }
    awaitAnswers(answered, 100);
    Thread.sleep(new Random().nextInt(200));
    daemon.destroyForcibly(); // SIGKILL mid-operation
    assertTrue(daemon.waitFor(30, TimeUnit.SECONDS));
    int beforeRestart = answered.size();
    daemon = startDaemon(sock);
    try {
      awaitAnswers(answered, beforeRestart + 100);
      stop.set(true);
      for (Thread th : clients) {
        th.join(60_000);
      }
      assertEquals(List.of(), duplicates, "an address was handed out twice");
      assertEquals(Set.of(), malformed, "a successful ADD answered without an address");
      assertTrue(answered.size() > beforeRestart, "allocation went on after the restart");
      assertTrue(
          beforeRestart > 10, "allocations before the kill: " + beforeRestart + " " + firstFailure);
      // The runtime deletes the attachments whose ADD failed or got no answer (spec: DEL follows
      // every ADD), here half of them; GC with the answered ones as valid releases the rest. Both
      // through the restarted daemon's in-memory state.
      int k = 0;
      for (String cid : unanswered) {
        if (k++ % 2 == 0) {
          Outcome del =
              DaemonClient.call(
                  sock, "k8snet-ipam", Calls.env("DEL", cid, "/run/netns/none", "eth0"), conf);
          assertEquals(0, del.rc(), del.stdout());
        }
      }
      String valid =
          answered.keySet().stream()
              .map(cid -> "{\"containerID\":\"" + cid + "\",\"ifname\":\"eth0\"}")
              .collect(Collectors.joining(","));
      String gcConf =
          conf.replace("\"1.0.0\"", "\"1.1.0\"").substring(0, conf.length() - 1)
              + ",\"cni.dev/valid-attachments\":["
              + valid
              + "]}";
      Map<String, String> gcEnv = new HashMap<>();
      gcEnv.put("CNI_COMMAND", "GC");
      gcEnv.put("CNI_PATH", "/usr/lib/cni");
      Outcome gc = DaemonClient.call(sock, "k8snet-ipam", gcEnv, gcConf);
      assertEquals(0, gc.rc(), gc.stdout());
    } finally {
      daemon.destroyForcibly();
      daemon.waitFor(30, TimeUnit.SECONDS);
    }
    HostLocalStore store = new HostLocalStore(data, "crash");
    Map<IpAddress, String> onDisk = new HashMap<>();
    store.reservations().forEach((ip, a) -> onDisk.put(ip, a.containerId()));
    Map<IpAddress, String> expected = new HashMap<>();
    answered.forEach((cid, ip) -> expected.put(IpAddress.parse(ip), cid));
    assertEquals(expected, onDisk, "exactly the answered reservations remain");
    for (Map.Entry<String, String> e : answered.entrySet()) {
      assertEquals(
          e.getKey() + "\r\neth0",
          Files.readString(data.resolve("crash").resolve(e.getValue())),
          "host-local's file format");
      assertEquals(1, store.find(new Attachment(e.getKey(), "eth0")).size(), e.getKey());
    }
    try (Stream<Path> s = Files.list(data.resolve("crash"))) {
      Set<String> names = s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
      assertTrue(names.contains("lock"), names.toString());
      assertTrue(
          names.stream()
              .allMatch(
                  n ->
                      n.equals("lock")
                          || n.startsWith("last_reserved_ip.")
                          || IpAddress.isValid(n)),
          "nothing but host-local's files: " + names);
    }
  }
}
