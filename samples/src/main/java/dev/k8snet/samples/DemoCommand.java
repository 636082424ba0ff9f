package dev.k8snet.samples;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.K8snetException;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.cluster.ClusterUpdate;
import dev.k8snet.core.manifest.ManifestReader;
import dev.k8snet.core.model.KubernetesObject;
import dev.k8snet.core.netlink.Address;
import dev.k8snet.core.netlink.InterfaceAddress;
import dev.k8snet.core.netlink.Link;
import dev.k8snet.core.netlink.LinkKind;
import dev.k8snet.core.netlink.LinkSpec;
import dev.k8snet.core.netlink.Netlink;
import dev.k8snet.core.netlink.Route;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.dns.ClusterDns;
import dev.k8snet.dns.DnsConfig;
import dev.k8snet.dns.DnsServer;
import dev.k8snet.policy.Connection;
import dev.k8snet.policy.PolicyEngine;
import dev.k8snet.policy.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code k8snet demo}: the main job, on a built-in cluster. It shows what the SDK does today, each
 * part for real: the cluster read from manifests, pods in network namespaces on a bridge talking
 * TCP, cluster DNS answering over UDP, and NetworkPolicy verdicts with their explanations. It
 * removes every namespace it created, also when it fails or is interrupted.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Builds a small cluster of pods in network namespaces on this machine, shows the node"
            + " stack working, and removes everything it created.")
final class DemoCommand implements Callable<Integer> {
  private static final String PREFIX = "k8snet-demo-";
  private static final Cidr POD_CIDR = Cidr.parse("10.244.1.0/24");
  private static final IpAddress GATEWAY = IpAddress.parse("10.244.1.1");
  private static final int WEB_PORT = 8080;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private PrintWriter out;

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    // The report below is the demo's output; the libraries' own logging stays at warnings.
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    out.println("k8snet demo: a one-node cluster, built for real and removed afterwards");
    ClusterState state = cluster();
    section("1. Cluster read from manifests (defaulted and validated as the API server does)");
    Map<String, Integer> kinds = new TreeMap<>();
    for (KubernetesObject o : state.objects()) {
      kinds.merge(o.kind(), 1, Integer::sum);
    }
    kinds.forEach((kind, n) -> line("%-16s %d", kind, n));

    section("2. Pods in network namespaces on a bridge, attached over netlink");
    if (new com.sun.security.auth.module.UnixSystem().getUid() != 0) {
      line("skipped: creating network namespaces needs root (run: sudo samples/bin/k8snet demo)");
    } else {
      podNetwork();
    }

    section("3. Cluster DNS over UDP (Kubernetes DNS spec 1.1.0)");
    clusterDns(state);

    section("4. NetworkPolicy verdicts with their explanations");
    PolicyEngine policies = PolicyEngine.compile(state);
    for (Connection c :
        List.of(
            Connection.of("shop/client", "shop/web-1", Protocol.TCP, WEB_PORT),
            Connection.of("other/intruder", "shop/web-1", Protocol.TCP, WEB_PORT),
            Connection.of("shop/web-1", "shop/client", Protocol.TCP, 9000))) {
      Verdict v = policies.check(c);
      line("%s: %s", c, v.allowed() ? "ALLOWED" : "DENIED");
      List<String> lines = v.explain().lines().toList();
      for (String reason : lines.subList(1, lines.size())) {
        line("  %s", reason.strip());
      }
    }

    section("Done");
    line("Everything the demo created has been removed.");
    out.flush();
    return 0;
  }

  private ClusterState cluster() throws IOException {
    try (InputStream in = DemoCommand.class.getResourceAsStream("demo-cluster.yaml")) {
      if (in == null) {
        throw new IOException("demo-cluster.yaml missing from the k8snet jar");
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return ClusterState.of(
          1, ManifestReader.create().readString("demo-cluster.yaml", text).orThrow());
    }
  }

  /**
   * A node namespace with bridge {@code cni0} and three pod namespaces, each attached by a veth
   * pair; then a TCP exchange from the client pod to the web pod through the bridge.
   */
  private void podNetwork() throws Exception {
    String run = PREFIX + ProcessHandle.current().pid() + "-";
    Deque<NetworkNamespace> created = new ArrayDeque<>();
    Thread cleanup = new Thread(() -> removeAll(created), "k8snet-demo-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      NetworkNamespace node = create(created, run + "node");
      try (Netlink nl = node.netlink()) {
        nl.addLink(LinkSpec.of("cni0", LinkKind.bridge()));
        Link bridge = nl.link("cni0").orElseThrow();
        nl.addAddress(Address.of(bridge, new InterfaceAddress(GATEWAY, POD_CIDR.prefixLength())));
        nl.setUp(bridge);
        line("node namespace %s: bridge cni0 %s/%d", node.name().orElseThrow(), GATEWAY, 24);
        NetworkNamespace client = attach(nl, created, run + "client", "veth-client", "10.244.1.2");
        NetworkNamespace web = attach(nl, created, run + "web", "veth-web", "10.244.1.3");
        attach(nl, created, run + "intruder", "veth-intruder", "10.244.1.4");

        try (ServerSocket server =
            web.run(
                () -> {
                  ServerSocket s = new ServerSocket();
                  s.bind(
                      new InetSocketAddress(
                          IpAddress.parse("10.244.1.3").toInetAddress(), WEB_PORT));
                  return s;
                })) {
          Thread responder = new Thread(() -> answerOnce(server, "web-1"), "k8snet-demo-web");
          responder.setDaemon(true);
          responder.start();
          String reply =
              client.run(
                  () -> {
                    try (Socket s = new Socket()) {
                      s.connect(new InetSocketAddress(server.getInetAddress(), WEB_PORT), 3000);
                      s.setSoTimeout(3000);
                      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    }
                  });
          responder.join(3000);
          line(
              "TCP shop/client 10.244.1.2 -> shop/web-1 10.244.1.3:%d: reply \"%s\"",
              WEB_PORT, reply.strip());
        }
      }
    } finally {
      removeAll(created);
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException e) {
        // shutting down: the hook runs anyway, and finds nothing left to remove
      }
    }
  }

  private NetworkNamespace create(Deque<NetworkNamespace> created, String name) {
    NetworkNamespace ns = NetworkNamespace.create(name);
    synchronized (created) {
      created.push(ns);
    }
    return ns;
  }

  private NetworkNamespace attach(
      Netlink node, Deque<NetworkNamespace> created, String name, String hostSide, String ip) {
    NetworkNamespace pod = create(created, name);
    node.addLink(LinkSpec.of(hostSide, LinkKind.veth("eth0").peerNamespace(pod)));
    Link host = node.link(hostSide).orElseThrow();
    node.setMaster(host, node.link("cni0").orElseThrow());
    node.setUp(host);
    try (Netlink nl = pod.netlink()) {
      nl.setUp(nl.link("lo").orElseThrow());
      Link eth0 = nl.link("eth0").orElseThrow();
      nl.addAddress(
          Address.of(eth0, new InterfaceAddress(IpAddress.parse(ip), POD_CIDR.prefixLength())));
      nl.setUp(eth0);
      nl.addRoute(Route.builder(Cidr.parse("0.0.0.0/0")).gateway(GATEWAY).device(eth0).build());
    }
    line(
        "pod namespace %s: eth0 %s/24, default via %s (veth %s on cni0)",
        name, ip, GATEWAY, hostSide);
    return pod;
  }

  private static void answerOnce(ServerSocket server, String podName) {
    try (Socket s = server.accept()) {
      s.getOutputStream().write(("hello from " + podName + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // the client reports the failure
    }
  }

  private void removeAll(Deque<NetworkNamespace> created) {
    synchronized (created) {
      while (!created.isEmpty()) {
        NetworkNamespace ns = created.pop();
        try {
          ns.delete();
          ns.close();
        } catch (K8snetException e) {
          System.err.println("k8snet demo: could not remove " + ns + ": " + e.getMessage());
        }
      }
    }
  }

  private void clusterDns(ClusterState state) throws IOException {
    ClusterDns dns = ClusterDns.create(DnsConfig.of("cluster.local"));
    dns.onUpdate(ClusterUpdate.between(ClusterState.EMPTY, state));
    try (DnsServer server =
        DnsServer.builder(dns, new InetSocketAddress("127.0.0.1", 0)).eventLoops(1).build()) {
      server.start();
      InetSocketAddress address = server.localAddress();
      line(
          "serving cluster.local on %s:%d (UDP and TCP)",
          address.getHostString(), address.getPort());
      SimpleResolver resolver = new SimpleResolver(address.getAddress());
      resolver.setPort(address.getPort());
      resolver.setTimeout(Duration.ofSeconds(2));
      query(resolver, "web.shop.svc.cluster.local.", Type.A);
      query(resolver, "_http._tcp.web.shop.svc.cluster.local.", Type.SRV);
      query(resolver, "10.0.96.10.in-addr.arpa.", Type.PTR);
      query(resolver, "nothing.shop.svc.cluster.local.", Type.A);
    }
  }

  private void query(SimpleResolver resolver, String name, int type) throws IOException {
    Message response =
        resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    List<Record> answers = response.getSection(Section.ANSWER);
    String rcode = org.xbill.DNS.Rcode.string(response.getRcode());
    if (answers.isEmpty()) {
      line("%-44s %-4s -> %s", name, Type.string(type), rcode);
    }
    for (Record r : answers) {
      line("%-44s %-4s -> %s", name, Type.string(type), r.rdataToString());
    }
  }

  private void section(String title) {
    out.println();
    out.println("== " + title);
  }

  private void line(String format, Object... args) {
    out.println("  " + String.format(java.util.Locale.ROOT, format, args));
    out.flush();
  }
}
