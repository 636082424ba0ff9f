package dev.k8snet.core.model;

import static dev.k8snet.core.internal.Checks.check;

import dev.k8snet.core.PortRange;
import dev.k8snet.core.internal.Names;
import java.util.Objects;

/**
 * A port given by number or by name (Kubernetes' {@code IntOrString} for ports): a Service's {@code
 * targetPort}, a NetworkPolicy port, an Ingress backend port.
 *
 * <p>{@code PortRef.parse(p.toString()).equals(p)} holds: numbers print as digits, names as
 * themselves (a valid port name always contains a letter).
 *
 * @since 0.1
 */
public sealed interface PortRef permits PortRef.Number, PortRef.Name {

  /**
   * A port number.
   *
   * @param port the port, 1–65535
   * @since 0.1
   */
  @SuppressWarnings("JavaLangClash") // the name mirrors IntOrString's int case
  record Number(int port) implements PortRef {
    /**
     * Checks the range.
     *
     * @param port the port, 1–65535
     */
    public Number {
      check(port >= PortRange.MIN_PORT && port <= PortRange.MAX_PORT, "port", port, "1 ~ 65535");
    }

    /** Returns the number in decimal. */
    @Override
    public String toString() {
      return Integer.toString(port);
    }
  }

  /**
   * A port name, resolved against named container or Service ports.
   *
   * @param name an IANA service name: at most 15 lower-case letters, digits and single hyphens,
   *     with at least one letter
   * @since 0.1
   */
  record Name(String name) implements PortRef {
    /**
     * Validates the name as the API server does.
     *
     * @param name an IANA service name: at most 15 lower-case letters, digits and single hyphens,
     *     with at least one letter
     */
    public Name {
      Objects.requireNonNull(name, "name");
      check(
          Names.portName(name).isEmpty(),
          "name",
          '"' + name + '"',
          String.join("; ", Names.portName(name)));
    }

    /** Returns the name. */
    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * Returns a numeric port.
   *
   * @param port the port, 1–65535
   * @return the reference
   */
  static PortRef of(int port) {
    return new Number(port);
  }

  /**
   * Returns a named port.
   *
   * @param name the port name
   * @return the reference
   */
  static PortRef named(String name) {
    return new Name(name);
  }

  /**
   * Parses decimal digits as a number and anything else as a name.
   *
   * @param text the text
   * @return the reference
   * @throws IllegalArgumentException if it is neither a valid port number nor a valid name
   */
  static PortRef parse(String text) {
    Objects.requireNonNull(text, "text");
    if (!text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      try {
        return new Number(Integer.parseInt(text));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("port: " + text + " (expected: 1 ~ 65535)", e);
      }
    }
    return new Name(text);
  }
}
