package dev.k8snet.core.model;

import static dev.k8snet.core.internal.Checks.check;

import dev.k8snet.core.Protocol;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One port of a Service ({@code spec.ports[]}).
 *
 * @param name the port name, {@code ""} when unnamed (allowed only for a single-port service)
 * @param protocol the protocol (default TCP)
 * @param port the service port, 1–65535
 * @param targetPort the endpoint port by number or container-port name (default: {@code port})
 * @param nodePort the node port of a NodePort or LoadBalancer service, if allocated
 * @param appProtocol the application protocol, if declared
 * @since 0.1
 */
public record ServicePort(
    String name,
    Protocol protocol,
    int port,
    PortRef targetPort,
    OptionalInt nodePort,
    Optional<String> appProtocol) {

  /**
   * Checks nulls and ranges.
   *
   * @param name the port name, {@code ""} when unnamed (allowed only for a single-port service)
   * @param protocol the protocol (default TCP)
   * @param port the service port, 1–65535
   * @param targetPort the endpoint port by number or container-port name (default: {@code port})
   * @param nodePort the node port of a NodePort or LoadBalancer service, if allocated
   * @param appProtocol the application protocol, if declared
   */
  public ServicePort {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(protocol, "protocol");
    check(port >= 1 && port <= 65535, "port", port, "1 ~ 65535");
    Objects.requireNonNull(targetPort, "targetPort");
    Objects.requireNonNull(nodePort, "nodePort");
    nodePort.ifPresent(p -> check(p >= 1 && p <= 65535, "nodePort", p, "1 ~ 65535"));
    Objects.requireNonNull(appProtocol, "appProtocol");
  }

  /**
   * Returns a port whose target port is the same number and that has no node port.
   *
   * @param name the name, or {@code ""}
   * @param protocol the protocol
   * @param port the port
   * @return the port
   */
  public static ServicePort of(String name, Protocol protocol, int port) {
    return new ServicePort(
        name, protocol, port, PortRef.of(port), OptionalInt.empty(), Optional.empty());
  }
}
