package dev.k8snet.core.model;

import dev.k8snet.core.PortRange;
import dev.k8snet.core.Protocol;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A NetworkPolicy port entry ({@code ports[]}): a protocol and optionally a port (number or name)
 * or a numeric range up to {@code endPort}. Without a port it matches every port of the protocol;
 * an entry written as {@code {}} is TCP, all ports.
 *
 * @param protocol the protocol (default TCP)
 * @param port the port by number or container-port name; empty means all ports
 * @param endPort the inclusive end of a range starting at a numeric {@code port}
 * @since 0.1
 */
public record NetworkPolicyPort(Protocol protocol, Optional<PortRef> port, OptionalInt endPort) {

  /**
   * Validates as the API server does.
   *
   * @param protocol the protocol (default TCP)
   * @param port the port by number or container-port name; empty means all ports
   * @param endPort the inclusive end of a range starting at a numeric {@code port}
   * @throws IllegalArgumentException if {@code endPort} is given without a numeric port or is less
   *     than it
   */
  public NetworkPolicyPort {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(port, "port");
    Objects.requireNonNull(endPort, "endPort");
    if (endPort.isPresent()) {
      if (port.isEmpty() || !(port.get() instanceof PortRef.Number n)) {
        throw new IllegalArgumentException(
            "endPort: " + endPort.getAsInt() + " (expected: only with a numeric port)");
      }
      if (endPort.getAsInt() < n.port() || endPort.getAsInt() > PortRange.MAX_PORT) {
        throw new IllegalArgumentException(
            "endPort: " + endPort.getAsInt() + " (expected: " + n.port() + " ~ 65535)");
      }
    }
  }

  /**
   * Returns an entry for one numeric port.
   *
   * @param protocol the protocol
   * @param port the port
   * @return the entry
   */
  public static NetworkPolicyPort of(Protocol protocol, int port) {
    return new NetworkPolicyPort(protocol, Optional.of(PortRef.of(port)), OptionalInt.empty());
  }

  /**
   * Returns the numeric range this entry covers, when its port is numeric.
   *
   * @return {@code port..endPort} (or just {@code port}); {@code 1..65535} without a port; empty
   *     for a named port, which must be resolved per pod
   */
  public Optional<PortRange> range() {
    if (port.isEmpty()) {
      return Optional.of(new PortRange(PortRange.MIN_PORT, PortRange.MAX_PORT));
    }
    if (port.get() instanceof PortRef.Number n) {
      return Optional.of(new PortRange(n.port(), endPort.orElse(n.port())));
    }
    return Optional.empty();
  }
}
