package dev.k8snet.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.k8snet.core.netlink.Netlink;
import dev.k8snet.core.netns.NetworkNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** Runs sample test classes through the JUnit engine and checks what the extension did. */
@Privileged(tools = "ip")
class NetnsExtensionTest {
  static final List<Path> SEEN = new ArrayList<>();

  static class Sample {
    @NetnsTest
    @Test
    void passes(NetworkNamespace ns, Netlink nl) {
      SEEN.add(ns.path());
      assertEquals(ns, nl.namespace());
      assertTrue(Files.exists(ns.path()));
    }

    @NetnsTest
    @Test
    void failsButIsCleanedUp(NetworkNamespace ns) {
      SEEN.add(ns.path());
      throw new AssertionError("deliberate");
    }
  }

  static class NeedsMissingTool {
    @NetnsTest(tools = "k8snet-no-such-tool")
    @Test
    void neverRuns(NetworkNamespace ns) {
      SEEN.add(ns.path());
    }
  }

  static class LeavesThreadInNamespace {
    @NetnsTest
    @Test
    void entersOnTheTestThread(NetworkNamespace ns) {
      ns.enterOnThisThread();
    }
  }

  private static Events run(Class<?> c, String mode) {
    String old = System.getProperty(Privileges.PROPERTY);
    System.setProperty(Privileges.PROPERTY, mode);
    try {
      return EngineTestKit.engine("junit-jupiter").selectors(selectClass(c)).execute().testEvents();
    } finally {
      if (old == null) {
        System.clearProperty(Privileges.PROPERTY);
      } else {
        System.setProperty(Privileges.PROPERTY, old);
      }
    }
  }

  @Test
  void givesEachTestAFreshNamespaceAndRemovesItEvenOnFailure() {
    SEEN.clear();
    run(Sample.class, "required").assertStatistics(s -> s.succeeded(1).failed(1));
    assertEquals(2, SEEN.size());
    assertFalse(SEEN.get(0).equals(SEEN.get(1)), "one namespace per test");
    for (Path p : SEEN) {
      assertFalse(Files.exists(p), p + " removed");
    }
  }

  @Test
  void missingToolSkipsInAutoModeAndFailsInRequiredMode() {
    SEEN.clear();
    run(NeedsMissingTool.class, "auto").assertStatistics(s -> s.aborted(1).failed(0));
    run(NeedsMissingTool.class, "required").assertStatistics(s -> s.failed(1).aborted(0));
    run(NeedsMissingTool.class, "off").assertStatistics(s -> s.aborted(1));
    assertTrue(SEEN.isEmpty());
  }

  @Test
  void failsATestThatLeavesItsThreadInAnotherNamespace() throws Exception {
    String before = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
    Throwable[] failure = new Throwable[1];
    Thread t =
        new Thread(
            () -> {
              run(LeavesThreadInNamespace.class, "required").assertStatistics(s -> s.failed(1));
            });
    t.setUncaughtExceptionHandler((th, e) -> failure[0] = e);
    t.start();
    t.join();
    if (failure[0] != null) {
      throw new AssertionError(failure[0]);
    }
    assertEquals(before, Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString());
  }

  @Test
  void privilegeCheckNamesWhatIsMissing() {
    assertTrue(Privileges.missing().isEmpty(), "this test runs privileged");
    String why = Privileges.missing("k8snet-no-such-tool").orElseThrow();
    assertTrue(why.contains("tool 'k8snet-no-such-tool'"), why);
    assertNotNull(Privileges.mode());
  }
}
