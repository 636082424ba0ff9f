package dev.k8snet.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.manifest.ManifestReader;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.samples.demo.DemoCluster;
import dev.k8snet.samples.demo.DemoCluster.DemoPod;
import dev.k8snet.samples.demo.Lab;
import dev.k8snet.samples.demo.Probes;
import dev.k8snet.samples.demo.Probes.Conversation;
import dev.k8snet.testkit.Privileged;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * End to end: the demo's two-node cluster, each node running {@code k8snet node} from watched
 * manifests, changed while it runs. Each test leaves the cluster as it found it.
 */
@Privileged(tools = "nft")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoNodeClusterTest {
  private static final Duration SHORT = Duration.ofMillis(800);
  private static Lab lab;
  private static DemoCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    String text;
    try (InputStream in = DemoCommand.class.getResourceAsStream("demo-cluster.yaml")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    ClusterState state =
        ClusterState.of(1, ManifestReader.create().readString("demo-cluster.yaml", text).orThrow());
    lab = Lab.create("k8snet-e2e-" + ProcessHandle.current().pid() + "-");
    cluster = new DemoCluster(lab, state, (format, args) -> {});
    cluster.startNodes();
    cluster.attachPods();
    cluster.publishPods();
  }

  @AfterAll
  static void removeCluster() throws IOException {
    if (cluster != null) {
      cluster.close();
    }
    if (lab != null) {
      lab.close();
      assertTrue(!Files.exists(lab.workDir()), "the lab's work directory is removed");
      try (var names = Files.list(NetworkNamespace.RUN_DIR)) {
        assertEquals(
            0,
            names.filter(p -> p.getFileName().toString().startsWith("k8snet-e2e-")).count(),
            "no namespace is left behind");
      }
    }
  }

  @Test
  @Order(1)
  void podAddedWhileNodesRunReceivesServiceTrafficAndStopsWhenRemoved() throws Exception {
    DemoPod client = cluster.pod("shop/client");
    cluster.attach("shop/web-3", "node-2", "web", Optional.empty(), 8080, true);
    cluster.writePods();
    assertEventually(
        "the new endpoint web-3 receives ClusterIP traffic",
        () -> serviceReply(client).equals("200 \"web-3\""));

    cluster.detach("shop/web-3");
    cluster.writePods();
    assertEventually(
        "web-3 receives no more ClusterIP traffic once its endpoint is gone",
        () -> {
          for (int i = 0; i < 16; i++) {
            String r = serviceReply(client);
            if (!r.equals("200 \"web-1\"") && !r.equals("200 \"web-2\"")) {
              return false;
            }
          }
          return true;
        });
  }

  @Test
  @Order(2)
  void policyChangeTakesEffectWithoutBreakingAnEstablishedConnection() throws Exception {
    DemoPod db = cluster.pod("shop/db-0");
    DemoPod debug = cluster.pod("tools/debug");
    try (Conversation allowed = Probes.converse(cluster.pod("shop/web-1").netns(), db.ip(), 5432)) {
      assertEquals("db-0", allowed.greeting());
      assertEquals("blocked", probe(debug, db));

      cluster.writeManifest(
          "policy.yaml",
          """
          apiVersion: networking.k8s.io/v1
          kind: NetworkPolicy
          metadata: {name: db-from-tools, namespace: shop}
          spec:
            podSelector: {matchLabels: {app: db}}
            ingress:
            - from: [{namespaceSelector: {matchLabels: {team: tools}}}]
              ports: [{protocol: TCP, port: 5432}]
          """);
      assertEventually(
          "tools/debug reaches db-0 once a policy allows it",
          () -> probe(debug, db).equals("db-0"));
      assertEquals("still here", allowed.exchange("still here"), "the web-1 connection survives");

      cluster.removeManifest("policy.yaml");
      assertEventually(
          "tools/debug is blocked again once the policy is gone",
          () -> probe(debug, db).equals("blocked"));
      assertEquals("and here", allowed.exchange("and here"), "the web-1 connection survives");
    }
  }

  @Test
  @Order(3)
  void restartingBothNodesKeepsEstablishedConnectionsAndProgrammedState() throws Exception {
    DemoPod db = cluster.pod("shop/db-0");
    DemoPod client = cluster.pod("shop/client");
    try (Conversation acrossNodes =
        Probes.converse(cluster.pod("shop/web-1").netns(), db.ip(), 5432)) {
      assertEquals("db-0", acrossNodes.greeting());
      for (String node : new String[] {"node-2", "node-1"}) {
        cluster.restartNode(node);
        assertEquals(
            "after restarting " + node,
            acrossNodes.exchange("after restarting " + node),
            "the connection from node-1 to node-2 carries data after the restart");
      }
    }
    assertTrue(serviceReply(client).startsWith("200 \"web-"), "the ClusterIP still answers");
    assertEquals("blocked", probe(cluster.pod("tools/debug"), db), "the policy is still enforced");
  }

  private static String serviceReply(DemoPod client) {
    return Probes.http(client.netns(), DemoCluster.WEB_VIP, 80, "web", "/");
  }

  private static String probe(DemoPod from, DemoPod to) {
    String line = Probes.tcp(from.netns(), to.ip(), 5432, SHORT);
    return line.equals("timed out") ? "blocked" : line;
  }

  private static void assertEventually(String what, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("not within 15 s: " + what);
  }
}
