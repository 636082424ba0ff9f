package dev.k8snet.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.AdminNetworkPolicy;
import dev.k8snet.core.model.BaselineAdminNetworkPolicy;
import dev.k8snet.core.model.EndpointSlice;
import dev.k8snet.core.model.Ingress;
import dev.k8snet.core.model.IpFamilyPolicy;
import dev.k8snet.core.model.NetworkPolicy;
import dev.k8snet.core.model.Pod;
import dev.k8snet.core.model.PortRef;
import dev.k8snet.core.model.Service;
import dev.k8snet.core.model.ServiceType;
import dev.k8snet.core.model.SessionAffinity;
import dev.k8snet.core.model.TrafficPolicy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import net.jqwik.api.Example;

/** The generators are not vacuous: each feature they promise shows up in a modest sample. */
class ClusterArbitrariesCoverageTest {

  private static <T> void assertCovers(List<T> sample, Map<String, Predicate<T>> features) {
    features.forEach(
        (name, feature) ->
            assertTrue(sample.stream().anyMatch(feature), () -> "no sample has: " + name));
  }

  @Example
  void servicesCoverTheSchema() {
    List<Service> sample = Samples.of(ClusterArbitraries.services(), 1).limit(300).toList();
    Map<String, Predicate<Service>> features = new LinkedHashMap<>();
    for (ServiceType type : ServiceType.values()) {
      features.put(type.toString(), s -> s.type() == type);
    }
    features.put("headless", Service::headless);
    features.put("dual-stack", s -> s.clusterIps().size() == 2);
    features.put(
        "PreferDualStack",
        s -> s.ipFamilyPolicy().equals(java.util.Optional.of(IpFamilyPolicy.PREFER_DUAL_STACK)));
    features.put(
        "unallocated", s -> !s.headless() && s.clusterIps().isEmpty() && !s.ipFamilies().isEmpty());
    features.put(
        "named target",
        s -> s.ports().stream().anyMatch(p -> p.targetPort() instanceof PortRef.Name));
    features.put("node port", s -> s.ports().stream().anyMatch(p -> p.nodePort().isPresent()));
    features.put("unnamed port", s -> s.ports().stream().anyMatch(p -> p.name().isEmpty()));
    features.put("ClientIP", s -> s.sessionAffinity() == SessionAffinity.CLIENT_IP);
    features.put("etp Local", s -> s.externalTrafficPolicy() == TrafficPolicy.LOCAL);
    features.put("itp Local", s -> s.internalTrafficPolicy() == TrafficPolicy.LOCAL);
    features.put("externalIPs", s -> !s.externalIps().isEmpty());
    features.put("lb ingress", s -> !s.loadBalancerIngress().isEmpty());
    features.put("lb source ranges", s -> !s.loadBalancerSourceRanges().isEmpty());
    features.put("health check node port", s -> s.healthCheckNodePort().isPresent());
    features.put("no lb node ports", s -> !s.allocateLoadBalancerNodePorts());
    assertCovers(sample, features);
  }

  @Example
  void networkPoliciesCoverTheSchema() {
    List<NetworkPolicy> sample =
        Samples.of(ClusterArbitraries.networkPolicies(), 2).limit(150).toList();
    Map<String, Predicate<NetworkPolicy>> features = new LinkedHashMap<>();
    features.put(
        "except",
        p ->
            rules(p)
                .anyMatch(
                    r ->
                        r.peers().stream()
                            .anyMatch(
                                x -> x.ipBlock().map(b -> !b.except().isEmpty()).orElse(false))));
    features.put(
        "endPort",
        p -> rules(p).anyMatch(r -> r.ports().stream().anyMatch(x -> x.endPort().isPresent())));
    features.put(
        "named port",
        p ->
            rules(p)
                .anyMatch(
                    r ->
                        r.ports().stream()
                            .anyMatch(
                                x -> x.port().map(PortRef.Name.class::isInstance).orElse(false))));
    features.put(
        "pods in namespaces",
        p ->
            rules(p)
                .anyMatch(
                    r ->
                        r.peers().stream()
                            .anyMatch(
                                x ->
                                    x.podSelector().isPresent()
                                        && x.namespaceSelector().isPresent())));
    assertCovers(sample, features);
  }

  private static java.util.stream.Stream<dev.k8snet.core.model.NetworkPolicyRule> rules(
      NetworkPolicy p) {
    return java.util.stream.Stream.concat(p.ingress().stream(), p.egress().stream());
  }

  @Example
  void clustersCoverWhatConsumersCareAbout() {
    List<ClusterState> sample = Samples.of(ClusterArbitraries.clusters(), 3).limit(100).toList();
    Map<String, Predicate<ClusterState>> features = new LinkedHashMap<>();
    features.put("endpoints", c -> endpoints(c).findAny().isPresent());
    features.put("not ready endpoint", c -> endpoints(c).anyMatch(e -> !e.conditions().ready()));
    features.put(
        "terminating endpoint", c -> endpoints(c).anyMatch(e -> e.conditions().terminating()));
    features.put(
        "serving terminating endpoint",
        c -> endpoints(c).anyMatch(e -> e.conditions().terminating() && e.conditions().serving()));
    features.put("IPv6 endpoint", c -> endpoints(c).anyMatch(e -> e.addresses().get(0).isIpv6()));
    features.put(
        "placeholder slice",
        c -> c.all(EndpointSlice.class).stream().anyMatch(s -> s.endpoints().isEmpty()));
    features.put(
        "split slices",
        c -> c.all(EndpointSlice.class).stream().anyMatch(s -> s.metadata().name().endsWith("-1")));
    features.put(
        "resolved named port 8081",
        c ->
            c.all(EndpointSlice.class).stream()
                .anyMatch(s -> s.ports().stream().anyMatch(p -> p.port().orElse(0) == 8081)));
    features.put(
        "service selecting none",
        c ->
            c.services().stream()
                .anyMatch(
                    s ->
                        !s.selector().isEmpty()
                            && c.all(EndpointSlice.class).stream()
                                .anyMatch(
                                    x ->
                                        x.serviceName().orElse("").equals(s.metadata().name())
                                            && x.metadata()
                                                .namespace()
                                                .equals(s.metadata().namespace())
                                            && x.endpoints().isEmpty())));
    features.put("host network pod", c -> c.pods().stream().anyMatch(Pod::hostNetwork));
    features.put(
        "pending pod", c -> c.pods().stream().anyMatch(p -> p.phase() == Pod.Phase.PENDING));
    features.put(
        "finished pod",
        c ->
            c.pods().stream()
                .anyMatch(p -> p.phase() == Pod.Phase.SUCCEEDED || p.phase() == Pod.Phase.FAILED));
    features.put(
        "finished pod whose IP a running pod reuses",
        c ->
            c.pods().stream()
                .filter(p -> p.phase() == Pod.Phase.SUCCEEDED || p.phase() == Pod.Phase.FAILED)
                .flatMap(p -> p.podIps().stream())
                .anyMatch(
                    ip ->
                        c.pods().stream()
                            .anyMatch(
                                p ->
                                    p.phase() == Pod.Phase.RUNNING
                                        && !p.hostNetwork()
                                        && p.podIps().contains(ip))));
    features.put("dual-stack pod", c -> c.pods().stream().anyMatch(p -> p.podIps().size() == 2));
    features.put("network policy", c -> !c.all(NetworkPolicy.class).isEmpty());
    features.put("ingress", c -> !c.all(Ingress.class).isEmpty());
    features.put("admin network policy", c -> !c.all(AdminNetworkPolicy.class).isEmpty());
    features.put(
        "baseline admin network policy", c -> !c.all(BaselineAdminNetworkPolicy.class).isEmpty());
    features.put("three nodes", c -> c.nodes().size() == 3);
    assertCovers(sample, features);
  }

  private static java.util.stream.Stream<EndpointSlice.Endpoint> endpoints(ClusterState c) {
    return c.all(EndpointSlice.class).stream().flatMap(s -> s.endpoints().stream());
  }
}
