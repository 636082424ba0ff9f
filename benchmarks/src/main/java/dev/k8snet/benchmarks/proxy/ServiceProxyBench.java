package dev.k8snet.benchmarks.proxy;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.EndpointSlice;
import dev.k8snet.core.model.KubernetesObject;
import dev.k8snet.core.model.ObjectMeta;
import dev.k8snet.core.model.PortRef;
import dev.k8snet.core.model.Service;
import dev.k8snet.core.model.ServicePort;
import dev.k8snet.core.model.ServiceType;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.core.nftables.Nftables;
import dev.k8snet.proxy.NftablesProxy;
import dev.k8snet.proxy.ProxyConfig;
import dev.k8snet.proxy.ProxyNode;
import dev.k8snet.proxy.ServiceTable;
import dev.k8snet.proxy.SyncResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Side-by-side macro benchmark of the service proxy's nftables programming: ours ({@link
 * NftablesProxy}: named maps, element-only updates, libnftables in-process) against the upstream
 * kube-proxy nftables ruleset shape (per-service and per-endpoint chains, one anonymous {@code
 * numgen} verdict map per service) written by our generator and loaded with {@code nft -f}, for the
 * same generated cluster. Each measurement runs in a fresh network namespace created and deleted
 * here.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.k8snet.benchmarks.proxy.ServiceProxyBench
 * SERVICES[xENDPOINTS]…} (default {@code 1000x5 10000x5}); prints a Markdown table.
 */
public final class ServiceProxyBench {
  private static final ProxyNode NODE =
      new ProxyNode("node1", List.of(IpAddress.parse("192.168.0.2")), Map.of());
  private static final ProxyConfig CONFIG =
      ProxyConfig.builder()
          .clusterCidrs(List.of(Cidr.parse("10.244.0.0/16")))
          .serviceCidrs(List.of(Cidr.parse("10.96.0.0/12")))
          .build();

  private ServiceProxyBench() {}

  static ProxyNode node() {
    return NODE;
  }

  static ProxyConfig config() {
    return CONFIG;
  }

  static IpAddress serviceIp(int i) {
    return IpAddress.parse("10.96." + (i / 250) + "." + (i % 250 + 1));
  }

  static IpAddress endpointIp(int i, int j, int gen) {
    int n = i * 8 + j + gen * 7;
    return IpAddress.parse(
        "10." + (100 + n / 65000) + "." + (n / 250 % 260 % 256) + "." + (n % 250 + 1));
  }

  static Service service(int i) {
    boolean np = i % 10 == 0;
    return Service.builder("ns" + (i % 50), "svc" + i)
        .clusterIps(serviceIp(i))
        .type(np ? ServiceType.NODE_PORT : ServiceType.CLUSTER_IP)
        .port(
            new ServicePort(
                "http",
                Protocol.TCP,
                80,
                PortRef.of(8080),
                np ? OptionalInt.of(30000 + i / 10) : OptionalInt.empty(),
                Optional.empty()))
        .build();
  }

  static EndpointSlice slice(int i, int endpoints, int gen) {
    List<EndpointSlice.Endpoint> eps = new ArrayList<>();
    for (int j = 0; j < endpoints; j++) {
      eps.add(
          new EndpointSlice.Endpoint(
              List.of(endpointIp(i, j, gen)),
              EndpointSlice.Conditions.READY,
              Optional.empty(),
              Optional.of("node2"),
              Optional.empty(),
              List.of(),
              List.of(),
              Optional.empty()));
    }
    return new EndpointSlice(
        ObjectMeta.of(
            "ns" + (i % 50),
            "svc" + i + "-abc",
            Map.of(EndpointSlice.SERVICE_NAME_LABEL, "svc" + i)),
        IpFamily.IPV4,
        eps,
        List.of(EndpointSlice.Port.of("http", 8080, Protocol.TCP)));
  }

  static ClusterState cluster(int services, int endpoints) {
    List<KubernetesObject> o = new ArrayList<>();
    for (int i = 0; i < services; i++) {
      o.add(service(i));
      o.add(slice(i, endpoints, 0));
    }
    return ClusterState.of(1, o);
  }

  // ---- the upstream shape -------------------------------------------------------------------

  static String hash(String name) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
      return base32(h).substring(0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String base32(byte[] data) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    StringBuilder sb = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (byte b : data) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        sb.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      sb.append(alphabet.charAt((buffer << (5 - bits)) & 31));
    }
    return sb.toString();
  }

  static String upstreamBase() {
    return """
        table ip kube-proxy {
          comment "rules for kube-proxy"
          set cluster-ips { type ipv4_addr; comment "Active ClusterIPs"; }
          set nodeport-ips { type ipv4_addr; comment "IPs that accept NodePort traffic"; }
          map no-endpoint-services { type ipv4_addr . inet_proto . inet_service : verdict; }
          map no-endpoint-nodeports { type inet_proto . inet_service : verdict; }
          map firewall-ips { type ipv4_addr . inet_proto . inet_service : verdict; }
          map service-ips { type ipv4_addr . inet_proto . inet_service : verdict; }
          map service-nodeports { type inet_proto . inet_service : verdict; }
          chain filter-prerouting-pre-dnat { type filter hook prerouting priority -110; policy accept; ct state new jump firewall-check; }
          chain filter-output-pre-dnat { type filter hook output priority -110; policy accept; ct state new jump firewall-check; }
          chain filter-forward { type filter hook forward priority 0; policy accept; ct state new jump service-endpoints-check; ct state new jump cluster-ips-check; }
          chain filter-input { type filter hook input priority 0; policy accept; ct state new jump nodeport-endpoints-check; ct state new jump service-endpoints-check; }
          chain filter-output { type filter hook output priority 0; policy accept; ct state new jump service-endpoints-check; ct state new jump cluster-ips-check; }
          chain nat-prerouting { type nat hook prerouting priority -100; policy accept; jump services; }
          chain nat-output { type nat hook output priority -100; policy accept; jump services; }
          chain nat-postrouting { type nat hook postrouting priority 100; policy accept; jump masquerading; }
          chain firewall-check { ip daddr . meta l4proto . th dport vmap @firewall-ips; }
          chain service-endpoints-check { ip daddr . meta l4proto . th dport vmap @no-endpoint-services; }
          chain nodeport-endpoints-check { ip daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports; }
          chain cluster-ips-check { ip daddr @cluster-ips reject; ip daddr 10.96.0.0/12 drop; }
          chain services { ip daddr . meta l4proto . th dport vmap @service-ips; ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports; }
          chain mark-for-masquerade { mark set mark or 0x4000; }
          chain masquerading { mark and 0x4000 == 0 return; mark set mark xor 0x4000; masquerade fully-random; }
          chain reject-chain { reject; }
        }
        add element ip kube-proxy nodeport-ips { 192.168.0.2 }
        """
        .replace("; }", "\n  }")
        .replace("{ type", "{\n    type")
        .replace("; ", "\n    ");
  }

  /** The commands kube-proxy's full sync emits for one service (add+flush every chain). */
  static void upstreamService(StringBuilder sb, int i, int endpoints, int gen, boolean flush) {
    upstreamService(sb, i, endpoints, gen, flush, false);
  }

  /** Like the above; {@code real} makes the service's only endpoint 10.244.1.2 (a real backend). */
  static void upstreamService(
      StringBuilder sb, int i, int endpoints, int gen, boolean flush, boolean real) {
    if (real) {
      endpoints = 1;
    }
    String ns = "ns" + (i % 50);
    String base = ns + "/svc" + i + "/tcp/http";
    String svcChain = "service-" + hash(base) + "-" + base;
    String t = "ip kube-proxy";
    IpAddress vip = serviceIp(i);
    List<String> epChains = new ArrayList<>();
    for (int j = 0; j < endpoints; j++) {
      IpAddress ep = real ? IpAddress.parse("10.244.1.2") : endpointIp(i, j, gen);
      String epName = base + "__" + ep + "/8080";
      String c = "endpoint-" + hash(epName) + "-" + epName;
      epChains.add(c);
      sb.append("add chain ").append(t).append(" ").append(c).append('\n');
      if (flush) {
        sb.append("flush chain ").append(t).append(" ").append(c).append('\n');
      }
      sb.append("add rule ")
          .append(t)
          .append(" ")
          .append(c)
          .append(" ip saddr ")
          .append(ep)
          .append(" jump mark-for-masquerade\n");
      sb.append("add rule ")
          .append(t)
          .append(" ")
          .append(c)
          .append(" meta l4proto tcp dnat to ")
          .append(ep)
          .append(":8080\n");
    }
    sb.append("add chain ").append(t).append(" ").append(svcChain).append('\n');
    if (flush) {
      sb.append("flush chain ").append(t).append(" ").append(svcChain).append('\n');
    }
    sb.append("add rule ")
        .append(t)
        .append(" ")
        .append(svcChain)
        .append(" ip daddr ")
        .append(vip)
        .append(" tcp dport 80 ip saddr != 10.244.0.0/16 jump mark-for-masquerade\n");
    sb.append("add rule ")
        .append(t)
        .append(" ")
        .append(svcChain)
        .append(" numgen random mod ")
        .append(endpoints)
        .append(" vmap { ");
    for (int j = 0; j < endpoints; j++) {
      sb.append(j == 0 ? "" : ", ").append(j).append(" : goto ").append(epChains.get(j));
    }
    sb.append(" }\n");
    sb.append("add element ").append(t).append(" cluster-ips { ").append(vip).append(" }\n");
    sb.append("add element ")
        .append(t)
        .append(" service-ips { ")
        .append(vip)
        .append(" . tcp . 80 : goto ")
        .append(svcChain)
        .append(" }\n");
    if (i % 10 == 0) {
      String ext = "external-" + hash(base) + "-" + base;
      sb.append("add chain ").append(t).append(" ").append(ext).append('\n');
      if (flush) {
        sb.append("flush chain ").append(t).append(" ").append(ext).append('\n');
      }
      sb.append("add rule ")
          .append(t)
          .append(" ")
          .append(ext)
          .append(" jump mark-for-masquerade\n");
      sb.append("add rule ")
          .append(t)
          .append(" ")
          .append(ext)
          .append(" goto ")
          .append(svcChain)
          .append('\n');
      sb.append("add element ")
          .append(t)
          .append(" service-nodeports { tcp . ")
          .append(30000 + i / 10)
          .append(" : goto ")
          .append(ext)
          .append(" }\n");
    }
  }

  static double nftFile(NetworkNamespace ns, String script)
      throws IOException, InterruptedException {
    Path f = Files.createTempFile("k8snet-bench", ".nft");
    try {
      Files.writeString(f, script, StandardCharsets.UTF_8);
      long t0 = System.nanoTime();
      Process p =
          new ProcessBuilder(
                  "ip", "netns", "exec", ns.name().orElseThrow(), "nft", "-f", f.toString())
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      int rc = p.waitFor();
      double s = (System.nanoTime() - t0) / 1e9;
      if (rc != 0) {
        throw new IllegalStateException("nft -f exited " + rc);
      }
      return s;
    } finally {
      Files.deleteIfExists(f);
    }
  }

  static double median(List<Double> xs) {
    double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  }

  public static void main(String[] args) throws Exception {
    List<String> sizes = args.length == 0 ? List.of("1000x5", "10000x5") : Arrays.asList(args);
    System.out.println(
        "| Services × endpoints | upstream shape: cold `nft -f` (s) | ours: cold sync (s) | ours: table build (s) | cold ratio | upstream: change 1 service (ms, median) | ours: change 1 service, update + sync (ms, median / p90) | change ratio | ours: elements / chains | ours: full sync, read back + compare, no drift (s, median of 3) |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|");
    for (String size : sizes) {
      String[] p = size.split("x");
      int services = Integer.parseInt(p[0]);
      int endpoints = p.length > 1 ? Integer.parseInt(p[1]) : 1;
      ClusterState state = cluster(services, endpoints);
      String suffix = Long.toHexString(System.nanoTime() & 0xffffff);

      // upstream shape
      double upCold;
      List<Double> upChange = new ArrayList<>();
      try (NetworkNamespace ns = NetworkNamespace.create("kpbench-up-" + suffix)) {
        try {
          StringBuilder sb = new StringBuilder(upstreamBase());
          for (int i = 0; i < services; i++) {
            upstreamService(sb, i, endpoints, 0, true);
          }
          upCold = nftFile(ns, sb.toString());
          for (int k = 0; k < 3; k++) {
            // kube-proxy's partial sync of one service whose endpoints changed: new endpoint
            // chains, the service chain flushed and refilled, old endpoint chains deleted after.
            int i = (k * 7919) % services;
            StringBuilder c = new StringBuilder();
            upstreamService(c, i, endpoints, k + 1, true);
            StringBuilder del = new StringBuilder();
            String base = "ns" + (i % 50) + "/svc" + i + "/tcp/http";
            for (int j = 0; j < endpoints; j++) {
              String epName = base + "__" + endpointIp(i, j, 0) + "/8080";
              del.append("delete chain ip kube-proxy endpoint-")
                  .append(hash(epName))
                  .append('-')
                  .append(epName)
                  .append('\n');
            }
            c.append("delete element ip kube-proxy cluster-ips { ")
                .append(serviceIp(i))
                .append(" }\n");
            c.append("add element ip kube-proxy cluster-ips { ")
                .append(serviceIp(i))
                .append(" }\n");
            upChange.add(nftFile(ns, c.toString() + del) * 1000);
          }
        } finally {
          ns.delete();
        }
      }

      // ours
      double ourCold;
      double ourFull;
      double build;
      List<Double> ourChange = new ArrayList<>();
      int elements;
      int chains;
      try (NetworkNamespace ns = NetworkNamespace.create("kpbench-our-" + suffix);
          Nftables nft = ns.nftables();
          NftablesProxy proxy = NftablesProxy.create(nft)) {
        try {
          long t0 = System.nanoTime();
          ServiceTable table = ServiceTable.build(state, NODE, CONFIG, IpFamily.IPV4);
          build = (System.nanoTime() - t0) / 1e9;
          t0 = System.nanoTime();
          SyncResult r = proxy.sync(List.of(table));
          ourCold = (System.nanoTime() - t0) / 1e9;
          elements = r.elements();
          chains = r.chains();
          ClusterState s = state;
          for (int k = 0; k < 30; k++) {
            int i = (k * 7919) % services;
            EndpointSlice changed = slice(i, endpoints, k + 1);
            s = s.with(s.version() + 1, List.of(changed), List.of());
            long c0 = System.nanoTime();
            ServiceTable next = table.update(s, Set.of("ns" + (i % 50) + "/svc" + i));
            SyncResult cr = proxy.sync(List.of(next));
            double ms = (System.nanoTime() - c0) / 1e6;
            if (cr.full() || cr.transactions() != 1) {
              throw new IllegalStateException("expected one partial transaction: " + cr);
            }
            if (k >= 10) {
              ourChange.add(ms); // the first ten warm up the JIT
            }
            table = next;
          }
          // The periodic full sync: read the table back, compare, nothing to repair.
          List<Double> fulls = new ArrayList<>();
          for (int k = 0; k < 3; k++) {
            long f0 = System.nanoTime();
            SyncResult fr = proxy.sync(List.of(table), true);
            fulls.add((System.nanoTime() - f0) / 1e9);
            if (!fr.full() || fr.transactions() != 0) {
              throw new IllegalStateException("expected a full sync with nothing to repair: " + fr);
            }
          }
          ourFull = median(fulls);
          proxy.delete();
        } finally {
          ns.delete();
        }
      }
      double[] sorted = ourChange.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      double p90 = sorted[(int) Math.ceil(sorted.length * 0.9) - 1];
      System.out.printf(
          Locale.ROOT,
          "| %d × %d | %.2f | %.2f | %.3f | %.1f× | %.0f | %.1f / %.1f | %.0f× | %d / %d | %.2f |%n",
          services,
          endpoints,
          upCold,
          ourCold,
          build,
          upCold / ourCold,
          median(upChange),
          median(ourChange),
          p90,
          median(upChange) / median(ourChange),
          elements,
          chains,
          ourFull);
    }
  }
}
