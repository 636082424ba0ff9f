package dev.k8snet.core.model;

import static dev.k8snet.core.internal.Checks.check;

import dev.k8snet.core.Protocol;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A port a Pod's container declares ({@code spec.containers[].ports[]}); named ports are what
 * NetworkPolicy and Service {@code targetPort} names resolve against.
 *
 * @param name the port name, if any
 * @param containerPort the port, 1–65535
 * @param protocol the protocol (default TCP)
 * @param hostPort the host port, if any (1–65535)
 * @since 0.1
 */
public record ContainerPort(
    Optional<String> name, int containerPort, Protocol protocol, OptionalInt hostPort) {
  /**
   * Checks ranges and nulls.
   *
   * @param name the port name, if any
   * @param containerPort the port, 1–65535
   * @param protocol the protocol (default TCP)
   * @param hostPort the host port, if any (1–65535)
   */
  public ContainerPort {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(hostPort, "hostPort");
    check(
        containerPort >= 1 && containerPort <= 65535, "containerPort", containerPort, "1 ~ 65535");
    hostPort.ifPresent(p -> check(p >= 1 && p <= 65535, "hostPort", p, "1 ~ 65535"));
  }

  /**
   * Returns a port without name and host port.
   *
   * @param containerPort the port
   * @param protocol the protocol
   * @return the port
   */
  public static ContainerPort of(int containerPort, Protocol protocol) {
    return new ContainerPort(Optional.empty(), containerPort, protocol, OptionalInt.empty());
  }

  /**
   * Returns a named port.
   *
   * @param name the name
   * @param containerPort the port
   * @param protocol the protocol
   * @return the port
   */
  public static ContainerPort named(String name, int containerPort, Protocol protocol) {
    return new ContainerPort(Optional.of(name), containerPort, protocol, OptionalInt.empty());
  }
}
