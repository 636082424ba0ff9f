package dev.k8snet.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.PortRange;
import dev.k8snet.core.Protocol;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModelInvariantsTest {
  private static final ObjectMeta META = ObjectMeta.of("ns", "n", Map.of());

  @Test
  void ipBlockExceptMustBeAStrictSubset() {
    Cidr ten = Cidr.parse("10.0.0.0/8");
    assertThrows(IllegalArgumentException.class, () -> new IpBlock(ten, List.of(ten)));
    assertThrows(
        IllegalArgumentException.class, () -> new IpBlock(ten, List.of(Cidr.parse("11.0.0.0/16"))));
    assertThrows(
        IllegalArgumentException.class, () -> new IpBlock(ten, List.of(Cidr.parse("fd00::/64"))));
    IpBlock b = new IpBlock(ten, List.of(Cidr.parse("10.1.0.0/16")));
    assertTrue(b.contains(IpAddress.parse("10.0.0.1")));
    assertFalse(b.contains(IpAddress.parse("10.1.2.3")));
    assertFalse(b.contains(IpAddress.parse("11.0.0.1")));
  }

  @Test
  void networkPolicyPeerNeedsExactlyOneKind() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new NetworkPolicyPeer(Optional.empty(), Optional.empty(), Optional.empty()));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new NetworkPolicyPeer(
                Optional.of(LabelSelector.EVERYTHING),
                Optional.empty(),
                Optional.of(IpBlock.of(Cidr.parse("10.0.0.0/8")))));
  }

  @Test
  void endPortNeedsANumericPortNoGreaterThanIt() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new NetworkPolicyPort(Protocol.TCP, Optional.empty(), OptionalInt.of(80)));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new NetworkPolicyPort(
                Protocol.TCP, Optional.of(PortRef.named("http")), OptionalInt.of(80)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new NetworkPolicyPort(Protocol.TCP, Optional.of(PortRef.of(81)), OptionalInt.of(80)));
    NetworkPolicyPort p =
        new NetworkPolicyPort(Protocol.UDP, Optional.of(PortRef.of(80)), OptionalInt.of(80));
    assertEquals(Optional.of(PortRange.of(80)), p.range());
  }

  @Test
  void networkPolicyNeedsAPolicyTypeAndCopiesItsCollections() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new NetworkPolicy(META, LabelSelector.EVERYTHING, Set.of(), List.of(), List.of()));
    List<NetworkPolicyRule> rules = new ArrayList<>(List.of(NetworkPolicyRule.ALLOW_ALL));
    NetworkPolicy p =
        new NetworkPolicy(
            META, LabelSelector.EVERYTHING, Set.of(PolicyType.EGRESS), List.of(), rules);
    rules.clear();
    assertEquals(1, p.egress().size());
    assertTrue(p.isolates(PolicyType.EGRESS));
    assertFalse(p.isolates(PolicyType.INGRESS));
    assertThrows(UnsupportedOperationException.class, () -> p.egress().clear());
  }

  private static Service service(
      ServiceType type,
      boolean headless,
      List<IpAddress> ips,
      SessionAffinity affinity,
      Optional<Duration> timeout,
      Optional<String> externalName) {
    return new Service(
        META,
        type,
        ips,
        headless,
        List.of(IpFamily.IPV4),
        Optional.of(IpFamilyPolicy.SINGLE_STACK),
        List.of(ServicePort.of("", Protocol.TCP, 80)),
        Map.of("app", "web"),
        affinity,
        timeout,
        TrafficPolicy.CLUSTER,
        TrafficPolicy.CLUSTER,
        List.of(),
        List.of(),
        List.of(),
        OptionalInt.empty(),
        false,
        externalName,
        true,
        Optional.empty());
  }

  @Test
  void serviceChecksTheInvariantsBetweenItsFields() {
    List<IpAddress> ip = List.of(IpAddress.parse("10.96.0.1"));
    Service s =
        service(
            ServiceType.CLUSTER_IP,
            false,
            ip,
            SessionAffinity.NONE,
            Optional.empty(),
            Optional.empty());
    assertEquals(Optional.of(IpAddress.parse("10.96.0.1")), s.clusterIp(IpFamily.IPV4));
    assertEquals(Optional.empty(), s.clusterIp(IpFamily.IPV6));
    assertFalse(s.externallyAccessible());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            service(
                ServiceType.CLUSTER_IP,
                true,
                ip,
                SessionAffinity.NONE,
                Optional.empty(),
                Optional.empty()));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            service(
                ServiceType.CLUSTER_IP,
                false,
                ip,
                SessionAffinity.CLIENT_IP,
                Optional.empty(),
                Optional.empty()));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            service(
                ServiceType.EXTERNAL_NAME,
                false,
                List.of(),
                SessionAffinity.NONE,
                Optional.empty(),
                Optional.empty()));
  }

  @Test
  void endpointSliceAddressesMatchItsFamily() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new EndpointSlice(
                META,
                IpFamily.IPV4,
                List.of(EndpointSlice.Endpoint.of(IpAddress.parse("fd00::1"))),
                List.of()));
    EndpointSlice s =
        new EndpointSlice(
            ObjectMeta.of("ns", "web-1", Map.of(EndpointSlice.SERVICE_NAME_LABEL, "web")),
            IpFamily.IPV4,
            List.of(EndpointSlice.Endpoint.of(IpAddress.parse("10.0.0.1"))),
            List.of(EndpointSlice.Port.of("http", 8080, Protocol.TCP)));
    assertEquals(Optional.of(new ObjectRef("Service", "ns", "web")), s.serviceRef());
  }

  @Test
  void podAllowsAtMostOneIpPerFamily() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Pod(
                META,
                Optional.empty(),
                false,
                Optional.empty(),
                Optional.empty(),
                List.of(IpAddress.parse("10.0.0.1"), IpAddress.parse("10.0.0.2")),
                Pod.Phase.RUNNING,
                true,
                List.of(),
                Optional.empty()));
  }

  @Test
  void secretIsImmutableAndNeverPrintsItsData() {
    byte[] value = "s3cret".getBytes(StandardCharsets.UTF_8);
    Map<String, byte[]> data = new HashMap<>(Map.of("k", value));
    Secret s = new Secret(META, "Opaque", data);
    value[0] = 'X';
    data.clear();
    assertEquals("s3cret", new String(s.get("k").orElseThrow(), StandardCharsets.UTF_8));
    assertFalse(s.toString().contains("s3cret"));
    assertEquals(
        s, new Secret(META, "Opaque", Map.of("k", "s3cret".getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void adminPoliciesCheckPriorityAndSubject() {
    AdminPeer ns = new AdminPeer.Namespaces(LabelSelector.EVERYTHING);
    assertThrows(
        IllegalArgumentException.class,
        () -> new AdminNetworkPolicy(META, 1001, ns, List.of(), List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new AdminNetworkPolicy(
                META, 1, new AdminPeer.Nodes(LabelSelector.EVERYTHING), List.of(), List.of()));
    AdminPolicyRule pass = new AdminPolicyRule("", AdminPolicyAction.PASS, List.of(ns), List.of());
    assertThrows(
        IllegalArgumentException.class,
        () -> new BaselineAdminNetworkPolicy(META, ns, List.of(pass), List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> new AdminPolicyRule("", AdminPolicyAction.DENY, List.of(), List.of()));
    assertThrows(IllegalArgumentException.class, () -> new AdminPort.Range(Protocol.TCP, 80, 80));
    assertThrows(IllegalArgumentException.class, () -> new AdminPeer.Networks(List.of()));
  }

  @Test
  void ingressPathsForExactAndPrefixAreAbsolute() {
    IngressBackend b = IngressBackend.service("web", PortRef.of(80));
    assertThrows(
        IllegalArgumentException.class, () -> new HttpIngressPath("a", PathType.PREFIX, b));
    assertEquals("", new HttpIngressPath("", PathType.IMPLEMENTATION_SPECIFIC, b).path());
  }

  @Test
  void enumsParseTheirManifestSpelling() {
    assertEquals(Optional.of(ServiceType.NODE_PORT), ServiceType.fromKubernetesName("NodePort"));
    assertEquals(Optional.empty(), ServiceType.fromKubernetesName("nodeport"));
    assertEquals("ClientIP", SessionAffinity.CLIENT_IP.kubernetesName());
    assertEquals(Optional.of(IpMode.PROXY), IpMode.fromKubernetesName("Proxy"));
    assertEquals(
        Optional.of(PathType.IMPLEMENTATION_SPECIFIC),
        PathType.fromKubernetesName("ImplementationSpecific"));
  }
}
