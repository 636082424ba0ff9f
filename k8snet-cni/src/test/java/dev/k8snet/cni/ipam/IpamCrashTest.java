package dev.k8snet.cni.ipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.cni.Attachment;
import dev.k8snet.core.IpAddress;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many processes allocate from one data directory at once and some are killed with SIGKILL at
 * random moments: no address is ever handed out twice, and after GC nothing leaks.
 */
class IpamCrashTest {
  @TempDir Path data;

  @Test
  void concurrentKilledAllocatorsNeverShareAnAddressAndGcLeavesNoLeak() throws Exception {
    int procs = 6;
    Random random = new Random(42);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Process> ps = new ArrayList<>();
    Map<String, String> printed = new ConcurrentHashMap<>(); // cid -> ip
    Map<String, String> byIp = new ConcurrentHashMap<>();
    List<String> duplicates = new ArrayList<>();
    List<Thread> readers = new ArrayList<>();
    for (int p = 0; p < procs; p++) {
      Process proc =
          new ProcessBuilder(
                  java,
                  "-XX:TieredStopAtLevel=1",
                  "-XX:+UseSerialGC",
                  "-cp",
                  System.getProperty("java.class.path"),
                  IpamStress.class.getName(),
                  data.toString(),
                  "p" + p,
                  "400")
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      ps.add(proc);
      Thread t =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = r.readLine()) != null) {
                    String[] f = line.split(" ");
                    printed.put(f[0], f[1]);
                    String prev = byIp.putIfAbsent(f[1], f[0]);
                    if (prev != null) {
                      synchronized (duplicates) {
                        duplicates.add(f[1] + " to " + prev + " and " + f[0]);
                      }
                    }
                  }
                } catch (IOException e) {
                  // the process was killed
                }
              });
      t.start();
      readers.add(t);
    }
    // Kill half of them at random moments while they allocate.
    int killed = 0;
    for (int p = 0; p < procs; p += 2) {
      Thread.sleep(400 + random.nextInt(1200));
      ps.get(p).destroyForcibly(); // SIGKILL
      killed++;
    }
    for (Process p : ps) {
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "allocator finished");
    }
    for (Thread t : readers) {
      t.join(10_000);
    }
    assertEquals(List.of(), duplicates, "an address was handed out twice");
    assertTrue(
        printed.size() >= (procs - killed) * 400,
        "survivors allocated everything: " + printed.size());

    HostLocalStore store = new HostLocalStore(data, "stress");
    Map<IpAddress, Attachment> reservations = store.reservations();
    for (Map.Entry<String, String> e : printed.entrySet()) {
      assertEquals(
          new Attachment(e.getKey(), "eth0"),
          reservations.get(IpAddress.parse(e.getValue())),
          "reservation on disk for " + e);
    }
    List<Attachment> valid = new ArrayList<>();
    printed.keySet().forEach(cid -> valid.add(new Attachment(cid, "eth0")));
    store.gc(valid);
    Map<IpAddress, String> after = new HashMap<>();
    store.reservations().forEach((ip, a) -> after.put(ip, a.containerId()));
    Map<IpAddress, String> expected = new HashMap<>();
    printed.forEach((cid, ip) -> expected.put(IpAddress.parse(ip), cid));
    assertEquals(expected, after, "after GC exactly the handed-out addresses remain");
    // The index is consistent after the kills: every survivor is found by attachment.
    for (String cid : printed.keySet()) {
      assertEquals(1, store.find(new Attachment(cid, "eth0")).size(), cid);
    }
  }
}
