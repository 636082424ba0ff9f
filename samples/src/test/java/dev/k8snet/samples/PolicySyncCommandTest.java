package dev.k8snet.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.core.nftables.NftRuleset;
import dev.k8snet.core.nftables.Nftables;
import dev.k8snet.testkit.NetnsTest;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code k8snet policy sync} programs the namespace it runs in. */
@NetnsTest(tools = "nft")
class PolicySyncCommandTest {
  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private static Run run(NetworkNamespace ns, String... args) {
    return ns.run(
        () -> {
          CommandLine cli = K8snetCommand.newCommandLine();
          StringWriter out = new StringWriter();
          StringWriter err = new StringWriter();
          cli.setOut(new PrintWriter(out));
          cli.setErr(new PrintWriter(err));
          int exit = cli.execute(args);
          return new Run(exit, out.toString(), err.toString());
        });
  }

  private Path manifests() throws IOException {
    Path m = dir.resolve("cluster");
    Files.createDirectories(m);
    Files.writeString(
        m.resolve("pods.yaml"),
        PolicyCommandTest.CLUSTER
            + """
            ---
            apiVersion: v1
            kind: Node
            metadata: {name: n1}
            status: {addresses: [{type: InternalIP, address: 192.168.1.1}]}
            """);
    return m;
  }

  @Test
  void onceProgramsTheTableAndExits(NetworkNamespace ns) throws IOException {
    Path m = manifests();
    Run r = run(ns, "policy", "sync", "--manifests", m.toString(), "--node-name", "n1", "--once");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.err().startsWith("full sync: 1 transaction(s)"), r.err());
    try (Nftables nft = ns.nftables()) {
      NftRuleset t = nft.table("inet", "k8snet-policy");
      assertTrue(t.chain("inet", "k8snet-policy", "np/x/allow-b/ingress").isPresent());
      assertEquals(
          java.util.List.of("10.0.1.1"),
          t.set("inet", "k8snet-policy", "isolated-ingress4").orElseThrow().elements());
    }
    Run again =
        run(ns, "policy", "sync", "--manifests", m.toString(), "--node-name", "n1", "--once");
    assertEquals(0, again.exit(), again.err());
    ns.sysctls().set("net.bridge.bridge-nf-call-iptables", "0");
    Run bypassed =
        run(ns, "policy", "sync", "--manifests", m.toString(), "--node-name", "n1", "--once");
    assertEquals(0, bypassed.exit(), bypassed.err());
    assertTrue(
        bypassed.err().contains("warning: net.bridge.bridge-nf-call-iptables is 0"),
        bypassed.err());
  }

  @Test
  void renderPrintsALoadableScript(NetworkNamespace ns) throws IOException {
    Path m = manifests();
    Run r =
        run(
            ns,
            "policy",
            "render",
            "--manifests",
            m.toString(),
            "--node-name",
            "n1",
            "--log-denied");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("log prefix \"k8snet-policy ingress denied: isolated by"), r.out());
    try (Nftables nft = ns.nftables()) {
      nft.check(r.out());
    }
  }

  @Test
  void withoutOnceItFollowsTheDirectory(NetworkNamespace ns) throws Exception {
    Path m = manifests();
    AtomicReference<Thread> worker = new AtomicReference<>();
    StringWriter err = new StringWriter();
    Thread t =
        new Thread(
            () ->
                ns.execute(
                    () -> {
                      worker.set(Thread.currentThread());
                      CommandLine cli = K8snetCommand.newCommandLine();
                      cli.setErr(new PrintWriter(err, true));
                      try {
                        cli.execute(
                            "policy", "sync", "--manifests", m.toString(), "--node-name", "n1");
                      } catch (RuntimeException e) {
                        // interrupted at the end of the test
                      }
                    }));
    t.setDaemon(true);
    t.start();
    try (Nftables nft = ns.nftables()) {
      waitFor(
          () ->
              nft.table("inet", "k8snet-policy")
                  .chain("inet", "k8snet-policy", "ingress-np")
                  .isPresent());
      Files.writeString(
          m.resolve("deny.yaml"),
          """
          apiVersion: networking.k8s.io/v1
          kind: NetworkPolicy
          metadata: {name: deny-y, namespace: y}
          spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
          """);
      waitFor(
          () ->
              nft.table("inet", "k8snet-policy")
                  .set("inet", "k8snet-policy", "isolated-egress4")
                  .orElseThrow()
                  .elements()
                  .contains("10.0.2.1"));
      // Elements only: the policy isolates and has no rules, so no chain changes. (The report
      // is printed just after the transaction.)
      waitFor(
          () ->
              err.toString()
                  .contains("partial sync: 1 transaction(s), +2/-0 elements, +0/~0/-0 chains"));
    } finally {
      while (worker.get() == null) {
        Thread.onSpinWait();
      }
      worker.get().interrupt();
      t.join(10_000);
    }
  }

  private static void waitFor(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!holds(condition)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out");
      }
      Thread.sleep(50);
    }
  }

  private static boolean holds(java.util.function.BooleanSupplier condition) {
    try {
      return condition.getAsBoolean();
    } catch (RuntimeException e) {
      return false; // not there yet
    }
  }

  @Test
  void badInputExitsTwo(NetworkNamespace ns) throws IOException {
    Path m = manifests();
    Run noNode = run(ns, "policy", "sync", "--manifests", m.toString(), "--once");
    assertEquals(2, noNode.exit());
    assertTrue(noNode.err().contains("--node-name"), noNode.err());
    Run badTable =
        run(
            ns,
            "policy",
            "sync",
            "--manifests",
            m.toString(),
            "--node-name",
            "n1",
            "--table",
            "no way",
            "--once");
    assertEquals(2, badTable.exit());
    assertTrue(badTable.err().contains("--table: no way"), badTable.err());
    Run missing =
        run(
            ns,
            "policy",
            "sync",
            "--manifests",
            dir.resolve("nope").toString(),
            "--node-name",
            "n1",
            "--once");
    assertEquals(2, missing.exit());
    assertTrue(missing.err().contains("no such file or directory"), missing.err());
    Run unknownNode =
        run(ns, "policy", "sync", "--manifests", m.toString(), "--node-name", "n9", "--once");
    assertEquals(0, unknownNode.exit(), unknownNode.err());
    assertTrue(unknownNode.err().contains("warning: no Node n9"), unknownNode.err());
    assertTrue(unknownNode.err().contains("nothing to enforce"), unknownNode.err());
  }
}
