package dev.k8snet.proxy;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.Protocol;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One service port of one IP family as the proxy programs it: its frontends and the endpoint sets
 * chosen exactly as kube-proxy's {@code CategorizeEndpoints} does.
 *
 * <p>The <em>cluster</em> set holds the ready endpoints allowed by topology hints, or when there
 * are none the serving and terminating ones; the <em>local</em> set holds this node's ready
 * endpoints, or when there are none its serving and terminating ones. Each is computed only when
 * the service uses it and is empty otherwise.
 *
 * @param name the service port
 * @param family the family of every address here
 * @param clusterIp the ClusterIP of this family
 * @param port the service port number
 * @param nodePort the node port, if any
 * @param externalIps externalIPs of this family
 * @param loadBalancerIps load-balancer ingress IPs of this family whose ipMode is not Proxy
 * @param sourceRanges loadBalancerSourceRanges of this family (empty: no firewall)
 * @param firewallAllowed the sources the firewall lets reach the load-balancer IPs: the source
 *     ranges, plus the load-balancer IPs themselves when the node's primary address is in a range
 * @param affinityTimeout the ClientIP session affinity timeout, if affinity is on
 * @param internalPolicyLocal internalTrafficPolicy is Local
 * @param externalPolicyLocal externalTrafficPolicy is Local and the port is externally accessible
 * @param clusterEndpoints the cluster set
 * @param localEndpoints the local set
 * @param hasEndpoints whether any usable endpoint exists anywhere (else traffic is rejected)
 * @param healthCheckNodePort the health-check node port, for eTP=Local load balancers
 * @param servingEndpoints every endpoint of the port that is serving (kube-proxy's {@code
 *     IsServing}: ready or not, terminating or not), whatever the traffic policies and topology;
 *     connection-tracking cleanup keeps the flows to these and removes the rest
 * @since 0.1.0
 */
public record ServicePortInfo(
    ServicePortName name,
    IpFamily family,
    IpAddress clusterIp,
    int port,
    OptionalInt nodePort,
    List<IpAddress> externalIps,
    List<IpAddress> loadBalancerIps,
    List<Cidr> sourceRanges,
    List<Cidr> firewallAllowed,
    Optional<Duration> affinityTimeout,
    boolean internalPolicyLocal,
    boolean externalPolicyLocal,
    List<ServiceEndpoint> clusterEndpoints,
    List<ServiceEndpoint> localEndpoints,
    boolean hasEndpoints,
    OptionalInt healthCheckNodePort,
    List<ServiceEndpoint> servingEndpoints) {

  /**
   * Validates and copies.
   *
   * @param name the service port; not null
   * @param family the family; not null
   * @param clusterIp the ClusterIP; not null
   * @param port the service port number
   * @param nodePort the node port; not null
   * @param externalIps the externalIPs; copied
   * @param loadBalancerIps the load-balancer IPs; copied
   * @param sourceRanges the source ranges; copied
   * @param firewallAllowed the sources the firewall lets through; copied
   * @param affinityTimeout the affinity timeout; not null
   * @param internalPolicyLocal whether internalTrafficPolicy is Local
   * @param externalPolicyLocal whether externalTrafficPolicy is Local and the port is externally
   *     accessible
   * @param clusterEndpoints the cluster set; copied
   * @param localEndpoints the local set; copied
   * @param hasEndpoints whether any usable endpoint exists
   * @param healthCheckNodePort the health-check node port; not null
   * @param servingEndpoints the serving endpoints; copied
   */
  public ServicePortInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(clusterIp, "clusterIp");
    Objects.requireNonNull(nodePort, "nodePort");
    externalIps = List.copyOf(externalIps);
    loadBalancerIps = List.copyOf(loadBalancerIps);
    sourceRanges = List.copyOf(sourceRanges);
    firewallAllowed = List.copyOf(firewallAllowed);
    Objects.requireNonNull(affinityTimeout, "affinityTimeout");
    clusterEndpoints = List.copyOf(clusterEndpoints);
    localEndpoints = List.copyOf(localEndpoints);
    Objects.requireNonNull(healthCheckNodePort, "healthCheckNodePort");
    servingEndpoints = List.copyOf(servingEndpoints);
  }

  /**
   * Returns the protocol.
   *
   * @return the protocol
   */
  public Protocol protocol() {
    return name.protocol();
  }

  /**
   * Returns whether traffic from outside reaches this port at all: a node port, a load-balancer IP
   * or an externalIP.
   *
   * @return true if externally accessible
   */
  public boolean externallyAccessible() {
    return nodePort.isPresent() || !loadBalancerIps.isEmpty() || !externalIps.isEmpty();
  }

  /**
   * Returns the endpoints ClusterIP traffic goes to: the local set under iTP=Local, else the
   * cluster set.
   *
   * @return the endpoints
   */
  public List<ServiceEndpoint> internalEndpoints() {
    return internalPolicyLocal ? localEndpoints : clusterEndpoints;
  }

  /**
   * Returns the endpoints external-source traffic goes to: the local set under eTP=Local, else the
   * cluster set.
   *
   * @return the endpoints
   */
  public List<ServiceEndpoint> externalEndpoints() {
    return externalPolicyLocal ? localEndpoints : clusterEndpoints;
  }

  /**
   * Returns whether ClusterIP traffic has somewhere to go.
   *
   * @return true if there are internal endpoints
   */
  public boolean hasInternalEndpoints() {
    return hasEndpoints && (!internalPolicyLocal || !localEndpoints.isEmpty());
  }

  /**
   * Returns whether external-source traffic has somewhere to go.
   *
   * @return true if there are external endpoints
   */
  public boolean hasExternalEndpoints() {
    return hasEndpoints && (!externalPolicyLocal || !localEndpoints.isEmpty());
  }
}
