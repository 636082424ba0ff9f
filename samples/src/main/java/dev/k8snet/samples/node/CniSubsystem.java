package dev.k8snet.samples.node;

import dev.k8snet.cni.daemon.CniDaemon;
import dev.k8snet.cni.daemon.CniMetrics;
import dev.k8snet.core.cluster.ClusterSource;
import dev.k8snet.core.cluster.ClusterState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CNI daemon: serves the installed thin plugin clients ({@code k8snet cni install}) over a unix
 * socket. It needs no cluster state today (IPAM reads its own configuration); pods it attaches keep
 * their interfaces when the node stops, and the thin clients fall back to the standalone plugins
 * while the daemon is down.
 */
public final class CniSubsystem implements Subsystem {
  private final CniDaemon daemon;
  private volatile boolean running;

  /**
   * Creates the subsystem for a socket path.
   *
   * @param socket the daemon's socket, e.g. {@link CniDaemon#DEFAULT_SOCKET}
   */
  public CniSubsystem(Path socket) {
    this.daemon = new CniDaemon(socket); // IPAM state in memory, written through
  }

  @Override
  public String name() {
    return "cni";
  }

  @Override
  public Stage stage() {
    return Stage.CNI;
  }

  @Override
  public void start(ClusterSource cluster, ClusterState now) throws Exception {
    cluster.close(); // no cluster state needed today
    daemon.start();
    running = true;
  }

  @Override
  public Health health() {
    boolean socket = Files.exists(daemon.socket());
    return new Health(
        running && socket,
        running && socket,
        running
            ? (socket ? "serving " + daemon.socket() : "socket gone: " + daemon.socket())
            : "stopped");
  }

  @Override
  public String metrics() {
    CniMetrics m = daemon.metrics();
    Prometheus p = new Prometheus();
    p.family("k8snet_cni_calls_total", "counter", "CNI plugin calls served, by plugin and verb.");
    m.byCall().forEach((call, v) -> p.sample("k8snet_cni_calls_total", labels(call), v.calls()));
    p.family("k8snet_cni_call_failures_total", "counter", "CNI plugin calls that failed.");
    m.byCall()
        .forEach(
            (call, v) -> p.sample("k8snet_cni_call_failures_total", labels(call), v.failures()));
    p.family("k8snet_cni_call_seconds_total", "counter", "Time spent serving CNI calls.");
    m.byCall()
        .forEach(
            (call, v) ->
                p.sample("k8snet_cni_call_seconds_total", labels(call), v.total().toNanos() / 1e9));
    p.family(
        "k8snet_cni_phase_seconds_total",
        "counter",
        "Time spent per phase of CNI calls (parse, ipam, netns, links, addresses, routes, ...).");
    m.byCall()
        .forEach(
            (call, v) ->
                v.phases()
                    .forEach(
                        (phase, d) -> {
                          Map<String, String> l = new TreeMap<>(labels(call));
                          l.put("phase", phase);
                          p.sample("k8snet_cni_phase_seconds_total", l, d.toNanos() / 1e9);
                        }));
    return p.toString();
  }

  /** Labels of a call key such as {@code k8snet-bridge ADD}. */
  private static Map<String, String> labels(String call) {
    int space = call.lastIndexOf(' ');
    return space < 0
        ? Map.of("call", call)
        : Map.of("plugin", call.substring(0, space), "verb", call.substring(space + 1));
  }

  @Override
  public void close() {
    running = false;
    daemon.close();
  }
}
