package dev.k8snet.samples.node;

import dev.k8snet.core.K8snetException;
import dev.k8snet.core.cluster.ClusterListener;
import dev.k8snet.core.cluster.ClusterSource;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.cluster.ClusterUpdate;
import dev.k8snet.dns.ClusterDns;
import dev.k8snet.dns.DnsServer;

/**
 * Cluster DNS: {@link ClusterDns} records kept in step with the cluster, served over UDP and TCP by
 * a {@link DnsServer}. The records are built from the first snapshot before the sockets are bound,
 * so the server never answers from an empty zone; ready once bound.
 */
public final class DnsSubsystem implements Subsystem {
  private final ClusterDns dns;
  private final DnsServer.Builder server;
  private DnsServer running;
  private ClusterSource view;

  /**
   * Creates the subsystem.
   *
   * @param dns the records (fed by this subsystem)
   * @param server the server's settings, built on {@code dns}
   */
  public DnsSubsystem(ClusterDns dns, DnsServer.Builder server) {
    this.dns = dns;
    this.server = server;
  }

  @Override
  public String name() {
    return "dns";
  }

  @Override
  public Stage stage() {
    return Stage.DNS;
  }

  @Override
  public void start(ClusterSource cluster, ClusterState now) {
    view = cluster;
    cluster.start(
        new ClusterListener() {
          @Override
          public void onUpdate(ClusterUpdate update) {
            dns.onUpdate(update);
          }

          @Override
          public void onError(K8snetException error) {
            // reported once by the node; the last good records stay in force
          }
        });
    DnsServer s = server.build();
    s.start();
    running = s;
  }

  /**
   * Returns the bound DNS address once started.
   *
   * @return the address
   * @throws IllegalStateException before {@link #start}
   */
  public java.net.InetSocketAddress localAddress() {
    DnsServer s = running;
    if (s == null) {
      throw new IllegalStateException("dns: not started");
    }
    return s.localAddress();
  }

  @Override
  public Health health() {
    DnsServer s = running;
    if (s == null) {
      return new Health(false, false, "not started");
    }
    boolean records = dns.records().isPresent();
    return new Health(
        true,
        records,
        "serving "
            + dns.config().zone()
            + " on "
            + s.localAddress()
            + (records ? "" : " (no records yet)"));
  }

  @Override
  public String metrics() {
    DnsServer s = running;
    return s == null ? "" : s.metrics().toPrometheus();
  }

  @Override
  public void close() {
    if (view != null) {
      view.close();
    }
    if (running != null) {
      running.close();
    }
  }
}
