package dev.k8snet.core.model;

import static dev.k8snet.core.internal.Checks.check;

import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.Protocol;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A Kubernetes EndpointSlice (discovery.k8s.io/v1) of address type IPv4 or IPv6, with the
 * conditions' nil semantics resolved. Its {@value #SERVICE_NAME_LABEL} label names the Service it
 * belongs to.
 *
 * @param metadata the metadata
 * @param addressType the family of all addresses ({@code addressType})
 * @param endpoints the endpoints
 * @param ports the ports every endpoint serves
 * @since 0.1
 */
public record EndpointSlice(
    ObjectMeta metadata, IpFamily addressType, List<Endpoint> endpoints, List<Port> ports)
    implements KubernetesObject {

  /** The label that names the owning Service. */
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  /**
   * The conditions of an endpoint, with absent values resolved as the API documents them: {@code
   * ready} absent is true, {@code serving} absent is {@code ready}, {@code terminating} absent is
   * false. Whether {@code serving} was given at all is kept, because kube-proxy reads an absent
   * {@code serving} as true rather than as {@code ready} (see {@link #kubeProxyServing()}).
   *
   * @param ready ready to receive new traffic
   * @param serving able to serve traffic, regardless of terminating ({@code ready} when absent)
   * @param terminating being shut down
   * @param servingSet whether {@code serving} was given in the object
   * @since 0.1
   */
  public record Conditions(
      boolean ready, boolean serving, boolean terminating, boolean servingSet) {
    /** Ready, serving, not terminating. */
    public static final Conditions READY = new Conditions(true, true, false);

    /**
     * Returns conditions whose every value was given.
     *
     * @param ready ready to receive new traffic
     * @param serving able to serve traffic, regardless of terminating
     * @param terminating being shut down
     */
    public Conditions(boolean ready, boolean serving, boolean terminating) {
      this(ready, serving, terminating, true);
    }

    /**
     * Returns {@code serving} as kube-proxy reads it (its {@code EndpointSliceCache}): the given
     * value, or true when absent. Differs from {@link #serving()} only for an endpoint without
     * {@code serving} that is not ready.
     *
     * @return whether kube-proxy counts the endpoint as serving
     */
    public boolean kubeProxyServing() {
      return servingSet ? serving : true;
    }
  }

  /**
   * One endpoint of a slice.
   *
   * @param addresses the addresses (at least one, all of the slice's family); consumers use the
   *     first
   * @param conditions the conditions
   * @param hostname the hostname (DNS records for headless services)
   * @param nodeName the node hosting the endpoint
   * @param zone the zone of the endpoint
   * @param hintsForZones {@code hints.forZones[].name}; empty without hints
   * @param hintsForNodes {@code hints.forNodes[].name}; empty without hints
   * @param targetRef the object (usually a Pod) behind the endpoint
   * @since 0.1
   */
  public record Endpoint(
      List<IpAddress> addresses,
      Conditions conditions,
      Optional<String> hostname,
      Optional<String> nodeName,
      Optional<String> zone,
      List<String> hintsForZones,
      List<String> hintsForNodes,
      Optional<ObjectRef> targetRef) {

    /**
     * Checks nulls and that there is an address.
     *
     * @param addresses the addresses (at least one, all of the slice's family); consumers use the
     *     first
     * @param conditions the conditions
     * @param hostname the hostname (DNS records for headless services)
     * @param nodeName the node hosting the endpoint
     * @param zone the zone of the endpoint
     * @param hintsForZones {@code hints.forZones[].name}; empty without hints
     * @param hintsForNodes {@code hints.forNodes[].name}; empty without hints
     * @param targetRef the object (usually a Pod) behind the endpoint
     */
    public Endpoint {
      addresses = List.copyOf(addresses);
      check(!addresses.isEmpty(), "addresses", addresses, "at least 1 address");
      Objects.requireNonNull(conditions, "conditions");
      Objects.requireNonNull(hostname, "hostname");
      Objects.requireNonNull(nodeName, "nodeName");
      Objects.requireNonNull(zone, "zone");
      hintsForZones = List.copyOf(hintsForZones);
      hintsForNodes = List.copyOf(hintsForNodes);
      Objects.requireNonNull(targetRef, "targetRef");
    }

    /**
     * Returns a ready endpoint with one address and nothing else.
     *
     * @param address the address
     * @return the endpoint
     */
    public static Endpoint of(IpAddress address) {
      return new Endpoint(
          List.of(address),
          Conditions.READY,
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          List.of(),
          List.of(),
          Optional.empty());
    }
  }

  /**
   * A port of a slice.
   *
   * @param name the name, {@code ""} when unnamed; matches the Service port of the same name
   * @param port the port number; empty means all ports
   * @param protocol the protocol (default TCP)
   * @param appProtocol the application protocol, if declared
   * @since 0.1
   */
  public record Port(
      String name, OptionalInt port, Protocol protocol, Optional<String> appProtocol) {
    /**
     * Checks nulls and the range.
     *
     * @param name the name, {@code ""} when unnamed; matches the Service port of the same name
     * @param port the port number; empty means all ports
     * @param protocol the protocol (default TCP)
     * @param appProtocol the application protocol, if declared
     */
    public Port {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(port, "port");
      port.ifPresent(p -> check(p >= 1 && p <= 65535, "port", p, "1 ~ 65535"));
      Objects.requireNonNull(protocol, "protocol");
      Objects.requireNonNull(appProtocol, "appProtocol");
    }

    /**
     * Returns a port without app protocol.
     *
     * @param name the name, or {@code ""}
     * @param port the port
     * @param protocol the protocol
     * @return the port
     */
    public static Port of(String name, int port, Protocol protocol) {
      return new Port(name, OptionalInt.of(port), protocol, Optional.empty());
    }
  }

  /**
   * Checks nulls, copies lists and checks address families.
   *
   * @param metadata the metadata
   * @param addressType the family of all addresses ({@code addressType})
   * @param endpoints the endpoints
   * @param ports the ports every endpoint serves
   */
  public EndpointSlice {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(addressType, "addressType");
    endpoints = List.copyOf(endpoints);
    ports = List.copyOf(ports);
    for (Endpoint e : endpoints) {
      for (IpAddress a : e.addresses()) {
        check(
            a.family() == addressType,
            "addresses",
            a,
            "an " + addressType.kubernetesName() + " address");
      }
    }
  }

  /**
   * Returns the name of the Service this slice belongs to, from its {@value #SERVICE_NAME_LABEL}
   * label.
   *
   * @return the service name, or empty when the label is absent
   */
  public Optional<String> serviceName() {
    return Optional.ofNullable(metadata.labels().get(SERVICE_NAME_LABEL));
  }

  /**
   * Returns the reference of the owning Service.
   *
   * @return the service's reference in the slice's namespace, or empty without the label
   */
  public Optional<ObjectRef> serviceRef() {
    return serviceName().map(n -> new ObjectRef("Service", metadata.namespace(), n));
  }

  /** Returns {@code EndpointSlice}. */
  @Override
  public String kind() {
    return "EndpointSlice";
  }
}
