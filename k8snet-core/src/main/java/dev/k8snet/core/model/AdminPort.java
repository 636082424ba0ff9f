package dev.k8snet.core.model;

import static dev.k8snet.core.internal.Checks.check;

import dev.k8snet.core.PortRange;
import dev.k8snet.core.Protocol;
import java.util.Objects;

/**
 * A destination-port match of an admin network policy rule: v1alpha1 {@code ports[]} ({@code
 * portNumber}, {@code portRange}, {@code namedPort}) and v1alpha2 {@code protocols[]} ({@code
 * tcp}/{@code udp}/{@code sctp} with a {@code destinationPort} number or range, {@code
 * destinationNamedPort}).
 *
 * @since 0.1
 */
public sealed interface AdminPort permits AdminPort.Number, AdminPort.Range, AdminPort.Named {

  /**
   * One port of a protocol.
   *
   * @param protocol the protocol
   * @param port the port, 1–65535
   * @since 0.1
   */
  @SuppressWarnings("JavaLangClash") // the name mirrors PortRef.Number
  record Number(Protocol protocol, int port) implements AdminPort {
    /**
     * Checks the range.
     *
     * @param protocol the protocol
     * @param port the port, 1–65535
     */
    public Number {
      Objects.requireNonNull(protocol, "protocol");
      check(port >= 1 && port <= 65535, "port", port, "1 ~ 65535");
    }
  }

  /**
   * An inclusive range of ports of a protocol.
   *
   * @param protocol the protocol
   * @param start the first port
   * @param end the last port, greater than {@code start}
   * @since 0.1
   */
  record Range(Protocol protocol, int start, int end) implements AdminPort {
    /**
     * Checks the range.
     *
     * @param protocol the protocol
     * @param start the first port
     * @param end the last port, greater than {@code start}
     */
    public Range {
      Objects.requireNonNull(protocol, "protocol");
      check(start >= 1 && start <= 65535, "start", start, "1 ~ 65535");
      check(end > start && end <= 65535, "end", end, (start + 1) + " ~ 65535");
    }

    /**
     * Returns the ports as a {@link PortRange}.
     *
     * @return {@code start..end}
     */
    public PortRange range() {
      return new PortRange(start, end);
    }
  }

  /**
   * A container port name of the destination pod, resolved per pod with the port's own protocol.
   *
   * @param name the name
   * @since 0.1
   */
  record Named(String name) implements AdminPort {
    /**
     * Checks for null.
     *
     * @param name the name
     */
    public Named {
      Objects.requireNonNull(name, "name");
    }
  }
}
