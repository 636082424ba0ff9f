package dev.k8snet.benchmarks.proxy;

import dev.k8snet.core.IpFamily;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.EndpointSlice;
import dev.k8snet.core.model.KubernetesObject;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.core.nftables.Nftables;
import dev.k8snet.proxy.NftablesProxy;
import dev.k8snet.proxy.ServiceTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Data-plane benchmark: the rate of new TCP connections from a client namespace through the node
 * namespace to one service (one backend namespace) with few and with many services installed, ours
 * and the upstream shape. A flat rate means the first-packet lookup does not grow with the number
 * of services.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.k8snet.benchmarks.proxy.DataPlaneBench [SECONDS]}.
 */
public final class DataPlaneBench {
  private DataPlaneBench() {}

  static void sh(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + ": " + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Connections per second to 10.96.0.1:80 (service 0) from the client for {@code seconds}. */
  static double rate(NetworkNamespace client, double seconds) {
    return client.run(
        () -> {
          long end = System.nanoTime() + (long) (seconds * 1e9);
          int n = 0;
          long t0 = System.nanoTime();
          while (System.nanoTime() < end) {
            try (Socket s = new Socket()) {
              s.setSoLinger(true, 0); // RST on close: no TIME_WAIT pile-up on the client
              s.connect(new InetSocketAddress("10.96.0.1", 80), 2000);
              InputStream in = s.getInputStream();
              if (in.read() < 0) {
                throw new IllegalStateException("no reply");
              }
            }
            n++;
          }
          return n / ((System.nanoTime() - t0) / 1e9);
        });
  }

  static ClusterState clusterWithBackend(int services) {
    ClusterState c = ServiceProxyBench.cluster(services, 5);
    // service 0 goes to the one real backend
    EndpointSlice s0 =
        new EndpointSlice(
            dev.k8snet.core.model.ObjectMeta.of(
                "ns0", "svc0-abc", java.util.Map.of(EndpointSlice.SERVICE_NAME_LABEL, "svc0")),
            IpFamily.IPV4,
            List.of(
                new EndpointSlice.Endpoint(
                    List.of(dev.k8snet.core.IpAddress.parse("10.244.1.2")),
                    EndpointSlice.Conditions.READY,
                    Optional.empty(),
                    Optional.of("node2"),
                    Optional.empty(),
                    List.of(),
                    List.of(),
                    Optional.empty())),
            List.of(EndpointSlice.Port.of("http", 8080, dev.k8snet.core.Protocol.TCP)));
    List<KubernetesObject> up = List.of(s0);
    return c.with(c.version() + 1, up, List.of());
  }

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
    String id = Long.toHexString(System.nanoTime() & 0xfffff);
    NetworkNamespace node = NetworkNamespace.create("kpdp-n-" + id);
    NetworkNamespace client = NetworkNamespace.create("kpdp-c-" + id);
    NetworkNamespace backend = NetworkNamespace.create("kpdp-b-" + id);
    ServerSocket server = null;
    Thread serverThread = null;
    try {
      String n = node.name().orElseThrow();
      String c = client.name().orElseThrow();
      String b = backend.name().orElseThrow();
      sh("ip", "-n", n, "link", "set", "lo", "up");
      sh("ip", "-n", n, "link", "add", "vc", "type", "veth", "peer", "name", "eth0", "netns", c);
      sh("ip", "-n", n, "addr", "add", "192.168.0.2/24", "dev", "vc");
      sh("ip", "-n", n, "link", "set", "vc", "up");
      sh("ip", "-n", c, "addr", "add", "192.168.0.3/24", "dev", "eth0");
      sh("ip", "-n", c, "link", "set", "eth0", "up");
      sh("ip", "-n", c, "route", "add", "default", "via", "192.168.0.2");
      sh("ip", "-n", n, "link", "add", "vb", "type", "veth", "peer", "name", "eth0", "netns", b);
      sh("ip", "-n", n, "addr", "add", "10.244.1.1/24", "dev", "vb");
      sh("ip", "-n", n, "link", "set", "vb", "up");
      sh("ip", "-n", b, "addr", "add", "10.244.1.2/24", "dev", "eth0");
      sh("ip", "-n", b, "link", "set", "eth0", "up");
      sh("ip", "-n", b, "link", "set", "lo", "up");
      sh("ip", "-n", b, "route", "add", "default", "via", "10.244.1.1");
      sh("ip", "netns", "exec", n, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
      ServerSocket srv =
          backend.run(
              () -> {
                ServerSocket s = new ServerSocket();
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress("0.0.0.0", 8080), 1024);
                return s;
              });
      server = srv;
      serverThread =
          new Thread(
              () -> {
                while (!srv.isClosed()) {
                  try (Socket s = srv.accept()) {
                    s.getOutputStream().write('x');
                  } catch (IOException e) {
                    // closed
                  }
                }
              });
      serverThread.setDaemon(true);
      serverThread.start();

      List<String> rows = new ArrayList<>();
      // ours
      try (Nftables nft = node.nftables();
          NftablesProxy proxy = NftablesProxy.create(nft)) {
        double[] r = new double[2];
        int[] sizes = {100, 10_000};
        for (int k = 0; k < 2; k++) {
          proxy.sync(
              List.of(
                  ServiceTable.build(
                      clusterWithBackend(sizes[k]),
                      ServiceProxyBench.node(),
                      ServiceProxyBench.config(),
                      IpFamily.IPV4)));
          rate(client, 1); // warm-up
          r[k] = rate(client, seconds);
        }
        rows.add(row("ours", r));
        proxy.delete();
      }
      // upstream shape
      double[] r = new double[2];
      int[] sizes = {100, 10_000};
      for (int k = 0; k < 2; k++) {
        StringBuilder sb =
            new StringBuilder("table ip kube-proxy {}\ndelete table ip kube-proxy\n");
        sb.append(ServiceProxyBench.upstreamBase());
        for (int i = 0; i < sizes[k]; i++) {
          ServiceProxyBench.upstreamService(sb, i, 5, 0, true, i == 0);
        }
        ServiceProxyBench.nftFile(node, sb.toString());
        rate(client, 1);
        r[k] = rate(client, seconds);
      }
      rows.add(row("upstream shape", r));
      System.out.println("| Ruleset | conn/s, 100 services | conn/s, 10,000 services | change |");
      System.out.println("|---|---|---|---|");
      rows.forEach(System.out::println);
    } finally {
      if (server != null) {
        server.close();
      }
      if (serverThread != null) {
        serverThread.join(2000);
      }
      backend.delete();
      client.delete();
      node.delete();
    }
  }

  static String row(String name, double[] r) {
    return String.format(
        Locale.ROOT, "| %s | %.0f | %.0f | %+.1f%% |", name, r[0], r[1], (r[1] / r[0] - 1) * 100);
  }
}
