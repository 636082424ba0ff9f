package dev.k8snet.core.model;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * A Kubernetes Service (v1) with the API server's defaults applied: every type, cluster IPs (or
 * headless), IP families, ports, selector, session affinity, traffic policies, external IPs and
 * load-balancer status.
 *
 * <p>A service read from a manifest without {@code spec.clusterIP} has no cluster IPs: k8snet does
 * not allocate them (the API server would).
 *
 * @param metadata the metadata
 * @param type {@code spec.type} (default ClusterIP)
 * @param clusterIps {@code spec.clusterIPs}, primary first; empty when headless, for ExternalName,
 *     or when not allocated
 * @param headless whether {@code spec.clusterIP} is {@code None}
 * @param ipFamilies {@code spec.ipFamilies} (defaulted from the cluster IPs); empty for
 *     ExternalName
 * @param ipFamilyPolicy {@code spec.ipFamilyPolicy} (default SingleStack, RequireDualStack when two
 *     cluster IPs are given); empty for ExternalName
 * @param ports {@code spec.ports}
 * @param selector {@code spec.selector}; empty when the service has no selector (endpoints are
 *     managed by someone else)
 * @param sessionAffinity {@code spec.sessionAffinity} (default None)
 * @param sessionAffinityTimeout the ClientIP affinity timeout (default 10800 s); present exactly
 *     when the affinity is ClientIP
 * @param externalTrafficPolicy {@code spec.externalTrafficPolicy} (default Cluster; it only matters
 *     for externally accessible services)
 * @param internalTrafficPolicy {@code spec.internalTrafficPolicy} (default Cluster)
 * @param externalIps {@code spec.externalIPs}
 * @param loadBalancerIngress {@code status.loadBalancer.ingress}
 * @param loadBalancerSourceRanges {@code spec.loadBalancerSourceRanges} (whitespace trimmed, host
 *     bits cleared)
 * @param healthCheckNodePort {@code spec.healthCheckNodePort}, if set
 * @param publishNotReadyAddresses {@code spec.publishNotReadyAddresses}
 * @param externalName {@code spec.externalName} of an ExternalName service
 * @param allocateLoadBalancerNodePorts {@code spec.allocateLoadBalancerNodePorts} (default true)
 * @param trafficDistribution {@code spec.trafficDistribution} (e.g. {@code PreferClose}), if set
 * @since 0.1
 */
public record Service(
    ObjectMeta metadata,
    ServiceType type,
    List<IpAddress> clusterIps,
    boolean headless,
    List<IpFamily> ipFamilies,
    Optional<IpFamilyPolicy> ipFamilyPolicy,
    List<ServicePort> ports,
    Map<String, String> selector,
    SessionAffinity sessionAffinity,
    Optional<Duration> sessionAffinityTimeout,
    TrafficPolicy externalTrafficPolicy,
    TrafficPolicy internalTrafficPolicy,
    List<IpAddress> externalIps,
    List<LoadBalancerIngress> loadBalancerIngress,
    List<Cidr> loadBalancerSourceRanges,
    OptionalInt healthCheckNodePort,
    boolean publishNotReadyAddresses,
    Optional<String> externalName,
    boolean allocateLoadBalancerNodePorts,
    Optional<String> trafficDistribution)
    implements KubernetesObject {

  /** The default ClientIP affinity timeout: 10800 seconds (3 hours). */
  public static final Duration DEFAULT_AFFINITY_TIMEOUT = Duration.ofHours(3);

  /** Checks nulls, copies collections and checks the invariants between fields. */
  public Service {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(type, "type");
    clusterIps = List.copyOf(clusterIps);
    ipFamilies = List.copyOf(ipFamilies);
    Objects.requireNonNull(ipFamilyPolicy, "ipFamilyPolicy");
    ports = List.copyOf(ports);
    selector = Collections.unmodifiableMap(new TreeMap<>(selector));
    Objects.requireNonNull(sessionAffinity, "sessionAffinity");
    Objects.requireNonNull(sessionAffinityTimeout, "sessionAffinityTimeout");
    Objects.requireNonNull(externalTrafficPolicy, "externalTrafficPolicy");
    Objects.requireNonNull(internalTrafficPolicy, "internalTrafficPolicy");
    externalIps = List.copyOf(externalIps);
    loadBalancerIngress = List.copyOf(loadBalancerIngress);
    loadBalancerSourceRanges = List.copyOf(loadBalancerSourceRanges);
    Objects.requireNonNull(healthCheckNodePort, "healthCheckNodePort");
    Objects.requireNonNull(externalName, "externalName");
    Objects.requireNonNull(trafficDistribution, "trafficDistribution");
    if (headless && !clusterIps.isEmpty()) {
      throw new IllegalArgumentException(
          "clusterIps: " + clusterIps + " (expected: none for a headless service)");
    }
    if ((sessionAffinity == SessionAffinity.CLIENT_IP) != sessionAffinityTimeout.isPresent()) {
      throw new IllegalArgumentException(
          "sessionAffinityTimeout: "
              + sessionAffinityTimeout
              + " (expected: present exactly when sessionAffinity is ClientIP)");
    }
    if ((type == ServiceType.EXTERNAL_NAME) != externalName.isPresent()) {
      throw new IllegalArgumentException(
          "externalName: " + externalName + " (expected: present exactly for type ExternalName)");
    }
  }

  /**
   * Returns the cluster IP of a family.
   *
   * @param family the family
   * @return the IP, or empty when the service has none of that family
   */
  public Optional<IpAddress> clusterIp(IpFamily family) {
    return clusterIps.stream().filter(ip -> ip.family() == family).findFirst();
  }

  /**
   * Returns the port with a name.
   *
   * @param name the port name ({@code ""} for the unnamed port)
   * @return the port, or empty
   */
  public Optional<ServicePort> port(String name) {
    return ports.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /**
   * Returns whether the service is reachable from outside the cluster: NodePort or LoadBalancer
   * type, or external IPs.
   *
   * @return whether it is externally accessible
   */
  public boolean externallyAccessible() {
    return type == ServiceType.NODE_PORT
        || type == ServiceType.LOAD_BALANCER
        || !externalIps.isEmpty();
  }

  /** Returns {@code Service}. */
  @Override
  public String kind() {
    return "Service";
  }
}
