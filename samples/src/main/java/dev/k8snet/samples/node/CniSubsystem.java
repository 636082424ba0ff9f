package dev.k8snet.samples.node;

import dev.k8snet.cni.daemon.CniDaemon;
import dev.k8snet.cni.plugins.PluginMain;
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
    this.daemon = new CniDaemon(socket, PluginMain::plugin);
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
    Map<String, Long> stats = new TreeMap<>(daemon.statistics());
    Prometheus p = new Prometheus();
    p.family("k8snet_cni_calls_total", "counter", "CNI plugin calls served, by verb.");
    stats.forEach(
        (k, v) -> {
          if (!k.endsWith(".nanos")) {
            p.sample("k8snet_cni_calls_total", Map.of("verb", k), v);
          }
        });
    p.family("k8snet_cni_call_seconds_total", "counter", "Time spent serving CNI calls, by verb.");
    stats.forEach(
        (k, v) -> {
          if (k.endsWith(".nanos")) {
            p.sample(
                "k8snet_cni_call_seconds_total",
                Map.of("verb", k.substring(0, k.length() - ".nanos".length())),
                v / 1e9);
          }
        });
    return p.toString();
  }

  @Override
  public void close() {
    running = false;
    daemon.close();
  }
}
