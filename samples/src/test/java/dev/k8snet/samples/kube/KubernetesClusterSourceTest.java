package dev.k8snet.samples.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.K8snetException;
import dev.k8snet.core.cluster.ClusterChange;
import dev.k8snet.core.cluster.ClusterListener;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.cluster.ClusterUpdate;
import dev.k8snet.core.manifest.ManifestException;
import dev.k8snet.core.model.AdminNetworkPolicy;
import dev.k8snet.core.model.EndpointSlice;
import dev.k8snet.core.model.Pod;
import dev.k8snet.core.model.Service;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes API server source against fabric8's mock API server in CRUD mode: what is created,
 * changed and deleted there arrives as cluster updates in the core model.
 */
class KubernetesClusterSourceTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private KubernetesMockServer server;
  private KubernetesClient admin;
  private final List<ClusterUpdate> updates = new CopyOnWriteArrayList<>();
  private final List<K8snetException> errors = new CopyOnWriteArrayList<>();
  private final ClusterListener listener =
      new ClusterListener() {
        @Override
        public void onUpdate(ClusterUpdate update) {
          updates.add(update);
        }

        @Override
        public void onError(K8snetException error) {
          errors.add(error);
        }
      };

  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  @BeforeAll
  static void quietMockServer() {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING); // it logs every request at INFO
  }

  @BeforeEach
  void startServer() {
    List<CustomResourceDefinitionContext> crds =
        KubeKind.NODE_STACK.stream()
            .filter(KubeKind::optional)
            .map(
                k ->
                    new CustomResourceDefinitionContext.Builder()
                        .withGroup(k.group())
                        .withVersion(k.version())
                        .withKind(k.kind())
                        .withPlural(k.plural())
                        .withScope("Cluster")
                        .build())
            .toList();
    // CRUD mode, plus expectations where a test sets them (a kind the server does not serve).
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            expectations,
            new KubernetesMixedDispatcher(expectations, crds),
            false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    admin = server.createClient();
  }

  @AfterEach
  void stopServer() {
    admin.close();
    try {
      server.destroy();
    } catch (IllegalStateException e) {
      // Vert.x may not finish closing a connection the outage test cut within the mock's own
      // timeout on a loaded machine; the server is gone either way and nothing else shares it.
    }
  }

  private KubernetesClusterSource source(KubernetesClient client) {
    return KubernetesClusterSource.builder(client)
        .resync(Duration.ZERO)
        .coalesce(Duration.ZERO)
        .build();
  }

  private void apply(String yaml) {
    HasMetadata o = admin.getKubernetesSerialization().unmarshal(yaml);
    admin.resource(o).createOr(existing -> existing.update());
  }

  private static String service(String name, int port) {
    return """
        apiVersion: v1
        kind: Service
        metadata: {name: %s, namespace: shop}
        spec: {clusterIP: 10.96.0.%d, selector: {app: %s}, ports: [{name: http, port: %d}]}
        """
        .formatted(name, 10 + name.length(), name, port);
  }

  private static final String NAMESPACE =
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: shop, labels: {team: a}}
      """;

  private static final String SLICE =
      """
      apiVersion: discovery.k8s.io/v1
      kind: EndpointSlice
      metadata: {name: web-1, namespace: shop, labels: {kubernetes.io/service-name: web}}
      addressType: IPv4
      ports: [{name: http, port: 8080, protocol: TCP}]
      endpoints: [{addresses: [10.244.1.5], conditions: {ready: true}}]
      """;

  private static final String POD =
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: web-0, namespace: shop, labels: {app: web}}
      spec: {nodeName: node1, containers: [{name: c, image: nginx}]}
      status: {phase: Running, podIP: 10.244.1.5, podIPs: [{ip: 10.244.1.5}]}
      """;

  private static final String ANP =
      """
      apiVersion: policy.networking.k8s.io/v1alpha1
      kind: AdminNetworkPolicy
      metadata: {name: deny-shop}
      spec:
        priority: 10
        subject: {namespaces: {matchLabels: {team: a}}}
        ingress:
        - name: deny-all
          action: Deny
          from: [{namespaces: {}}]
      """;

  private ClusterState await(KubernetesClusterSource source, Predicate<ClusterState> condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.test(source.current())) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no such snapshot within " + WAIT + "; last: " + source.current());
      }
      Thread.sleep(20);
    }
    return source.current();
  }

  private static int port(ClusterState s, String name) {
    return s.service("shop", name).orElseThrow().ports().get(0).port();
  }

  @Test
  void theFirstSnapshotHoldsEveryKindListedBeforeStartReturns() {
    apply(NAMESPACE);
    apply(service("web", 80));
    apply(SLICE);
    apply(POD);
    apply(ANP);
    try (KubernetesClusterSource source = source(admin)) {
      source.start(listener);
      assertEquals(1, updates.size());
      ClusterState first = updates.get(0).current();
      assertEquals(1, first.version());
      assertEquals(80, port(first, "web"));
      assertEquals(1, first.all(EndpointSlice.class).size());
      assertEquals("10.244.1.5", first.pods("shop").get(0).podIps().get(0).toString());
      assertEquals(1, first.all(AdminNetworkPolicy.class).size());
      assertTrue(first.namespace("shop").isPresent());
      assertEquals(KubeKind.NODE_STACK, source.watchedKinds());
    }
  }

  @Test
  void objectsCreatedChangedAndDeletedOnTheServerArriveAsUpdates() throws Exception {
    apply(NAMESPACE);
    apply(service("web", 80));
    try (KubernetesClusterSource source = source(admin)) {
      source.start(listener);

      apply(service("api", 9090));
      await(source, s -> s.service("shop", "api").isPresent());

      apply(service("web", 8080));
      assertEquals(8080, port(await(source, s -> port(s, "web") == 8080), "web"));

      apply(POD);
      await(source, s -> s.all(Pod.class).size() == 1);

      admin.services().inNamespace("shop").withName("api").delete();
      ClusterState after = await(source, s -> s.service("shop", "api").isEmpty());
      assertEquals(List.of("web"), after.all(Service.class).stream().map(this::name).toList());

      List<String> seen =
          updates.stream().flatMap(u -> u.changes().stream()).map(ClusterChange::toString).toList();
      assertTrue(seen.contains("ADDED Service shop/api"), seen.toString());
      assertTrue(seen.contains("MODIFIED Service shop/web"), seen.toString());
      assertTrue(seen.contains("ADDED Pod shop/web-0"), seen.toString());
      assertTrue(seen.contains("DELETED Service shop/api"), seen.toString());
      for (int i = 1; i < updates.size(); i++) {
        assertTrue(updates.get(i).current().version() > updates.get(i - 1).current().version());
      }
    }
  }

  @Test
  void anObjectTheReaderRejectsIsReportedAndItsLastGoodVersionKept() throws Exception {
    apply(NAMESPACE);
    apply(service("web", 80));
    try (KubernetesClusterSource source = source(admin)) {
      source.start(listener);

      apply(service("web", 70000)); // the mock server does not validate; the reader does
      apply(service("api", 9090)); // a later good change still flows
      ClusterState s = await(source, st -> st.service("shop", "api").isPresent());
      assertEquals(80, port(s, "web"));
      ManifestException error =
          errors.stream()
              .filter(ManifestException.class::isInstance)
              .map(ManifestException.class::cast)
              .findFirst()
              .orElseThrow(() -> new AssertionError("no error reported: " + errors));
      assertEquals("spec.ports[0].port", error.field());
      assertTrue(error.getMessage().contains("Service shop/web"), error.getMessage());

      apply(service("web", 81)); // fixed: the new version replaces the last good one
      await(source, st -> port(st, "web") == 81);
    }
  }

  @Test
  void afterTheApiServerWentAwayTheWatchResumesWithoutLosingState() throws Exception {
    apply(NAMESPACE);
    apply(service("web", 80));
    apply(service("api", 9090));
    try (CuttableTcpProxy proxy =
            new CuttableTcpProxy(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getPort()));
        KubernetesClient viaProxy =
            new KubernetesClientBuilder()
                .withConfig(
                    new ConfigBuilder(admin.getConfiguration())
                        .withMasterUrl("http://127.0.0.1:" + proxy.port())
                        .withRequestRetryBackoffInterval(50)
                        .withRequestRetryBackoffLimit(2)
                        .build())
                .build();
        KubernetesClusterSource source =
            KubernetesClusterSource.builder(viaProxy)
                .resync(Duration.ZERO)
                .coalesce(Duration.ZERO)
                .relist(Duration.ofSeconds(2))
                .build()) {
      source.start(listener);
      await(source, s -> s.service("shop", "api").isPresent());

      apply(service("early", 4321));
      await(source, st -> st.service("shop", "early").isPresent());
      proxy.cut();
      apply(service("web", 8080)); // changed while this node cannot see the server
      apply(service("cache", 6379));
      Thread.sleep(500); // the node runs on without the server for a while
      assertEquals(80, port(source.current(), "web"), "the last state stays in force");
      assertTrue(source.current().service("shop", "api").isPresent());

      admin.services().inNamespace("shop").withName("early").delete(); // missed deletion
      proxy.restore();
      ClusterState s =
          await(source, st -> st.service("shop", "cache").isPresent() && port(st, "web") == 8080);
      assertTrue(s.service("shop", "api").isPresent(), "an untouched object survived");
      await(source, st -> st.service("shop", "early").isEmpty());
      List<String> deleted =
          updates.stream()
              .flatMap(u -> u.changes().stream())
              .filter(c -> c.type() == ClusterChange.Type.DELETED)
              .map(ClusterChange::toString)
              .toList();
      assertEquals(List.of("DELETED Service shop/early"), deleted, "nothing else was lost");
    }
  }

  @Test
  void runsWithoutTheAdminPolicyKindsWhenTheServerDoesNotServeThem() {
    apply(NAMESPACE);
    List<KubeKind> kinds =
        List.of(
            KubeKind.NODE_STACK.get(0),
            new KubeKind("example.k8snet.dev/v1", "Missing", "missings", false, true));
    server
        .expect()
        .get()
        .withPath("/apis/example.k8snet.dev/v1/missings?resourceVersion=0")
        .andReturn(404, "{\"kind\": \"Status\", \"code\": 404, \"reason\": \"NotFound\"}")
        .always();
    try (KubernetesClusterSource source =
        KubernetesClusterSource.builder(admin).kinds(kinds).resync(Duration.ZERO).build()) {
      source.start(listener);
      assertEquals(List.of(KubeKind.NODE_STACK.get(0)), source.watchedKinds());
      assertTrue(source.current().namespace("shop").isPresent());
    }
  }

  @Test
  void aKubeconfigFileNamesTheServerAndABadOneIsAnErrorNamingTheFile(@TempDir Path dir)
      throws Exception {
    apply(NAMESPACE);
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters: [{name: mock, cluster: {server: "http://127.0.0.1:%d"}}]
        users: [{name: admin, user: {token: secret}}]
        contexts: [{name: mock, context: {cluster: mock, user: admin}}]
        current-context: mock
        """
            .formatted(server.getPort()),
        StandardCharsets.UTF_8);
    Config config = KubernetesClusterSource.kubeconfig(kubeconfig);
    assertEquals("http://127.0.0.1:" + server.getPort() + "/", config.getMasterUrl());
    // The mock server speaks HTTP/1.1 only; the JDK client would try an h2c upgrade on http://.
    config = new ConfigBuilder(config).withHttp2Disable(true).build();
    try (KubernetesClusterSource source =
        KubernetesClusterSource.builder(config).startTimeout(Duration.ofSeconds(20)).build()) {
      source.start(listener);
      assertTrue(source.current().namespace("shop").isPresent());
    }
    Path missing = dir.resolve("missing");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> KubernetesClusterSource.kubeconfig(missing));
    assertTrue(e.getMessage().startsWith("kubeconfig: " + missing + " (expected:"), e.getMessage());
  }

  private String name(Service s) {
    return s.metadata().name();
  }
}
