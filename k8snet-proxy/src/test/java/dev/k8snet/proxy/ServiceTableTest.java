package dev.k8snet.proxy;

import static dev.k8snet.proxy.Fixtures.CONFIG;
import static dev.k8snet.proxy.Fixtures.NODE;
import static dev.k8snet.proxy.Fixtures.NODE4;
import static dev.k8snet.proxy.Fixtures.ep;
import static dev.k8snet.proxy.Fixtures.ip;
import static dev.k8snet.proxy.Fixtures.port;
import static dev.k8snet.proxy.Fixtures.ready;
import static dev.k8snet.proxy.Fixtures.slice;
import static dev.k8snet.proxy.Fixtures.state;
import static dev.k8snet.proxy.Fixtures.svc;
import static dev.k8snet.proxy.Fixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.IpMode;
import dev.k8snet.core.model.LoadBalancerIngress;
import dev.k8snet.core.model.ServiceType;
import dev.k8snet.core.model.TrafficPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The service table against scenarios of the upstream nftables packet-tracer tests (same
 * conventions: pods 10.0.0.0/8, services 172.30.0.0/16, node 192.168.0.2 and 192.168.1.2 with
 * externalIP 192.168.99.11 counted as local, node ports on 192.168.0.2 only).
 */
class ServiceTableTest {
  private static final String POD = "10.0.0.2";
  private static final String NODE_SRC = "192.168.0.2";
  private static final String EXTERNAL = "203.0.113.2";

  /** "" for accept, DROP, REJECT, or the sorted destinations; " masq" appended when marked. */
  static String flow(ServiceTable t, String src, String dst, int port, Protocol p) {
    TraceResult r = t.trace(IpAddress.parse(src), IpAddress.parse(dst), port, p);
    String out =
        switch (r.verdict()) {
          case ACCEPT -> "";
          case DROP -> "DROP";
          case REJECT -> "REJECT";
          case DNAT -> String.join(", ", r.destinations());
        };
    return out + (r.masquerade() ? " masq" : "");
  }

  static String flow(ServiceTable t, String src, String dst, int port) {
    return flow(t, src, dst, port, Protocol.TCP);
  }

  private static ClusterState basicNodePort(TrafficPolicy etp, TrafficPolicy itp, String... eps) {
    var slice =
        slice(
            "ns2",
            "svc2",
            "p80",
            Protocol.TCP,
            80,
            java.util.Arrays.stream(eps)
                .map(e -> e.startsWith("L:") ? ready(e.substring(2), NODE) : ready(e, "host2"))
                .toArray(dev.k8snet.core.model.EndpointSlice.Endpoint[]::new));
    return state(
        svc("ns2", "svc2", "172.30.0.42")
            .type(ServiceType.LOAD_BALANCER)
            .port(port("p80", Protocol.TCP, 80, 80, 3001))
            .externalIps(ip("192.168.99.22"))
            .loadBalancerIngress(LoadBalancerIngress.ofIp(ip("1.2.3.4")))
            .externalTrafficPolicy(etp)
            .internalTrafficPolicy(itp)
            .healthCheckNodePort(30000)
            .build(),
        slice);
  }

  @Test
  void clusterIpMasqueradesOnlyNonPodSources() {
    ServiceTable t =
        table(
            state(
                svc("ns1", "svc1", "172.30.0.41")
                    .port(port("p80", Protocol.TCP, 80, 80, 0))
                    .build(),
                slice("ns1", "svc1", "p80", Protocol.TCP, 80, ready("10.180.0.1", "host1"))));
    assertEquals("10.180.0.1:80", flow(t, POD, "172.30.0.41", 80));
    assertEquals("10.180.0.1:80 masq", flow(t, NODE_SRC, "172.30.0.41", 80));
    assertEquals("10.180.0.1:80 masq", flow(t, "10.180.0.1", "172.30.0.41", 80), "hairpin");
  }

  @Test
  void wrongPortOnLiveClusterIpIsRejectedAndUnallocatedServiceIpIsDropped() {
    ServiceTable t =
        table(
            state(
                svc("ns1", "svc1", "172.30.0.41")
                    .port(port("p80", Protocol.TCP, 80, 80, 0))
                    .build(),
                slice("ns1", "svc1", "p80", Protocol.TCP, 80, ready("10.180.0.1", "host1"))));
    assertEquals("REJECT", flow(t, POD, "172.30.0.41", 81));
    assertEquals("REJECT", flow(t, POD, "172.30.0.41", 80, Protocol.UDP));
    assertEquals("DROP", flow(t, POD, "172.30.0.99", 80));
    assertEquals("", flow(t, POD, "10.180.0.1", 80), "pod IPs pass untouched");
  }

  @Test
  void noEndpointsRejectsOnEveryFrontend() {
    ServiceTable t = table(basicNodePort(TrafficPolicy.CLUSTER, TrafficPolicy.CLUSTER));
    assertEquals("REJECT", flow(t, POD, "172.30.0.42", 80));
    assertEquals("REJECT", flow(t, EXTERNAL, "192.168.99.22", 80));
    assertEquals("REJECT", flow(t, EXTERNAL, "1.2.3.4", 80));
    assertEquals("REJECT", flow(t, EXTERNAL, "192.168.0.2", 3001));
  }

  @Test
  void externalClusterPolicyAlwaysMasquerades() {
    ServiceTable t =
        table(
            basicNodePort(
                TrafficPolicy.CLUSTER, TrafficPolicy.CLUSTER, "10.180.0.2", "L:10.180.0.1"));
    String both = "10.180.0.1:80, 10.180.0.2:80";
    assertEquals(both, flow(t, POD, "172.30.0.42", 80));
    assertEquals(both + " masq", flow(t, POD, "192.168.99.22", 80));
    assertEquals(both + " masq", flow(t, EXTERNAL, "1.2.3.4", 80));
    assertEquals(both + " masq", flow(t, EXTERNAL, "192.168.0.2", 3001));
    assertEquals("", flow(t, EXTERNAL, "192.168.1.2", 3001), "not a nodePortAddress");
    assertEquals("", flow(t, EXTERNAL, "127.0.0.1", 3001), "never localhost");
  }

  @Test
  void externalLocalPolicyShortCircuitsPodAndNodeSources() {
    ServiceTable t =
        table(
            basicNodePort(
                TrafficPolicy.LOCAL, TrafficPolicy.CLUSTER, "10.180.0.2", "L:10.180.0.1"));
    String both = "10.180.0.1:80, 10.180.0.2:80";
    assertEquals(both, flow(t, POD, "172.30.0.42", 80), "eTP does not apply to ClusterIP");
    assertEquals("10.180.0.1:80", flow(t, EXTERNAL, "192.168.99.22", 80));
    assertEquals("10.180.0.1:80", flow(t, EXTERNAL, "1.2.3.4", 80));
    assertEquals("10.180.0.1:80", flow(t, EXTERNAL, "192.168.0.2", 3001));
    assertEquals(both, flow(t, POD, "1.2.3.4", 80), "pod source short-circuited, no masquerade");
    assertEquals(both + " masq", flow(t, NODE_SRC, "1.2.3.4", 80), "node source masqueraded");
    assertEquals(both + " masq", flow(t, "192.168.1.2", "192.168.0.2", 3001));
  }

  @Test
  void externalLocalPolicyWithoutLocalEndpointsDropsExternalSourcesOnly() {
    ServiceTable t = table(basicNodePort(TrafficPolicy.LOCAL, TrafficPolicy.CLUSTER, "10.180.0.2"));
    assertEquals("DROP", flow(t, EXTERNAL, "1.2.3.4", 80));
    assertEquals("DROP", flow(t, EXTERNAL, "192.168.99.22", 80));
    assertEquals("DROP", flow(t, EXTERNAL, "192.168.0.2", 3001));
    assertEquals("10.180.0.2:80", flow(t, POD, "1.2.3.4", 80));
    assertEquals("10.180.0.2:80 masq", flow(t, NODE_SRC, "192.168.0.2", 3001));
    assertEquals("10.180.0.2:80", flow(t, POD, "172.30.0.42", 80));
  }

  @Test
  void internalLocalPolicyAppliesToClusterIpOnly() {
    ServiceTable t =
        table(
            basicNodePort(
                TrafficPolicy.CLUSTER, TrafficPolicy.LOCAL, "10.180.0.2", "L:10.180.0.1"));
    assertEquals("10.180.0.1:80", flow(t, POD, "172.30.0.42", 80));
    assertEquals(
        "10.180.0.1:80 masq", flow(t, NODE_SRC, "172.30.0.42", 80), "masquerade unchanged");
    assertEquals("10.180.0.1:80, 10.180.0.2:80 masq", flow(t, EXTERNAL, "192.168.0.2", 3001));
    ServiceTable none =
        table(basicNodePort(TrafficPolicy.CLUSTER, TrafficPolicy.LOCAL, "10.180.0.2"));
    assertEquals("DROP", flow(none, POD, "172.30.0.42", 80));
    assertEquals("10.180.0.2:80 masq", flow(none, EXTERNAL, "1.2.3.4", 80));
  }

  @Test
  void internalLocalOnlyServiceRejectsWithNoEndpointsAnywhere() {
    ServiceTable t =
        table(
            state(
                svc("ns1", "svc1", "172.30.0.41")
                    .internalTrafficPolicy(TrafficPolicy.LOCAL)
                    .port(port("p80", Protocol.TCP, 80, 80, 0))
                    .build(),
                slice(
                    "ns1",
                    "svc1",
                    "p80",
                    Protocol.TCP,
                    80,
                    ep("10.180.0.1", false, false, false, "host1"))));
    assertEquals("REJECT", flow(t, POD, "172.30.0.41", 80));
  }

  @Test
  void loadBalancerSourceRangesApplyToVipsNotNodePorts() {
    ClusterState s =
        state(
            svc("ns5", "svc5", "172.30.0.45")
                .type(ServiceType.LOAD_BALANCER)
                .port(port("p80", Protocol.TCP, 80, 80, 3002))
                .loadBalancerIngress(LoadBalancerIngress.ofIp(ip("5.6.7.8")))
                .loadBalancerSourceRanges(Cidr.parse("203.0.113.0/25"))
                .build(),
            slice("ns5", "svc5", "p80", Protocol.TCP, 80, ready("10.180.0.3", "host3")));
    ServiceTable t = table(s);
    assertEquals("10.180.0.3:80 masq", flow(t, "203.0.113.2", "5.6.7.8", 80));
    assertEquals("DROP", flow(t, "203.0.113.130", "5.6.7.8", 80));
    assertEquals(
        "DROP", flow(t, "5.6.7.8", "5.6.7.8", 80), "node IP not in ranges: VIP not allowed");
    assertEquals("10.180.0.3:80 masq", flow(t, "203.0.113.130", "192.168.0.2", 3002));
    assertEquals("10.180.0.3:80 masq", flow(t, "203.0.113.130", "172.30.0.45", 80));
  }

  @Test
  void loadBalancerVipIsAllowedAsSourceWhenTheNodeIsInTheRanges() {
    ClusterState s =
        state(
            svc("ns5", "svc5", "172.30.0.45")
                .type(ServiceType.LOAD_BALANCER)
                .port(port("p80", Protocol.TCP, 80, 80, 3002))
                .loadBalancerIngress(LoadBalancerIngress.ofIp(ip("5.6.7.8")))
                .loadBalancerSourceRanges(Cidr.parse("192.168.0.0/24"))
                .build(),
            slice("ns5", "svc5", "p80", Protocol.TCP, 80, ready("10.180.0.3", "host3")));
    ServiceTable t = table(s);
    assertEquals("10.180.0.3:80 masq", flow(t, "5.6.7.8", "5.6.7.8", 80));
    assertEquals("DROP", flow(t, "203.0.113.2", "5.6.7.8", 80));
  }

  @Test
  void proxyModeLoadBalancerIpIsNotCaptured() {
    ClusterState s =
        state(
            svc("ns5", "svc5", "172.30.0.45")
                .type(ServiceType.LOAD_BALANCER)
                .port(port("p80", Protocol.TCP, 80, 80, 3002))
                .loadBalancerIngress(
                    new LoadBalancerIngress(
                        Optional.of(ip("9.10.11.12")), Optional.empty(), Optional.of(IpMode.PROXY)))
                .build(),
            slice("ns5", "svc5", "p80", Protocol.TCP, 80, ready("10.180.0.3", "host3")));
    ServiceTable t = table(s);
    assertEquals("", flow(t, EXTERNAL, "9.10.11.12", 80));
    assertEquals(List.of(), t.ports().values().iterator().next().loadBalancerIps());
  }

  @Test
  void terminatingEndpointsAreAFallbackDecidedPerSet() {
    // cluster: one ready remote + local terminating; local: only terminating local -> used.
    ClusterState s =
        state(
            svc("ns1", "svc1", "172.30.0.41")
                .type(ServiceType.NODE_PORT)
                .externalTrafficPolicy(TrafficPolicy.LOCAL)
                .port(port("p80", Protocol.TCP, 80, 80, 3001))
                .build(),
            slice(
                "ns1",
                "svc1",
                "p80",
                Protocol.TCP,
                80,
                ready("10.0.1.1", "host2"),
                ep("10.0.1.2", false, true, true, NODE),
                ep("10.0.1.3", false, false, true, NODE),
                ep("10.0.1.4", false, false, false, "host2")));
    ServiceTable t = table(s);
    assertEquals("10.0.1.1:80", flow(t, POD, "172.30.0.41", 80), "ready beats terminating");
    assertEquals("10.0.1.2:80", flow(t, EXTERNAL, "192.168.0.2", 3001), "local fallback");
    ClusterState allTerminating =
        state(
            svc("ns1", "svc1", "172.30.0.41").port(port("p80", Protocol.TCP, 80, 80, 0)).build(),
            slice(
                "ns1",
                "svc1",
                "p80",
                Protocol.TCP,
                80,
                ep("10.0.1.2", false, true, true, "host2"),
                ep("10.0.1.3", false, false, true, "host2")));
    assertEquals("10.0.1.2:80", flow(table(allTerminating), POD, "172.30.0.41", 80));
    ClusterState nothingServing =
        state(
            svc("ns1", "svc1", "172.30.0.41").port(port("p80", Protocol.TCP, 80, 80, 0)).build(),
            slice(
                "ns1",
                "svc1",
                "p80",
                Protocol.TCP,
                80,
                ep("10.0.1.3", false, false, true, "host2")));
    assertEquals("REJECT", flow(table(nothingServing), POD, "172.30.0.41", 80));
  }

  @Test
  void aTerminatingEndpointWithoutAServingConditionIsServingAsKubeProxyReadsIt() {
    // kube-proxy's EndpointSliceCache: serving absent means true (the API text says "defer to
    // ready", which would make this endpoint unusable).
    var terminatingNoServing =
        new dev.k8snet.core.model.EndpointSlice.Endpoint(
            List.of(ip("10.0.1.5")),
            new dev.k8snet.core.model.EndpointSlice.Conditions(false, false, true, false),
            Optional.empty(),
            Optional.of("host2"),
            Optional.empty(),
            List.of(),
            List.of(),
            Optional.empty());
    ClusterState s =
        state(
            svc("ns1", "svc1", "172.30.0.41").port(port("p80", Protocol.TCP, 80, 80, 0)).build(),
            slice("ns1", "svc1", "p80", Protocol.TCP, 80, terminatingNoServing));
    ServiceTable t = table(s);
    assertEquals("10.0.1.5:80", flow(t, POD, "172.30.0.41", 80), "serving+terminating fallback");
    ServiceEndpoint e = t.ports().values().iterator().next().clusterEndpoints().get(0);
    assertTrue(e.serving() && e.terminating() && !e.ready(), e.toString());
  }

  @Test
  void zoneHintsNarrowTheClusterSetOnlyWhenEveryReadyEndpointHasThem() {
    ClusterState hinted =
        state(
            svc("ns1", "svc1", "172.30.0.41").port(port("p80", Protocol.TCP, 80, 80, 0)).build(),
            slice(
                "ns1",
                "svc1",
                "p80",
                Protocol.TCP,
                80,
                ep("10.0.1.1", true, true, false, "host1", "zone-a"),
                ep("10.0.1.2", true, true, false, "host2", "zone-b"),
                ep("10.0.1.3", true, true, false, "host3", "zone-a")));
    assertEquals("10.0.1.1:80, 10.0.1.3:80", flow(table(hinted), POD, "172.30.0.41", 80));
    ClusterState partly =
        state(
            svc("ns1", "svc1", "172.30.0.41").port(port("p80", Protocol.TCP, 80, 80, 0)).build(),
            slice(
                "ns1",
                "svc1",
                "p80",
                Protocol.TCP,
                80,
                ep("10.0.1.1", true, true, false, "host1", "zone-a"),
                ep("10.0.1.2", true, true, false, "host2")));
    assertEquals("10.0.1.1:80, 10.0.1.2:80", flow(table(partly), POD, "172.30.0.41", 80));
    ClusterState otherZones =
        state(
            svc("ns1", "svc1", "172.30.0.41").port(port("p80", Protocol.TCP, 80, 80, 0)).build(),
            slice(
                "ns1",
                "svc1",
                "p80",
                Protocol.TCP,
                80,
                ep("10.0.1.1", true, true, false, "host1", "zone-c"),
                ep("10.0.1.2", true, true, false, "host2", "zone-b")));
    assertEquals("10.0.1.1:80, 10.0.1.2:80", flow(table(otherZones), POD, "172.30.0.41", 80));
  }

  @Test
  void masqueradeAllMasqueradesPodSourcesToClusterIps() {
    ClusterState s =
        state(
            svc("ns1", "svc1", "172.30.0.41").port(port("p80", Protocol.TCP, 80, 80, 0)).build(),
            slice("ns1", "svc1", "p80", Protocol.TCP, 80, ready("10.180.0.1", "host1")));
    ServiceTable t = table(s, CONFIG.toBuilder().masqueradeAll(true).build());
    assertEquals("10.180.0.1:80 masq", flow(t, POD, "172.30.0.41", 80));
    ServiceTable noDetector = table(s, CONFIG.toBuilder().clusterCidrs(List.of()).build());
    assertEquals("10.180.0.1:80", flow(noDetector, NODE_SRC, "172.30.0.41", 80));
  }

  @Test
  void ipv6TableUsesBracketsAndOnlyItsFamily() {
    ClusterState s =
        state(
            svc("ns1", "svc1", "172.30.0.41")
                .clusterIps(ip("172.30.0.41"), ip("fd00:10:96::41"))
                .type(ServiceType.NODE_PORT)
                .port(port("p80", Protocol.TCP, 80, 80, 3001))
                .build(),
            slice("ns1", "svc1", "p80", Protocol.TCP, 80, ready("10.180.0.1", "host1")),
            slice("ns1", "svc1", "p80", Protocol.TCP, 80, ready("fd00:10::1", "host1")));
    ServiceTable v6 = ServiceTable.build(s, NODE4, CONFIG, IpFamily.IPV6);
    assertEquals("[fd00:10::1]:80", flow(v6, "fd00:10::2", "fd00:10:96::41", 80));
    assertEquals("[fd00:10::1]:80 masq", flow(v6, "2001:db8::99", "2001:db8::1", 3001));
    assertEquals("", flow(v6, "2001:db8::99", "2001:db8:1::2", 3001));
    assertEquals("DROP", flow(v6, "fd00:10::2", "fd00:10:96::99", 80));
    assertEquals("10.180.0.1:80", flow(table(s), POD, "172.30.0.41", 80));
  }

  @Test
  void sctpAndUdpAreMatchedByProtocol() {
    ClusterState s =
        state(
            svc("ns1", "svc1", "172.30.0.41")
                .port(port("s", Protocol.SCTP, 80, 8080, 0))
                .port(port("u", Protocol.UDP, 80, 5353, 0))
                .build(),
            slice("ns1", "svc1", "s", Protocol.SCTP, 8080, ready("10.180.0.1", "host1")),
            slice("ns1", "svc1", "u", Protocol.UDP, 5353, ready("10.180.0.1", "host1")));
    ServiceTable t = table(s);
    assertEquals("10.180.0.1:8080", flow(t, POD, "172.30.0.41", 80, Protocol.SCTP));
    assertEquals("10.180.0.1:5353", flow(t, POD, "172.30.0.41", 80, Protocol.UDP));
    assertEquals("REJECT", flow(t, POD, "172.30.0.41", 80, Protocol.TCP));
  }

  @Test
  void duplicateEndpointsCollapsePreferringTheLocalCopy() {
    ClusterState s =
        state(
            svc("ns1", "svc1", "172.30.0.41")
                .type(ServiceType.NODE_PORT)
                .externalTrafficPolicy(TrafficPolicy.LOCAL)
                .port(port("p80", Protocol.TCP, 80, 80, 3001))
                .build(),
            slice("ns1", "svc1", "p80", Protocol.TCP, 80, ready("10.180.0.1", "host2")),
            new dev.k8snet.core.model.EndpointSlice(
                dev.k8snet.core.model.ObjectMeta.of(
                    "ns1", "svc1-b", java.util.Map.of("kubernetes.io/service-name", "svc1")),
                IpFamily.IPV4,
                List.of(ready("10.180.0.1", NODE)),
                List.of(dev.k8snet.core.model.EndpointSlice.Port.of("p80", 80, Protocol.TCP))));
    ServiceTable t = table(s);
    assertEquals("10.180.0.1:80", flow(t, EXTERNAL, "192.168.0.2", 3001));
    assertEquals(1, t.ports().values().iterator().next().clusterEndpoints().size());
  }

  @Test
  void conflictingNodePortsAreReportedAndSkippedWithoutBreakingTheRest() {
    ClusterState s =
        state(
            svc("a", "first", "172.30.0.1")
                .type(ServiceType.NODE_PORT)
                .port(port("p", Protocol.TCP, 80, 80, 3001))
                .build(),
            svc("b", "second", "172.30.0.2")
                .type(ServiceType.NODE_PORT)
                .port(port("p", Protocol.TCP, 80, 80, 3001))
                .build(),
            svc("c", "third", "172.30.0.1").port(port("p", Protocol.TCP, 80, 80, 0)).build(),
            svc("d", "fine", "172.30.0.4").port(port("p", Protocol.TCP, 80, 80, 0)).build(),
            slice("d", "fine", "p", Protocol.TCP, 80, ready("10.1.1.1", "host1")));
    ServiceTable t = table(s);
    assertEquals(2, t.problems().size(), t.problems().toString());
    assertTrue(t.problems().get(0).contains("b/second"), t.problems().toString());
    assertTrue(t.problems().get(1).contains("c/third"), t.problems().toString());
    assertEquals("10.1.1.1:80", flow(t, POD, "172.30.0.4", 80));
    assertEquals("REJECT", flow(t, EXTERNAL, "192.168.0.2", 3001), "first keeps the node port");
  }

  @Test
  void affinityDefaultsAndHeadlessAndExternalNameAreSkipped() {
    ClusterState s =
        state(
            svc("ns1", "svc1", "172.30.0.41")
                .clientIpAffinity(Service10800.TIMEOUT)
                .port(port("p80", Protocol.TCP, 80, 80, 0))
                .build(),
            dev.k8snet.core.model.Service.builder("ns1", "headless")
                .headless()
                .port(port("p80", Protocol.TCP, 80, 80, 0))
                .build(),
            dev.k8snet.core.model.Service.builder("ns1", "ext")
                .externalName("example.com")
                .build());
    ServiceTable t = table(s);
    assertEquals(1, t.ports().size());
    assertEquals(
        Optional.of(Duration.ofSeconds(10800)),
        t.ports().values().iterator().next().affinityTimeout());
  }

  @Test
  void changedServicesNamesExactlyTheServicesThatDiffer() {
    ClusterState a =
        state(
            svc("ns1", "svc1", "172.30.0.41").port(port("p80", Protocol.TCP, 80, 80, 0)).build(),
            svc("ns1", "svc2", "172.30.0.42").port(port("p80", Protocol.TCP, 80, 80, 0)).build(),
            slice("ns1", "svc1", "p80", Protocol.TCP, 80, ready("10.180.0.1", "host1")));
    ClusterState b =
        state(
            svc("ns1", "svc1", "172.30.0.41").port(port("p80", Protocol.TCP, 80, 80, 0)).build(),
            svc("ns1", "svc2", "172.30.0.42").port(port("p80", Protocol.TCP, 80, 80, 0)).build(),
            svc("ns1", "svc3", "172.30.0.43").port(port("p80", Protocol.TCP, 80, 80, 0)).build(),
            slice("ns1", "svc1", "p80", Protocol.TCP, 80, ready("10.180.0.2", "host1")));
    ServiceTable ta = table(a);
    ServiceTable tb = table(b);
    assertEquals(Set.of("ns1/svc1", "ns1/svc3"), tb.changedServices(ta));
    assertEquals(Set.of(), tb.changedServices(table(b)));
    assertEquals(
        tb.ports(), ta.update(b, tb.changedServices(ta)).ports(), "incremental update = rebuild");
  }

  /** The default affinity timeout, spelled out. */
  private static final class Service10800 {
    static final Duration TIMEOUT = Duration.ofSeconds(10800);
  }
}
