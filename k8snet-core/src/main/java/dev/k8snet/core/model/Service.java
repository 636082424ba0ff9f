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

  /**
   * Checks nulls, copies collections and checks the invariants between fields.
   *
   * @param metadata the metadata; not null
   * @param type the type; not null
   * @param clusterIps the cluster IPs, copied; empty when {@code headless}
   * @param headless whether the service is headless
   * @param ipFamilies the IP families; copied
   * @param ipFamilyPolicy the IP family policy; not null
   * @param ports the ports; copied
   * @param selector the selector; copied, sorted by key
   * @param sessionAffinity the session affinity; not null
   * @param sessionAffinityTimeout the affinity timeout; present exactly when the affinity is
   *     ClientIP
   * @param externalTrafficPolicy the external traffic policy; not null
   * @param internalTrafficPolicy the internal traffic policy; not null
   * @param externalIps the external IPs; copied
   * @param loadBalancerIngress the load-balancer ingress points; copied
   * @param loadBalancerSourceRanges the load-balancer source ranges; copied
   * @param healthCheckNodePort the health-check node port; not null
   * @param publishNotReadyAddresses whether not-ready endpoints are published
   * @param externalName the external name; present exactly for type ExternalName
   * @param allocateLoadBalancerNodePorts whether load balancers get node ports
   * @param trafficDistribution the traffic distribution; not null
   */
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

  /**
   * Returns a builder for a service with the API server's defaults: type ClusterIP, no cluster IP,
   * family IPv4 (or those of the cluster IPs), SingleStack (RequireDualStack with two cluster IPs),
   * no affinity, traffic policies Cluster.
   *
   * <pre>{@code
   * Service web = Service.builder("shop", "web")
   *     .clusterIps(IpAddress.parse("10.96.0.10"))
   *     .selector(Map.of("app", "web"))
   *     .port(ServicePort.of("http", Protocol.TCP, 80))
   *     .build();
   * }</pre>
   *
   * @param namespace the namespace
   * @param name the name
   * @return the builder
   * @since 0.1
   */
  public static Builder builder(String namespace, String name) {
    return new Builder(ObjectMeta.of(namespace, name, Map.of()));
  }

  /**
   * Builds a {@link Service}; every setting has the API server's default. Not thread-safe.
   *
   * @since 0.1
   */
  public static final class Builder {
    private ObjectMeta metadata;
    private ServiceType type = ServiceType.CLUSTER_IP;
    private List<IpAddress> clusterIps = List.of();
    private boolean headless;
    private List<IpFamily> ipFamilies = List.of();
    private Optional<IpFamilyPolicy> ipFamilyPolicy = Optional.empty();
    private final List<ServicePort> ports = new java.util.ArrayList<>();
    private Map<String, String> selector = Map.of();
    private SessionAffinity sessionAffinity = SessionAffinity.NONE;
    private Optional<Duration> sessionAffinityTimeout = Optional.empty();
    private TrafficPolicy externalTrafficPolicy = TrafficPolicy.CLUSTER;
    private TrafficPolicy internalTrafficPolicy = TrafficPolicy.CLUSTER;
    private List<IpAddress> externalIps = List.of();
    private List<LoadBalancerIngress> loadBalancerIngress = List.of();
    private List<Cidr> loadBalancerSourceRanges = List.of();
    private OptionalInt healthCheckNodePort = OptionalInt.empty();
    private boolean publishNotReadyAddresses;
    private Optional<String> externalName = Optional.empty();
    private boolean allocateLoadBalancerNodePorts = true;
    private Optional<String> trafficDistribution = Optional.empty();

    private Builder(ObjectMeta metadata) {
      this.metadata = metadata;
    }

    /**
     * Sets the metadata (replacing namespace and name).
     *
     * @param metadata the metadata
     * @return this builder
     */
    public Builder metadata(ObjectMeta metadata) {
      this.metadata = Objects.requireNonNull(metadata, "metadata");
      return this;
    }

    /**
     * Sets the labels.
     *
     * @param labels the labels
     * @return this builder
     */
    public Builder labels(Map<String, String> labels) {
      this.metadata =
          new ObjectMeta(
              metadata.namespace(),
              metadata.name(),
              labels,
              metadata.annotations(),
              metadata.uid(),
              metadata.resourceVersion(),
              metadata.creationTimestamp());
      return this;
    }

    /**
     * Sets the type.
     *
     * @param type the type
     * @return this builder
     */
    public Builder type(ServiceType type) {
      this.type = Objects.requireNonNull(type, "type");
      return this;
    }

    /**
     * Sets the cluster IPs, primary first; the IP families follow unless set.
     *
     * @param ips one IP, or two of different families
     * @return this builder
     */
    public Builder clusterIps(IpAddress... ips) {
      this.clusterIps = List.of(ips);
      this.headless = false;
      return this;
    }

    /**
     * Makes the service headless ({@code clusterIP: None}).
     *
     * @return this builder
     */
    public Builder headless() {
      this.headless = true;
      this.clusterIps = List.of();
      return this;
    }

    /**
     * Sets the IP families.
     *
     * @param families the families, primary first
     * @return this builder
     */
    public Builder ipFamilies(IpFamily... families) {
      this.ipFamilies = List.of(families);
      return this;
    }

    /**
     * Sets the IP family policy.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder ipFamilyPolicy(IpFamilyPolicy policy) {
      this.ipFamilyPolicy = Optional.of(policy);
      return this;
    }

    /**
     * Adds a port.
     *
     * @param port the port
     * @return this builder
     */
    public Builder port(ServicePort port) {
      this.ports.add(Objects.requireNonNull(port, "port"));
      return this;
    }

    /**
     * Sets the selector.
     *
     * @param selector the selector; empty for a service without selector
     * @return this builder
     */
    public Builder selector(Map<String, String> selector) {
      this.selector = Map.copyOf(selector);
      return this;
    }

    /**
     * Sets ClientIP session affinity.
     *
     * @param timeout how long the affinity lasts ({@link #DEFAULT_AFFINITY_TIMEOUT} by default)
     * @return this builder
     */
    public Builder clientIpAffinity(Duration timeout) {
      this.sessionAffinity = SessionAffinity.CLIENT_IP;
      this.sessionAffinityTimeout = Optional.of(timeout);
      return this;
    }

    /**
     * Sets the external traffic policy.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder externalTrafficPolicy(TrafficPolicy policy) {
      this.externalTrafficPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets the internal traffic policy.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder internalTrafficPolicy(TrafficPolicy policy) {
      this.internalTrafficPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets the external IPs.
     *
     * @param ips the IPs
     * @return this builder
     */
    public Builder externalIps(IpAddress... ips) {
      this.externalIps = List.of(ips);
      return this;
    }

    /**
     * Sets the load balancer status.
     *
     * @param ingress the entries
     * @return this builder
     */
    public Builder loadBalancerIngress(LoadBalancerIngress... ingress) {
      this.loadBalancerIngress = List.of(ingress);
      return this;
    }

    /**
     * Sets the load balancer source ranges.
     *
     * @param ranges the ranges
     * @return this builder
     */
    public Builder loadBalancerSourceRanges(Cidr... ranges) {
      this.loadBalancerSourceRanges = List.of(ranges);
      return this;
    }

    /**
     * Sets the health check node port.
     *
     * @param port the port
     * @return this builder
     */
    public Builder healthCheckNodePort(int port) {
      this.healthCheckNodePort = OptionalInt.of(port);
      return this;
    }

    /**
     * Sets whether endpoints are published before they are ready.
     *
     * @param publish whether to publish not-ready addresses
     * @return this builder
     */
    public Builder publishNotReadyAddresses(boolean publish) {
      this.publishNotReadyAddresses = publish;
      return this;
    }

    /**
     * Makes the service an ExternalName alias.
     *
     * @param name the DNS name
     * @return this builder
     */
    public Builder externalName(String name) {
      this.type = ServiceType.EXTERNAL_NAME;
      this.externalName = Optional.of(name);
      return this;
    }

    /**
     * Sets whether a LoadBalancer service gets node ports.
     *
     * @param allocate whether to allocate them
     * @return this builder
     */
    public Builder allocateLoadBalancerNodePorts(boolean allocate) {
      this.allocateLoadBalancerNodePorts = allocate;
      return this;
    }

    /**
     * Sets the traffic distribution preference.
     *
     * @param distribution e.g. {@code PreferClose}
     * @return this builder
     */
    public Builder trafficDistribution(String distribution) {
      this.trafficDistribution = Optional.of(distribution);
      return this;
    }

    /**
     * Builds the service, defaulting IP families and policy as the API server does.
     *
     * @return the service
     * @throws IllegalArgumentException if the settings contradict each other
     */
    public Service build() {
      boolean external = type == ServiceType.EXTERNAL_NAME;
      List<IpFamily> families = ipFamilies;
      if (families.isEmpty() && !external) {
        families =
            clusterIps.isEmpty()
                ? List.of(IpFamily.IPV4)
                : clusterIps.stream().map(IpAddress::family).toList();
      }
      Optional<IpFamilyPolicy> policy = ipFamilyPolicy;
      if (policy.isEmpty() && !external) {
        policy =
            Optional.of(
                families.size() > 1
                    ? IpFamilyPolicy.REQUIRE_DUAL_STACK
                    : IpFamilyPolicy.SINGLE_STACK);
      }
      return new Service(
          metadata,
          type,
          clusterIps,
          headless,
          external ? List.of() : families,
          external ? Optional.empty() : policy,
          ports,
          selector,
          sessionAffinity,
          sessionAffinityTimeout,
          externalTrafficPolicy,
          internalTrafficPolicy,
          externalIps,
          loadBalancerIngress,
          loadBalancerSourceRanges,
          healthCheckNodePort,
          publishNotReadyAddresses,
          externalName,
          allocateLoadBalancerNodePorts,
          trafficDistribution);
    }
  }
}
