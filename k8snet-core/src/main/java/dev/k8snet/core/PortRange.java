package dev.k8snet.core;

import static dev.k8snet.core.internal.Checks.check;
import static dev.k8snet.core.internal.Checks.invalid;

import java.util.Objects;

/**
 * An inclusive range of transport ports, {@code 1..65535}; a single port is a range of one.
 *
 * <pre>{@code
 * PortRange.parse("30000-32767").contains(30080);   // true
 * PortRange.of(53).toString();                      // "53"
 * }</pre>
 *
 * @param first the first port
 * @param last the last port, not below {@code first}
 * @since 0.1
 */
public record PortRange(int first, int last) implements Comparable<PortRange> {
  /** The lowest valid port. */
  public static final int MIN_PORT = 1;

  /** The highest valid port. */
  public static final int MAX_PORT = 65535;

  /**
   * Validates the range.
   *
   * @param first the first port
   * @param last the last port, not below {@code first}
   * @throws IllegalArgumentException if a port is out of {@code 1..65535} or {@code last < first}
   */
  public PortRange {
    check(first >= MIN_PORT && first <= MAX_PORT, "port", first, "1 ~ 65535");
    check(last >= MIN_PORT && last <= MAX_PORT, "endPort", last, "1 ~ 65535");
    check(last >= first, "endPort", last, "not below port " + first);
  }

  /**
   * Returns the range of a single port.
   *
   * @param port the port
   * @return {@code port-port}
   */
  public static PortRange of(int port) {
    return new PortRange(port, port);
  }

  /**
   * Parses {@code port} or {@code first-last}, in decimal.
   *
   * @param text the text
   * @return the range
   * @throws IllegalArgumentException if {@code text} is not a port range
   */
  public static PortRange parse(String text) {
    Objects.requireNonNull(text, "text");
    int dash = text.indexOf('-');
    int first = parsePort(text, dash < 0 ? text : text.substring(0, dash));
    return dash < 0 ? of(first) : new PortRange(first, parsePort(text, text.substring(dash + 1)));
  }

  private static int parsePort(String whole, String part) {
    if (part.isEmpty()
        || part.length() > 5
        || !part.chars().allMatch(c -> c >= '0' && c <= '9')
        || (part.length() > 1 && part.charAt(0) == '0')) {
      throw invalid("portRange", '"' + whole + '"', "port or first-last, ports 1 ~ 65535");
    }
    return Integer.parseInt(part);
  }

  /**
   * Returns whether {@code port} is in the range.
   *
   * @param port the port
   * @return whether {@code first <= port <= last}
   */
  public boolean contains(int port) {
    return port >= first && port <= last;
  }

  /**
   * Returns whether the ranges share a port.
   *
   * @param other the other range
   * @return whether they overlap
   */
  public boolean overlaps(PortRange other) {
    return first <= other.last && other.first <= last;
  }

  /**
   * Returns whether this is a single port.
   *
   * @return {@code first == last}
   */
  public boolean isSinglePort() {
    return first == last;
  }

  /**
   * Returns the number of ports in the range.
   *
   * @return {@code last - first + 1}
   */
  public int size() {
    return last - first + 1;
  }

  @Override
  public int compareTo(PortRange other) {
    int byFirst = Integer.compare(first, other.first);
    return byFirst != 0 ? byFirst : Integer.compare(last, other.last);
  }

  /**
   * Returns {@code port} for a single port, else {@code first-last}: the form {@link #parse} reads.
   */
  @Override
  public String toString() {
    return first == last ? Integer.toString(first) : first + "-" + last;
  }
}
