package dev.k8snet.samples.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.IpAddress;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.dns.ClusterDns;
import dev.k8snet.dns.DnsConfig;
import dev.k8snet.dns.DnsServer;
import dev.k8snet.proxy.ProxyConfig;
import dev.k8snet.samples.node.ClusterFanout;
import dev.k8snet.samples.node.DnsSubsystem;
import dev.k8snet.samples.node.NodeStack;
import dev.k8snet.samples.node.ProxySubsystem;
import dev.k8snet.testkit.NetnsTest;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The node stack following an API server (fabric8's mock, CRUD mode, on loopback): a Service and
 * its endpoints created, changed and deleted there show up in the proxy's nftables rules (in a test
 * namespace) and in cluster DNS answers.
 */
@NetnsTest(tools = {"ip", "nft"})
class KubeNodeStackTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING); // it logs every request at INFO
  }

  private static String service(String clusterIp) {
    return """
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec: {clusterIP: %s, ports: [{name: http, port: 80, targetPort: 8080}]}
        """
        .formatted(clusterIp);
  }

  private static String slice(String ip) {
    return """
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: web-1, namespace: shop, labels: {kubernetes.io/service-name: web}}
        addressType: IPv4
        ports: [{name: http, port: 8080, protocol: TCP}]
        endpoints: [{addresses: [%s], conditions: {ready: true}, nodeName: node1}]
        """
        .formatted(ip);
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  private static void await(String what, Check check) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!check.ok()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  private static String rules(NetworkNamespace ns) throws Exception {
    Process p =
        new ProcessBuilder("ip", "netns", "exec", ns.name().orElseThrow(), "nft", "list", "ruleset")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(10, TimeUnit.SECONDS);
    return out;
  }

  /** The A records of {@code name}, or the rcode when there are none. */
  private static List<String> resolve(InetSocketAddress server, String name) throws Exception {
    SimpleResolver r = new SimpleResolver(server);
    r.setTimeout(Duration.ofSeconds(2));
    Message response =
        r.send(Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN)));
    List<String> out = new ArrayList<>();
    for (Record rec : response.getSection(Section.ANSWER)) {
      out.add(rec.rdataToString());
    }
    if (out.isEmpty()) {
      out.add(Rcode.string(response.getRcode()));
    }
    return out;
  }

  @Test
  void servicesAndEndpointsOnTheApiServerShowUpInRulesAndDnsAnswers(NetworkNamespace ns)
      throws Exception {
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    try (KubernetesClient admin = server.createClient()) {
      apply(admin, "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n");
      apply(
          admin,
          "apiVersion: v1\nkind: Node\nmetadata: {name: node1}\n"
              + "status: {addresses: [{type: InternalIP, address: 192.168.0.2}]}\n");
      apply(admin, service("10.96.0.10"));
      apply(admin, slice("10.244.1.5"));

      ClusterDns records = ClusterDns.create(DnsConfig.builder("cluster.local").build());
      DnsSubsystem dns =
          new DnsSubsystem(
              records,
              DnsServer.builder(records, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                  .nativeTransport(false)
                  .eventLoops(1));
      ProxySubsystem proxy =
          new ProxySubsystem(
              "node1",
              List.of(IpAddress.parse("192.168.0.2")),
              node -> ProxyConfig.DEFAULT,
              Optional.empty(),
              ns);
      KubernetesClusterSource source =
          KubernetesClusterSource.builder(admin).coalesce(Duration.ZERO).build();
      try (NodeStack stack =
          new NodeStack(new ClusterFanout(source), List.of(dns, proxy), Duration.ofSeconds(30))) {
        stack.start();
        assertTrue(stack.ready(), stack.healthReport());
        InetSocketAddress at = dns.localAddress();
        String fqdn = "web.shop.svc.cluster.local.";
        assertEquals(List.of("10.96.0.10"), resolve(at, fqdn));
        String first = rules(ns);
        assertTrue(first.contains("10.96.0.10") && first.contains("10.244.1.5"), first);

        apply(admin, slice("10.244.1.6")); // a pod replaced: its endpoint changes
        await("the new endpoint in the rules", () -> rules(ns).contains("10.244.1.6"));
        assertTrue(!rules(ns).contains("10.244.1.5"), rules(ns));

        admin.services().inNamespace("shop").withName("web").delete();
        await("the Service to leave DNS", () -> resolve(at, fqdn).equals(List.of("NXDOMAIN")));
        await("the Service to leave the rules", () -> !rules(ns).contains("10.96.0.10"));
        assertTrue(stack.metrics().contains("k8snet_proxy_partial_syncs_total"), stack.metrics());
      }
    } finally {
      server.destroy();
    }
  }

  private static void apply(KubernetesClient admin, String yaml) {
    HasMetadata o = admin.getKubernetesSerialization().unmarshal(yaml);
    admin.resource(o).createOr(existing -> existing.update());
  }
}
