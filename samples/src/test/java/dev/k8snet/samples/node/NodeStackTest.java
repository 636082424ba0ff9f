package dev.k8snet.samples.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.K8snetException;
import dev.k8snet.core.cluster.ClusterListener;
import dev.k8snet.core.cluster.ClusterSource;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.cluster.ClusterUpdate;
import dev.k8snet.core.manifest.ManifestReader;
import dev.k8snet.core.model.KubernetesObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The node's lifecycle: stage order, rollback on failure, health and metrics aggregation. */
class NodeStackTest {
  private final List<String> events = new CopyOnWriteArrayList<>();

  /** A subsystem that records what happens to it. */
  private final class Fake implements Subsystem {
    final String name;
    final Stage stage;
    final boolean fails;
    final List<ClusterUpdate> updates = new CopyOnWriteArrayList<>();
    volatile boolean ready;

    Fake(String name, Stage stage, boolean fails) {
      this.name = name;
      this.stage = stage;
      this.fails = fails;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Stage stage() {
      return stage;
    }

    @Override
    public void start(ClusterSource cluster, ClusterState now) {
      events.add("start " + name + " at version " + now.version());
      if (fails) {
        throw new IllegalStateException("cannot bind");
      }
      cluster.start(updates::add);
      ready = true;
    }

    @Override
    public Health health() {
      return new Health(true, ready, ready ? "ok" : "waiting");
    }

    @Override
    public String metrics() {
      return "k8snet_" + name + "_things 1\n";
    }

    @Override
    public void close() {
      events.add("stop " + name);
    }
  }

  private static ClusterState state(long version, String yaml) {
    List<KubernetesObject> objects = ManifestReader.create().readString("test", yaml).orThrow();
    return ClusterState.of(version, objects);
  }

  private static final String WEB =
      """
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: default}
      spec: {clusterIP: 10.96.0.10, ports: [{port: 80}]}
      """;

  /** A source whose snapshots the test pushes. */
  private static final class Pushed implements ClusterSource {
    ClusterListener listener;
    ClusterState current = ClusterState.EMPTY;
    boolean closed;

    @Override
    public void start(ClusterListener l) {
      listener = l;
      push(state(1, WEB));
    }

    void push(ClusterState next) {
      ClusterUpdate u = ClusterUpdate.between(current, next);
      current = next;
      listener.onUpdate(u);
    }

    @Override
    public ClusterState current() {
      return current;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void startsInStageOrderAndStopsInReverseLeavingTheSourceClosedLast() throws Exception {
    Pushed source = new Pushed();
    List<Subsystem> given =
        List.of(
            new Fake("dns", Stage.DNS, false),
            new Fake("proxy", Stage.PROXY, false),
            new Fake("cni", Stage.CNI, false));
    NodeStack stack = new NodeStack(new ClusterFanout(source), given, Duration.ofSeconds(5));
    stack.start();
    assertEquals(
        List.of("start cni at version 1", "start proxy at version 1", "start dns at version 1"),
        events);
    assertTrue(stack.ready());
    stack.close();
    assertEquals(List.of("stop dns", "stop proxy", "stop cni"), events.subList(3, 6));
    assertTrue(source.closed);
    assertFalse(stack.ready());
  }

  @Test
  void everySubsystemSeesTheFirstSnapshotAndLaterUpdatesExactlyOnce() throws Exception {
    Pushed source = new Pushed();
    Fake proxy = new Fake("proxy", Stage.PROXY, false);
    Fake dns = new Fake("dns", Stage.DNS, false);
    try (NodeStack stack =
        new NodeStack(new ClusterFanout(source), List.of(proxy, dns), Duration.ofSeconds(5))) {
      stack.start();
      source.push(state(2, WEB.replace("port: 80", "port: 81")));
      for (Fake f : List.of(proxy, dns)) {
        assertEquals(List.of(1L, 2L), f.updates.stream().map(u -> u.current().version()).toList());
        assertEquals("ADDED Service default/web", f.updates.get(0).changes().get(0).toString());
        assertEquals("MODIFIED Service default/web", f.updates.get(1).changes().get(0).toString());
      }
    }
  }

  @Test
  void aSubsystemThatFailsToStartStopsWhatStartedBeforeIt() {
    Pushed source = new Pushed();
    List<Subsystem> given =
        List.of(new Fake("cni", Stage.CNI, false), new Fake("proxy", Stage.PROXY, true));
    NodeStack stack = new NodeStack(new ClusterFanout(source), given, Duration.ofSeconds(5));
    K8snetException e = assertThrows(K8snetException.class, stack::start);
    assertTrue(
        e.getMessage().contains("subsystem proxy failed to start: cannot bind"), e.getMessage());
    assertEquals(List.of("stop proxy", "stop cni"), events.subList(2, 4));
    assertTrue(source.closed);
  }

  @Test
  void healthAndMetricsHaveOneSectionPerSubsystem() throws Exception {
    List<Subsystem> given = new ArrayList<>();
    given.add(new Fake("cni", Stage.CNI, false));
    given.add(new Fake("dns", Stage.DNS, false));
    try (NodeStack stack =
        new NodeStack(new ClusterFanout(new Pushed()), given, Duration.ofSeconds(5))) {
      stack.start();
      assertEquals("cni live ready: ok\ndns live ready: ok\n", stack.healthReport());
      String metrics = stack.metrics();
      assertTrue(metrics.contains("k8snet_node_cluster_snapshot_version 1\n"), metrics);
      assertTrue(metrics.contains("k8snet_node_subsystem_ready{subsystem=\"dns\"} 1\n"), metrics);
      assertTrue(
          metrics.contains(
              "# k8snet subsystem: cni\nk8snet_cni_things 1\n# k8snet subsystem: dns\n"),
          metrics);
    }
  }
}
