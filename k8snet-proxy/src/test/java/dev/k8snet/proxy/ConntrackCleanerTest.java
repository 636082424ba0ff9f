package dev.k8snet.proxy;

import static dev.k8snet.proxy.Fixtures.ep;
import static dev.k8snet.proxy.Fixtures.ip;
import static dev.k8snet.proxy.Fixtures.port;
import static dev.k8snet.proxy.Fixtures.slice;
import static dev.k8snet.proxy.Fixtures.state;
import static dev.k8snet.proxy.Fixtures.svc;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.EndpointSlice;
import dev.k8snet.core.model.KubernetesObject;
import dev.k8snet.core.model.ServiceType;
import dev.k8snet.core.netlink.ConntrackEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Stale UDP/SCTP flows: which ones kube-proxy's rule removes (real flows: NftablesProxyTest). */
class ConntrackCleanerTest {
  private static final ProxyNode NODE =
      new ProxyNode("node1", List.of(ip("192.168.50.1")), Map.of());
  private static final ProxyConfig CONFIG =
      ProxyConfig.builder().clusterCidrs(List.of(Cidr.parse("10.244.0.0/16"))).build();

  private static EndpointSlice.Endpoint b(int i) {
    return ep(Lab.backendIp(i), true, true, false, "node" + i);
  }

  /** dns: UDP ClusterIP 10.96.0.13:53 and node port 30053; web: TCP; stats: SCTP. */
  static ServiceTable table(EndpointSlice.Endpoint... dnsEndpoints) {
    List<KubernetesObject> o = new ArrayList<>();
    o.add(
        svc("default", "dns", "10.96.0.13")
            .type(ServiceType.NODE_PORT)
            .port(port("dns", Protocol.UDP, 53, 8080, 30053))
            .build());
    o.add(slice("default", "dns", "dns", Protocol.UDP, 8080, dnsEndpoints));
    o.add(
        svc("default", "web", "10.96.0.10").port(port("http", Protocol.TCP, 80, 8080, 0)).build());
    o.add(slice("default", "web", "http", Protocol.TCP, 8080, b(1)));
    o.add(
        svc("default", "stats", "10.96.0.14")
            .port(port("s", Protocol.SCTP, 3868, 8080, 0))
            .build());
    o.add(slice("default", "stats", "s", Protocol.SCTP, 8080, b(1)));
    ClusterState s = state(o.toArray(KubernetesObject[]::new));
    return ServiceTable.build(s, NODE, CONFIG, IpFamily.IPV4);
  }

  private static ConntrackEntry flow(int proto, String dst, int dport, String replySrc) {
    return new ConntrackEntry(
        IpFamily.IPV4,
        proto,
        new ConntrackEntry.Tuple(ip("192.168.50.2"), ip(dst), 40000, dport),
        new ConntrackEntry.Tuple(ip(replySrc), ip("192.168.50.2"), 8080, 40000),
        0,
        0,
        Optional.empty(),
        1);
  }

  private final Predicate<ConntrackEntry> stale =
      ConntrackCleaner.staleFlows(null, table(b(2), ep(Lab.backendIp(3), false, true, true, "n")));

  @Test
  void aFlowToAServingEndpointStaysEvenWhenItIsTerminating() {
    assertFalse(stale.test(flow(17, "10.96.0.13", 53, "10.244.2.2")));
    assertFalse(stale.test(flow(17, "10.96.0.13", 53, "10.244.3.2")));
  }

  @Test
  void aFlowToAnEndpointThatLeftIsStaleThroughTheClusterIpAndTheNodePort() {
    assertTrue(stale.test(flow(17, "10.96.0.13", 53, "10.244.1.2")));
    assertTrue(stale.test(flow(17, "192.168.50.1", 30053, "10.244.1.2")));
    assertFalse(
        stale.test(flow(17, "192.168.77.7", 30053, "10.244.1.2")),
        "the node port on an address that is not the node's");
  }

  @Test
  void tcpAndFlowsOfOtherDestinationsAreLeftAlone() {
    assertFalse(stale.test(flow(6, "10.96.0.10", 80, "10.244.9.9")));
    assertFalse(stale.test(flow(17, "10.96.0.99", 53, "10.244.1.2")));
  }

  @Test
  void sctpIsCleanedLikeUdp() {
    assertTrue(stale.test(flow(132, "10.96.0.14", 3868, "10.244.9.9")));
    assertFalse(stale.test(flow(132, "10.96.0.14", 3868, "10.244.1.2")));
  }

  @Test
  void aServiceScaledToZeroLosesEveryFlow() {
    Predicate<ConntrackEntry> zero = ConntrackCleaner.staleFlows(null, table());
    assertTrue(zero.test(flow(17, "10.96.0.13", 53, "10.244.2.2")));
  }

  @Test
  void aFrontendThatWentAwayLosesItsDnatedFlows() {
    ServiceTable before = table(b(2));
    ServiceTable after =
        ServiceTable.build(
            state(
                svc("default", "dns", "10.96.0.53")
                    .port(port("dns", Protocol.UDP, 53, 8080, 0))
                    .build(),
                slice("default", "dns", "dns", Protocol.UDP, 8080, b(2))),
            NODE,
            CONFIG,
            IpFamily.IPV4);
    Predicate<ConntrackEntry> moved = ConntrackCleaner.staleFlows(before, after);
    assertTrue(moved.test(flow(17, "10.96.0.13", 53, "10.244.2.2")), "old ClusterIP");
    assertTrue(moved.test(flow(17, "192.168.50.1", 30053, "10.244.2.2")), "old node port");
    assertFalse(moved.test(flow(17, "10.96.0.53", 53, "10.244.2.2")), "new ClusterIP");
  }
}
