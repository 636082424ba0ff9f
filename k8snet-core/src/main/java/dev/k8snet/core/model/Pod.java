package dev.k8snet.core.model;

import dev.k8snet.core.IpAddress;
import dev.k8snet.core.Protocol;
import java.time.Instant;
import java.util.List;
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

  /** Checks for nulls and copies the lists. */
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
}
