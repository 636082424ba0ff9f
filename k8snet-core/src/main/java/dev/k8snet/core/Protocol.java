package dev.k8snet.core;

import java.util.Optional;

/**
 * A transport protocol that Kubernetes Services, EndpointSlices and NetworkPolicies name.
 *
 * @since 0.1
 */
public enum Protocol {
  /** TCP, IP protocol number 6. */
  TCP(6),
  /** UDP, IP protocol number 17. */
  UDP(17),
  /** SCTP, IP protocol number 132. */
  SCTP(132);

  private final int number;

  Protocol(int number) {
    this.number = number;
  }

  /**
   * Returns the IP protocol number.
   *
   * @return 6, 17 or 132
   */
  public int number() {
    return number;
  }

  /**
   * Returns the lower-case name nftables and {@code /etc/protocols} use.
   *
   * @return {@code tcp}, {@code udp} or {@code sctp}
   */
  public String lowerCaseName() {
    return switch (this) {
      case TCP -> "tcp";
      case UDP -> "udp";
      case SCTP -> "sctp";
    };
  }

  /**
   * Parses the Kubernetes spelling, which is upper case and case-sensitive as the API server
   * requires.
   *
   * @param name {@code TCP}, {@code UDP} or {@code SCTP}
   * @return the protocol
   * @throws IllegalArgumentException for any other text
   */
  public static Protocol parse(String name) {
    return switch (name) {
      case "TCP" -> TCP;
      case "UDP" -> UDP;
      case "SCTP" -> SCTP;
      default ->
          throw new IllegalArgumentException(
              "protocol: " + name + " (expected: one of TCP, UDP, SCTP)");
    };
  }

  /**
   * Returns the protocol with the given IP protocol number.
   *
   * @param number the number
   * @return the protocol, or empty for a protocol Kubernetes does not name
   */
  public static Optional<Protocol> fromNumber(int number) {
    for (Protocol p : values()) {
      if (p.number == number) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
