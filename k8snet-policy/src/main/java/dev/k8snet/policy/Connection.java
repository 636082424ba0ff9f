package dev.k8snet.policy;

import dev.k8snet.core.PortRange;
import dev.k8snet.core.Protocol;
import java.util.Objects;

/**
 * A connection to evaluate: the first packet from {@code from} to port {@code port} of {@code to}
 * with a protocol. Replies of an allowed connection are always allowed.
 *
 * @param from the client
 * @param to the server
 * @param protocol the protocol
 * @param port the destination port, 1–65535
 * @since 0.1
 */
public record Connection(Endpoint from, Endpoint to, Protocol protocol, int port) {
  /**
   * Checks nulls and the port range.
   *
   * @param from the client
   * @param to the server
   * @param protocol the protocol
   * @param port the destination port, 1–65535
   */
  public Connection {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(protocol, "protocol");
    if (port < PortRange.MIN_PORT || port > PortRange.MAX_PORT) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1 ~ 65535)");
    }
  }

  /**
   * Returns a connection between endpoints given as text ({@code ns/pod} or an IP).
   *
   * @param from the client
   * @param to the server
   * @param protocol the protocol
   * @param port the destination port
   * @return the connection
   * @throws IllegalArgumentException if an endpoint or the port is not valid
   */
  public static Connection of(String from, String to, Protocol protocol, int port) {
    return new Connection(Endpoint.parse(from), Endpoint.parse(to), protocol, port);
  }

  /** Returns {@code from -> to:port/PROTOCOL}. */
  @Override
  public String toString() {
    return from + " -> " + to + ":" + port + "/" + protocol;
  }
}
