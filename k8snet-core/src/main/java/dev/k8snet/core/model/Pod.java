package dev.k8snet.core.model;

import dev.k8snet.core.IpAddress;
import dev.k8snet.core.Protocol;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A Kubernetes Pod (v1), as far as networking is concerned: where it runs, its IPs, its labels, its
 * readiness and its named container ports.
 *
 * @param metadata the metadata (labels select it)
 * @param nodeName {@code spec.nodeName}, if scheduled
 * @param hostNetwork {@code spec.hostNetwork}: the pod uses its node's network namespace
 * @param hostname {@code spec.hostname}, if set
 * @param subdomain {@code spec.subdomain}, if set
 * @param podIps {@code status.podIPs} (or {@code status.podIP}), at most one per family, primary
 *     first
 * @param phase {@code status.phase}
 * @param ready whether the {@code Ready} condition of {@code status.conditions} is {@code True}
 * @param containerPorts the ports of all containers, in order
 * @param deletionTimestamp {@code metadata.deletionTimestamp}: set when the pod is terminating
 * @since 0.1
 */
public record Pod(
    ObjectMeta metadata,
    Optional<String> nodeName,
    boolean hostNetwork,
    Optional<String> hostname,
    Optional<String> subdomain,
    List<IpAddress> podIps,
    Phase phase,
    boolean ready,
    List<ContainerPort> containerPorts,
    Optional<Instant> deletionTimestamp)
    implements KubernetesObject {

  /**
   * A pod's lifecycle phase ({@code status.phase}).
   *
   * @since 0.1
   */
  public enum Phase {
    /** Accepted, not all containers running yet. */
    PENDING("Pending"),
    /** Bound to a node, all containers created, at least one running. */
    RUNNING("Running"),
    /** All containers terminated successfully. */
    SUCCEEDED("Succeeded"),
    /** All containers terminated, at least one in failure. */
    FAILED("Failed"),
    /** The state could not be obtained. */
    UNKNOWN("Unknown");

    private final String kubernetesName;

    Phase(String kubernetesName) {
      this.kubernetesName = kubernetesName;
    }

    /**
     * Returns the spelling in manifests.
     *
     * @return e.g. {@code Running}
     */
    public String kubernetesName() {
      return kubernetesName;
    }

    /**
     * Parses the spelling in manifests.
     *
     * @param name the name
     * @return the phase, or empty if unknown
     */
    public static Optional<Phase> fromKubernetesName(String name) {
      for (Phase p : values()) {
        if (p.kubernetesName.equals(name)) {
          return Optional.of(p);
        }
      }
      return Optional.empty();
    }
  }

  /**
   * Checks for nulls and copies the lists.
   *
   * @param metadata the metadata (labels select it)
   * @param nodeName {@code spec.nodeName}, if scheduled
   * @param hostNetwork {@code spec.hostNetwork}: the pod uses its node's network namespace
   * @param hostname {@code spec.hostname}, if set
   * @param subdomain {@code spec.subdomain}, if set
   * @param podIps {@code status.podIPs} (or {@code status.podIP}), at most one per family, primary
   *     first
   * @param phase {@code status.phase}
   * @param ready whether the {@code Ready} condition of {@code status.conditions} is {@code True}
   * @param containerPorts the ports of all containers, in order
   * @param deletionTimestamp {@code metadata.deletionTimestamp}: set when the pod is terminating
   */
  public Pod {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(nodeName, "nodeName");
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(subdomain, "subdomain");
    podIps = List.copyOf(podIps);
    Objects.requireNonNull(phase, "phase");
    containerPorts = List.copyOf(containerPorts);
    Objects.requireNonNull(deletionTimestamp, "deletionTimestamp");
    if (podIps.size() == 2 && podIps.get(0).family() == podIps.get(1).family()) {
      throw new IllegalArgumentException(
          "podIps: " + podIps + " (expected: at most one IP per family)");
    }
    if (podIps.size() > 2) {
      throw new IllegalArgumentException("podIps: " + podIps + " (expected: at most 2 IPs)");
    }
  }

  /**
   * Returns whether the pod is being deleted ({@code metadata.deletionTimestamp} is set).
   *
   * @return whether it is terminating
   */
  public boolean terminating() {
    return deletionTimestamp.isPresent();
  }

  /**
   * Resolves a named container port for a protocol, as NetworkPolicy and Service target ports do:
   * the first container port with that name and protocol.
   *
   * @param name the port name
   * @param protocol the protocol
   * @return the port number, or empty when no container declares it
   */
  public OptionalInt namedPort(String name, Protocol protocol) {
    for (ContainerPort p : containerPorts) {
      if (p.protocol() == protocol && p.name().isPresent() && p.name().get().equals(name)) {
        return OptionalInt.of(p.containerPort());
      }
    }
    return OptionalInt.empty();
  }

  /** Returns {@code Pod}. */
  @Override
  public String kind() {
    return "Pod";
  }

  /**
   * Returns a builder for a running, ready pod without IPs, node or ports.
   *
   * <pre>{@code
   * Pod web = Pod.builder("shop", "web-0")
   *     .labels(Map.of("app", "web"))
   *     .podIps(IpAddress.parse("10.244.1.5"))
   *     .nodeName("node-1")
   *     .containerPort(ContainerPort.named("http", 8080, Protocol.TCP))
   *     .build();
   * }</pre>
   *
   * @param namespace the namespace
   * @param name the name
   * @return the builder
   * @since 0.1
   */
  public static Builder builder(String namespace, String name) {
    return new Builder(namespace, name);
  }

  /**
   * Builds a {@link Pod}; by default running and ready. Not thread-safe.
   *
   * @since 0.1
   */
  public static final class Builder {
    private final String namespace;
    private final String name;
    private Map<String, String> labels = Map.of();
    private Optional<String> nodeName = Optional.empty();
    private boolean hostNetwork;
    private Optional<String> hostname = Optional.empty();
    private Optional<String> subdomain = Optional.empty();
    private List<IpAddress> podIps = List.of();
    private Phase phase = Phase.RUNNING;
    private boolean ready = true;
    private final List<ContainerPort> containerPorts = new java.util.ArrayList<>();
    private Optional<Instant> deletionTimestamp = Optional.empty();

    private Builder(String namespace, String name) {
      this.namespace = Objects.requireNonNull(namespace, "namespace");
      this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * Sets the labels.
     *
     * @param labels the labels
     * @return this builder
     */
    public Builder labels(Map<String, String> labels) {
      this.labels = Map.copyOf(labels);
      return this;
    }

    /**
     * Sets the node.
     *
     * @param nodeName the node's name
     * @return this builder
     */
    public Builder nodeName(String nodeName) {
      this.nodeName = Optional.of(nodeName);
      return this;
    }

    /**
     * Sets whether the pod uses the node's network namespace.
     *
     * @param hostNetwork whether it does
     * @return this builder
     */
    public Builder hostNetwork(boolean hostNetwork) {
      this.hostNetwork = hostNetwork;
      return this;
    }

    /**
     * Sets the hostname and subdomain.
     *
     * @param hostname the hostname
     * @param subdomain the subdomain (a headless service's name)
     * @return this builder
     */
    public Builder hostname(String hostname, String subdomain) {
      this.hostname = Optional.of(hostname);
      this.subdomain = Optional.of(subdomain);
      return this;
    }

    /**
     * Sets the pod IPs.
     *
     * @param ips at most one per family, primary first
     * @return this builder
     */
    public Builder podIps(IpAddress... ips) {
      this.podIps = List.of(ips);
      return this;
    }

    /**
     * Sets the phase and readiness.
     *
     * @param phase the phase
     * @param ready whether the Ready condition is True
     * @return this builder
     */
    public Builder status(Phase phase, boolean ready) {
      this.phase = Objects.requireNonNull(phase, "phase");
      this.ready = ready;
      return this;
    }

    /**
     * Adds a container port.
     *
     * @param port the port
     * @return this builder
     */
    public Builder containerPort(ContainerPort port) {
      this.containerPorts.add(Objects.requireNonNull(port, "port"));
      return this;
    }

    /**
     * Marks the pod as terminating.
     *
     * @param since when deletion was requested
     * @return this builder
     */
    public Builder deletionTimestamp(Instant since) {
      this.deletionTimestamp = Optional.of(since);
      return this;
    }

    /**
     * Builds the pod.
     *
     * @return the pod
     */
    public Pod build() {
      return new Pod(
          ObjectMeta.of(namespace, name, labels),
          nodeName,
          hostNetwork,
          hostname,
          subdomain,
          podIps,
          phase,
          ready,
          containerPorts,
          deletionTimestamp);
    }
  }
}
