package dev.k8snet.cni.ipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.cni.Calls;
import dev.k8snet.cni.Calls.Outcome;
import dev.k8snet.cni.plugins.IpamPlugin;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The same calls to /usr/lib/cni/host-local and to k8snet-ipam: same results, same files. */
class HostLocalSideBySideTest {
  private static final List<String> HOST_LOCAL = List.of("/usr/lib/cni/host-local");

  @TempDir Path refDir;
  @TempDir Path ourDir;

  private static String conf(Path dir, String version, String ipam) {
    return "{\"cniVersion\":\""
        + version
        + "\",\"name\":\"t1\",\"type\":\"bridge\",\"unknownKey\":{\"x\":1},"
        + "\"ipam\":{\"type\":\"host-local\",\"dataDir\":\""
        + dir
        + "\","
        + ipam
        + "}}";
  }

  private static Outcome ref(String cmd, String cid, String conf) {
    return Calls.exec(HOST_LOCAL, Calls.env(cmd, cid, "/run/netns/none", "eth0"), conf);
  }

  private static Outcome ours(String cmd, String cid, String conf) {
    return Calls.run(new IpamPlugin(), Calls.env(cmd, cid, "/run/netns/none", "eth0"), conf);
  }

  private static Map<String, String> files(Path dir) throws IOException {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir.resolve("t1"))) {
      for (Path p : s.toList()) {
        m.put(p.getFileName().toString(), Files.readString(p, StandardCharsets.UTF_8));
      }
    }
    return m;
  }

  private void both(String cmd, String cid, String version, String ipam) {
    Outcome r = ref(cmd, cid, conf(refDir, version, ipam));
    Outcome o = ours(cmd, cid, conf(ourDir, version, ipam));
    assertEquals(r.rc(), o.rc(), "ref=" + r.stdout() + " ours=" + o.stdout());
    if (r.rc() == 0) {
      assertEquals(r.json(), o.json());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.1.0", "0.2.0", "0.3.1", "0.4.0", "1.0.0"})
  void sameResultsAndFilesThroughAddDelAdd(String version) throws IOException {
    String ipam = "\"subnet\":\"10.9.0.0/24\",\"routes\":[{\"dst\":\"0.0.0.0/0\"}]";
    both("ADD", "ctr-a", version, ipam);
    both("ADD", "ctr-b", version, ipam);
    both("DEL", "ctr-a", version, ipam);
    both("ADD", "ctr-c", version, ipam);
    both("DEL", "ctr-never", version, ipam);
    assertEquals(files(refDir), files(ourDir));
  }

  @Test
  void theDaemonsInMemoryStateGivesTheSameResultsAndFiles() throws IOException {
    IpamPlugin memory = new IpamPlugin(IpamState.inMemory());
    String ipam = "\"subnet\":\"10.9.0.0/24\"";
    for (String[] call :
        new String[][] {{"ADD", "a"}, {"ADD", "b"}, {"DEL", "a"}, {"ADD", "c"}, {"DEL", "x"}}) {
      Outcome r = ref(call[0], call[1], conf(refDir, "1.0.0", ipam));
      Outcome o =
          Calls.run(
              memory,
              Calls.env(call[0], call[1], "/run/netns/none", "eth0"),
              conf(ourDir, "1.0.0", ipam));
      assertEquals(r.rc(), o.rc(), "ref=" + r.stdout() + " ours=" + o.stdout());
      if (r.rc() == 0 && call[0].equals("ADD")) {
        assertEquals(r.json(), o.json());
      }
    }
    assertEquals(files(refDir), files(ourDir));
  }

  @Test
  void theDaemonsInMemoryStateAndHostLocalTakeTurnsOnOneDirectory() throws IOException {
    IpamPlugin memory = new IpamPlugin(IpamState.inMemory());
    String c = conf(ourDir, "1.0.0", "\"subnet\":\"10.9.0.0/24\"");
    Map<String, String> envA = Calls.env("ADD", "a", "/run/netns/none", "eth0");
    assertEquals(
        "10.9.0.2/24", Calls.run(memory, envA, c).ok().json().at("/ips/0/address").asText());
    assertEquals("10.9.0.3/24", ref("ADD", "b", c).ok().json().at("/ips/0/address").asText());
    Map<String, String> envC = Calls.env("ADD", "c", "/run/netns/none", "eth0");
    assertEquals(
        "10.9.0.4/24",
        Calls.run(memory, envC, c).ok().json().at("/ips/0/address").asText(),
        "the daemon noticed host-local's reservation");
    ref("DEL", "a", c).ok();
    Outcome check = Calls.run(memory, Calls.env("CHECK", "a", "/run/netns/none", "eth0"), c);
    assertEquals(1, check.rc(), "the daemon noticed host-local's release");
    assertEquals(
        "10.9.0.5/24", Calls.run(memory, envA, c).ok().json().at("/ips/0/address").asText());
    ref("CHECK", "c", c).ok();
    assertEquals("c\r\neth0", files(ourDir).get("10.9.0.4"));
    assertEquals("a\r\neth0", files(ourDir).get("10.9.0.5"));
    assertEquals("b\r\neth0", files(ourDir).get("10.9.0.3"));
    assertTrue(!files(ourDir).containsKey("10.9.0.2"));
  }

  @Test
  void sameDualStackResults() throws IOException {
    String ipam =
        "\"ranges\":[[{\"subnet\":\"10.9.0.0/24\"}],[{\"subnet\":\"fd00:9::/120\",\"gateway\":\"fd00:9::10\"}]]";
    both("ADD", "ctr-a", "1.0.0", ipam);
    both("ADD", "ctr-b", "1.0.0", ipam);
    assertEquals(files(refDir), files(ourDir));
  }

  @Test
  void sameMultiSubnetWalk() throws IOException {
    String ipam =
        "\"ranges\":[[{\"subnet\":\"10.9.0.0/24\",\"rangeStart\":\"10.9.0.10\",\"rangeEnd\":\"10.9.0.11\"},{\"subnet\":\"10.9.1.0/30\"}]]";
    for (String cid : List.of("a", "b", "c", "d")) {
      both("ADD", cid, "1.0.0", ipam);
    }
    assertEquals(files(refDir), files(ourDir));
  }

  @Test
  void bothRejectTheSameBadInputOursWithSpecCodes() {
    String[][] cases = {
      {"\"subnet\":\"10.9.0.0/31\"", "7"},
      {"\"subnet\":\"banana\"", "7"},
      {"\"ranges\":[[{\"subnet\":\"10.9.0.0/24\"}],[{\"subnet\":\"10.9.0.0/25\"}]]", "7"},
    };
    for (String[] c : cases) {
      Outcome r = ref("ADD", "a", conf(refDir, "1.0.0", c[0]));
      Outcome o = ours("ADD", "a", conf(ourDir, "1.0.0", c[0]));
      assertEquals(1, r.rc());
      assertEquals(999, r.code(), "the reference uses 999");
      assertEquals(Integer.parseInt(c[1]), o.code(), o.stdout());
      assertTrue(
          r.msg().contains(o.msg()) || o.msg().contains(r.msg()), r.msg() + " vs " + o.msg());
    }
  }

  @Test
  void eachTakesOverTheOthersDataDirectory() throws IOException {
    String ipam = "\"subnet\":\"10.9.0.0/24\"";
    String c = conf(refDir, "1.0.0", ipam);
    ref("ADD", "a", c).ok();
    ref("ADD", "b", c).ok();
    ref("DEL", "a", c).ok();
    Outcome mine = ours("ADD", "c", c).ok();
    assertEquals(
        "10.9.0.4/24",
        mine.json().at("/ips/0/address").asText(),
        "continues at host-local's cursor");
    Outcome dup = ours("ADD", "b", c);
    assertEquals(100, dup.code(), "host-local's reservation is seen");
    ref("DEL", "c", c).ok();
    ours("DEL", "b", c).ok();
    Outcome next = ref("ADD", "d", c).ok();
    assertEquals(
        "10.9.0.5/24",
        next.json().at("/ips/0/address").asText(),
        "host-local continues at our cursor");
    ours("CHECK", "d", c).ok();
    assertEquals(
        Map.of("10.9.0.5", "d\r\neth0", "last_reserved_ip.0", "10.9.0.5", "lock", ""),
        files(refDir));
  }

  @Test
  void ourExecutableBehavesLikeTheInProcessPlugin() {
    String c = conf(ourDir, "1.0.0", "\"subnet\":\"10.9.0.0/24\"");
    Outcome o =
        Calls.exec(Calls.ours("k8snet-ipam"), Calls.env("ADD", "a", "/run/netns/none", "eth0"), c)
            .ok();
    Outcome r = ref("ADD", "a", conf(refDir, "1.0.0", "\"subnet\":\"10.9.0.0/24\""));
    assertEquals(r.json(), o.json());
    Outcome v =
        Calls.exec(Calls.ours("k8snet-ipam"), Calls.env("VERSION", null, null, null), "{}").ok();
    assertTrue(v.stdout().contains("\"1.1.0\""), v.stdout());
  }
}
