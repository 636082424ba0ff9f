package dev.k8snet.core.netlink;

import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.Protocol;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One connection-tracking entry as the kernel reports it ({@code conntrack -L}): the tuple of the
 * original direction, the tuple of the reply direction (where NAT shows: after a DNAT the reply
 * comes from the endpoint), and a few properties.
 *
 * @param family the address family of both tuples
 * @param protocol the IP protocol number (6 TCP, 17 UDP, 132 SCTP, 1 ICMP, …)
 * @param original the original direction, as the first packet was sent
 * @param reply the reply direction, as the answer is expected
 * @param zone the conntrack zone (0 by default)
 * @param mark the connection mark
 * @param timeout the time left before the entry expires, when reported
 * @param id the kernel's entry id
 * @since 0.1
 */
public record ConntrackEntry(
    IpFamily family,
    int protocol,
    Tuple original,
    Tuple reply,
    int zone,
    int mark,
    Optional<Duration> timeout,
    long id) {

  /**
   * One direction of a flow: addresses and, for protocols with ports, ports (0 otherwise).
   *
   * @param source the source address
   * @param destination the destination address
   * @param sourcePort the source port, 0 without ports
   * @param destinationPort the destination port, 0 without ports
   * @since 0.1
   */
  public record Tuple(
      IpAddress source, IpAddress destination, int sourcePort, int destinationPort) {
    /**
     * Validates.
     *
     * @param source the source address
     * @param destination the destination address
     * @param sourcePort the source port, 0 without ports
     * @param destinationPort the destination port, 0 without ports
     */
    public Tuple {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(destination, "destination");
      if (source.family() != destination.family()) {
        throw new IllegalArgumentException(
            "destination: " + destination + " (expected: the family of " + source + ")");
      }
      checkPort("sourcePort", sourcePort);
      checkPort("destinationPort", destinationPort);
    }

    private static void checkPort(String name, int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException(name + ": " + port + " (expected: 0 ~ 65535)");
      }
    }

    @Override
    public String toString() {
      return "src="
          + source
          + " dst="
          + destination
          + " sport="
          + sourcePort
          + " dport="
          + destinationPort;
    }
  }

  /**
   * Validates.
   *
   * @param family the address family of both tuples
   * @param protocol the IP protocol number (6 TCP, 17 UDP, 132 SCTP, 1 ICMP, …)
   * @param original the original direction, as the first packet was sent
   * @param reply the reply direction, as the answer is expected
   * @param zone the conntrack zone (0 by default)
   * @param mark the connection mark
   * @param timeout the time left before the entry expires, when reported
   * @param id the kernel's entry id
   */
  public ConntrackEntry {
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(original, "original");
    Objects.requireNonNull(reply, "reply");
    Objects.requireNonNull(timeout, "timeout");
    if (protocol < 0 || protocol > 255) {
      throw new IllegalArgumentException("protocol: " + protocol + " (expected: 0 ~ 255)");
    }
    if (original.source().family() != family || reply.source().family() != family) {
      throw new IllegalArgumentException(
          "original, reply: " + original + ", " + reply + " (expected: " + family + " tuples)");
    }
    if (zone < 0 || zone > 65535) {
      throw new IllegalArgumentException("zone: " + zone + " (expected: 0 ~ 65535)");
    }
  }

  /**
   * Returns the protocol when it is one a Service can use.
   *
   * @return TCP, UDP or SCTP; empty for any other protocol
   */
  public Optional<Protocol> serviceProtocol() {
    return Protocol.fromNumber(protocol);
  }

  /**
   * Returns whether the entry's tuples carry ports (TCP, UDP, SCTP, DCCP, UDP-Lite), which is what
   * {@link Conntrack#delete(ConntrackEntry)} needs.
   *
   * @return true for a port-carrying protocol
   */
  public boolean hasPorts() {
    return hasPorts(protocol);
  }

  static boolean hasPorts(int protocol) {
    return protocol == 6 || protocol == 17 || protocol == 132 || protocol == 33 || protocol == 136;
  }

  @Override
  public String toString() {
    return "ConntrackEntry[proto="
        + protocol
        + " "
        + original
        + " | "
        + reply
        + " zone="
        + zone
        + "]";
  }
}
