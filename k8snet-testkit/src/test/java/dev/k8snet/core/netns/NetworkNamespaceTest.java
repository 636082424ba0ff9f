package dev.k8snet.core.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.netlink.Link;
import dev.k8snet.core.netlink.LinkKind;
import dev.k8snet.core.netlink.LinkSpec;
import dev.k8snet.core.netlink.Netlink;
import dev.k8snet.core.support.Cmd;
import dev.k8snet.testkit.NetnsTest;
import dev.k8snet.testkit.Privileged;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class NetworkNamespaceTest {

  private static String threadNs() throws IOException {
    return Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
  }

  private static String uniqueName(String prefix) {
    return prefix + "-" + Long.toHexString(System.nanoTime());
  }

  @Test
  @Privileged(tools = "ip")
  void createsNamedNamespaceVisibleToIpAndDeletesIt() {
    String name = uniqueName("k8snet-life");
    NetworkNamespace ns = NetworkNamespace.create(name);
    try {
      assertEquals(name, ns.name().orElseThrow());
      assertTrue(Cmd.run(List.of("ip", "netns", "list")).contains(name));
      assertTrue(Files.exists(NetworkNamespace.RUN_DIR.resolve(name)));
      try (NetworkNamespace again = NetworkNamespace.openNamed(name)) {
        assertEquals(ns, again);
        assertEquals(ns.inode(), again.inode());
      }
      NetworkNamespaceException dup =
          assertThrows(NetworkNamespaceException.class, () -> NetworkNamespace.create(name));
      assertEquals(17, dup.errno());
    } finally {
      ns.delete();
    }
    assertFalse(Cmd.run(List.of("ip", "netns", "list")).contains(name));
    assertFalse(Files.exists(NetworkNamespace.RUN_DIR.resolve(name)));
  }

  @Test
  @Privileged
  void openingAMissingNamespaceFailsWithEnoent() {
    NetworkNamespaceException e =
        assertThrows(
            NetworkNamespaceException.class, () -> NetworkNamespace.openNamed("k8snet-none-x"));
    assertEquals(2, e.errno());
  }

  @Test
  void rejectsBadNamesBeforeTouchingTheSystem() {
    for (String bad : List.of("", "a/b", "..", "x y", "ü")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> NetworkNamespace.create(bad));
      assertTrue(e.getMessage().startsWith("name: "), e.getMessage());
    }
  }

  @NetnsTest
  @Test
  void runExecutesInsideOnAFreshThreadAndNeverMovesTheCaller(NetworkNamespace ns) throws Exception {
    String before = threadNs();
    Thread caller = Thread.currentThread();
    String inside = ns.run(NetworkNamespaceTest::threadNs);
    Thread worker = ns.run(Thread::currentThread);
    assertEquals("net:[" + ns.inode() + "]", inside);
    assertNotEquals(before, inside);
    assertEquals(before, threadNs());
    assertNotEquals(caller, worker);
  }

  @NetnsTest
  @Test
  void runPropagatesUncheckedAndWrapsCheckedExceptions(NetworkNamespace ns) {
    IllegalStateException boom = new IllegalStateException("boom");
    assertSame(
        boom,
        assertThrows(
            IllegalStateException.class,
            () ->
                ns.run(
                    () -> {
                      throw boom;
                    })));
    NetworkNamespaceException wrapped =
        assertThrows(
            NetworkNamespaceException.class,
            () ->
                ns.run(
                    () -> {
                      throw new IOException("io");
                    }));
    assertTrue(wrapped.getCause() instanceof IOException);
  }

  @NetnsTest
  @Test
  void threadPoolInUseNeverSeesANamespaceItDidNotAskFor(NetworkNamespace ns, Netlink nl)
      throws Exception {
    String host = threadNs();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      // Pool threads use the netlink handle and ns.run() concurrently; afterwards every pool
      // thread must still be in the caller's namespace.
      List<Future<String>> results = new java.util.ArrayList<>();
      for (int i = 0; i < 40; i++) {
        int n = i;
        results.add(
            pool.submit(
                () -> {
                  String inside = ns.run(NetworkNamespaceTest::threadNs);
                  if (nl.link("lo").isEmpty()) {
                    throw new AssertionError("lo missing");
                  }
                  if (n % 2 == 0) {
                    try (Netlink own = ns.netlink()) {
                      own.links();
                    }
                  }
                  return inside + "|" + threadNs();
                }));
      }
      for (Future<String> f : results) {
        String[] parts = f.get().split("\\|", -1);
        assertEquals("net:[" + ns.inode() + "]", parts[0]);
        assertEquals(host, parts[1]);
      }
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < 40; i++) {
        seen.add(pool.submit(NetworkNamespaceTest::threadNs).get());
      }
      assertEquals(Set.of(host), seen);
    } finally {
      pool.shutdownNow();
    }
    assertEquals(host, threadNs());
  }

  @NetnsTest
  @Test
  void netlinkHandleWorksFromAnyThreadButSeesOnlyItsNamespace(NetworkNamespace ns, Netlink nl)
      throws Exception {
    nl.addLink(LinkSpec.of("only-here", LinkKind.bridge()));
    try (Netlink host = Netlink.open()) {
      assertTrue(host.link("only-here").isEmpty());
    }
    Thread t = new Thread(() -> assertTrue(nl.link("only-here").isPresent()));
    t.start();
    t.join();
    List<String> names = nl.links().stream().map(Link::name).sorted().toList();
    assertEquals(List.of("lo", "only-here"), names);
  }

  @NetnsTest
  @Test
  void processesStartedInsideRunInTheNamespace(NetworkNamespace ns, Netlink nl) {
    nl.addLink(LinkSpec.of("proc-br", LinkKind.bridge()));
    String out =
        ns.run(
            () -> {
              Process p = new ProcessBuilder("ip", "-o", "link", "show").start();
              String s =
                  new String(
                      p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
              p.waitFor();
              return s;
            });
    assertTrue(out.contains("proc-br"), out);
  }

  @NetnsTest
  @Test
  void opensByPidAndPath(NetworkNamespace ns) {
    try (NetworkNamespace self = NetworkNamespace.ofPid(ProcessHandle.current().pid());
        NetworkNamespace current = NetworkNamespace.current();
        NetworkNamespace byPath = NetworkNamespace.open(ns.path())) {
      assertEquals(self, current);
      assertEquals(ns, byPath);
      assertNotEquals(ns, self);
    }
  }

  @NetnsTest
  @Test
  void closedNamespaceRefusesUse(NetworkNamespace ns) {
    NetworkNamespace copy = NetworkNamespace.open(ns.path());
    copy.close();
    copy.close();
    assertThrows(IllegalStateException.class, () -> copy.run(() -> 1));
    assertThrows(IllegalStateException.class, copy::netlink);
  }
}
