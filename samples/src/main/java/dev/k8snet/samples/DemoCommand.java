package dev.k8snet.samples;

import dev.k8snet.core.K8snetException;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.manifest.ManifestReader;
import dev.k8snet.core.model.KubernetesObject;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.core.nftables.Nftables;
import dev.k8snet.policy.Connection;
import dev.k8snet.policy.PolicyEngine;
import dev.k8snet.policy.Verdict;
import dev.k8snet.samples.demo.DemoCluster;
import dev.k8snet.samples.demo.DemoCluster.DemoPod;
import dev.k8snet.samples.demo.Lab;
import dev.k8snet.samples.demo.Probes;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.xbill.DNS.Type;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code k8snet demo}: the main job. It builds a two-node cluster on this machine (network
 * namespaces joined by an underlay), runs {@code k8snet node} on each node, attaches pods through
 * the node's CNI daemon, and shows — as a short report — pod-to-pod traffic on one node and across
 * nodes, Service traffic spread across backends, DNS answered inside a pod, a request routed by the
 * Ingress, and a connection the NetworkPolicy blocks with the reason why. It removes everything it
 * created, also when it fails or is interrupted.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Builds a two-node cluster of network namespaces on this machine, runs the node stack on"
            + " each, shows it working, and removes everything it created (needs root).")
final class DemoCommand implements Callable<Integer> {
  private static final Duration PROBE_TIMEOUT = Duration.ofMillis(1500);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(
      names = "--pause-before-teardown",
      description =
          "Wait for Enter before removing the cluster (to look around: ip netns list, nft list"
              + " ruleset in a node's namespace).")
  boolean pause;

  private PrintWriter out;

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    String missing = preflight();
    if (!missing.isEmpty()) {
      spec.commandLine().getErr().println("k8snet demo: " + missing);
      spec.commandLine().getErr().flush();
      return 1;
    }
    long t0 = System.nanoTime();
    out.println("k8snet demo: a two-node cluster on this machine, built for real and removed");
    ClusterState cluster = builtInCluster();
    String prefix = "k8snet-demo-" + ProcessHandle.current().pid() + "-";
    Lab lab = Lab.create(prefix);
    Thread cleanup = new Thread(lab::close, "k8snet-demo-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    boolean interrupted = false;
    try (DemoCluster demo = new DemoCluster(lab, cluster, this::line)) {
      section("1. Two nodes on one underlay, each running `k8snet node`");
      demo.startNodes();

      section("2. Pods attached through each node's CNI daemon (k8snet-bridge, k8snet-ipam)");
      demo.attachPods();
      demo.publishPods();

      section("3. Pod to pod, by pod IP");
      DemoPod client = demo.pod("shop/client");
      for (DemoPod web : List.of(demo.pod("shop/web-1"), demo.pod("shop/web-2"))) {
        line(
            "%s (%s) -> %s %s:8080 (%s): %s",
            client.name(),
            client.node(),
            web.name(),
            web.ip(),
            client.node().equals(web.node()) ? "same node, over the bridge" : "across nodes",
            Probes.http(client.netns(), web.ip(), 8080, web.ip().toString(), "/"));
      }

      section("4. Service traffic spread across the backends");
      Map<String, Integer> hits = new TreeMap<>();
      for (int i = 0; i < 12; i++) {
        String r = Probes.http(client.netns(), DemoCluster.WEB_VIP, 80, "web", "/");
        hits.merge(r, 1, Integer::sum);
      }
      line("shop/client -> ClusterIP %s:80, 12 requests: %s", DemoCluster.WEB_VIP, tally(hits));
      hits.clear();
      for (int i = 0; i < 8; i++) {
        hits.merge(
            Probes.http(lab.outside(), DemoCluster.NODE_2_IP, 30080, "web", "/"), 1, Integer::sum);
      }
      line(
          "outside %s -> NodePort %s:30080, 8 requests: %s",
          Lab.OUTSIDE, DemoCluster.NODE_2_IP, tally(hits));

      section("5. Cluster DNS from inside a pod (kube-dns ClusterIP, node-local endpoint)");
      for (var q :
          List.of(
              Map.entry("web.shop.svc.cluster.local.", Type.A),
              Map.entry("db.shop.svc.cluster.local.", Type.A),
              Map.entry("db-0.db.shop.svc.cluster.local.", Type.A),
              Map.entry("_http._tcp.web.shop.svc.cluster.local.", Type.SRV),
              Map.entry("nothing.shop.svc.cluster.local.", Type.A))) {
        line(
            "%-40s %-4s -> %s",
            q.getKey(),
            Type.string(q.getValue()),
            String.join(
                ", ", Probes.dns(client.netns(), DemoCluster.DNS_VIP, q.getKey(), q.getValue())));
      }

      section("6. The Ingress routes by host and path");
      line(
          "outside -> http://%s/ Host: shop.example: %s",
          DemoCluster.NODE_1_IP,
          Probes.http(lab.outside(), DemoCluster.NODE_1_IP, 80, "shop.example", "/"));
      line(
          "outside -> http://%s/ Host: unknown.example: %s",
          DemoCluster.NODE_1_IP,
          Probes.http(lab.outside(), DemoCluster.NODE_1_IP, 80, "unknown.example", "/"));

      section("7. NetworkPolicy shop/db-from-web, enforced in the kernel");
      PolicyEngine policies = PolicyEngine.compile(demo.state());
      DemoPod db = demo.pod("shop/db-0");
      for (DemoPod from :
          List.of(demo.pod("shop/web-1"), demo.pod("tools/debug"), demo.pod("shop/client"))) {
        String seen = Probes.tcp(from.netns(), db.ip(), 5432, PROBE_TIMEOUT);
        Verdict v = policies.check(Connection.of(from.name(), db.name(), Protocol.TCP, 5432));
        line(
            "%s -> %s %s:5432: %s (%s)",
            from.name(),
            db.name(),
            db.ip(),
            seen.equals("db-0") ? "connected, \"db-0\"" : "blocked, " + seen,
            v.allowed() ? "ALLOWED" : "DENIED");
        if (!v.allowed()) {
          List<String> why = v.explain().lines().toList();
          for (String reason : why.subList(1, why.size())) {
            line("    %s", reason.strip());
          }
        }
      }
      if (pause) {
        line("work directory %s; press Enter to remove everything", lab.workDir());
        int unused = System.in.read();
      }

      section("8. Teardown");
      demo.detachPods();
    } catch (Lab.ClosingException e) {
      // a shutdown hook (SIGTERM, Ctrl-C) is removing the lab; the finally below waits for it
      spec.commandLine().getErr().println("k8snet demo: interrupted; removing what it created");
      spec.commandLine().getErr().flush();
      interrupted = true;
    } finally {
      lab.close();
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException e) {
        // shutting down: the hook runs anyway and finds nothing left to remove
      }
    }
    if (interrupted) {
      return 1;
    }
    line(
        "removed every namespace, link, rule and process the demo created (%.1f s in all)",
        (System.nanoTime() - t0) / 1e9);
    out.flush();
    return 0;
  }

  /** Returns what stops the demo from running here, or empty. */
  private static String preflight() {
    if (new com.sun.security.auth.module.UnixSystem().getUid() != 0) {
      return "needs root to create network namespaces (run: sudo samples/bin/k8snet demo)";
    }
    try (Nftables nft = Nftables.open(NetworkNamespace.current())) {
      nft.check("table inet k8snet-demo-preflight {}\n");
    } catch (K8snetException | UnsatisfiedLinkError e) {
      return "nftables is not usable: "
          + e.getMessage()
          + " (install the Debian packages nftables and libnftables1)";
    }
    return "";
  }

  private static String tally(Map<String, Integer> hits) {
    StringBuilder b = new StringBuilder();
    hits.forEach(
        (reply, n) ->
            b.append(b.length() == 0 ? "" : ", ")
                .append(reply.startsWith("200 ") ? reply.substring(4).replace("\"", "") : reply)
                .append(" ×")
                .append(n));
    return b.toString();
  }

  private static ClusterState builtInCluster() throws IOException {
    try (InputStream in = DemoCommand.class.getResourceAsStream("demo-cluster.yaml")) {
      if (in == null) {
        throw new IOException("demo-cluster.yaml missing from the k8snet jar");
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      List<KubernetesObject> objects =
          ManifestReader.create().readString("demo-cluster.yaml", text).orThrow();
      return ClusterState.of(1, objects);
    }
  }

  private void section(String title) {
    out.println();
    out.println("== " + title);
    out.flush();
  }

  private void line(String format, Object... args) {
    out.println("  " + String.format(Locale.ROOT, format, args));
    out.flush();
  }
}
