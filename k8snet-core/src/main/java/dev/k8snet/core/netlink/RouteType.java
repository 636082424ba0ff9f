package dev.k8snet.core.netlink;

/**
 * The type of a route (rtnetlink {@code RTN_*}): what the kernel does with a matching packet.
 *
 * <p>An open set of kernel codes: {@link #valueOf(int)} accepts any code in range and returns the
 * named constant when there is one, so codes this version does not know survive a round trip.
 *
 * @param value the kernel's code (0 to 255)
 * @since 0.1
 */
public record RouteType(int value) {
  /** unspec (0). */
  public static final RouteType UNSPEC = new RouteType(0);

  /** unicast (1). */
  public static final RouteType UNICAST = new RouteType(1);

  /** local (2). */
  public static final RouteType LOCAL = new RouteType(2);

  /** broadcast (3). */
  public static final RouteType BROADCAST = new RouteType(3);

  /** anycast (4). */
  public static final RouteType ANYCAST = new RouteType(4);

  /** multicast (5). */
  public static final RouteType MULTICAST = new RouteType(5);

  /** blackhole (6). */
  public static final RouteType BLACKHOLE = new RouteType(6);

  /** unreachable (7). */
  public static final RouteType UNREACHABLE = new RouteType(7);

  /** prohibit (8). */
  public static final RouteType PROHIBIT = new RouteType(8);

  /** throw (9). */
  public static final RouteType THROW = new RouteType(9);

  /** nat (10). */
  public static final RouteType NAT = new RouteType(10);

  /**
   * Validates the range.
   *
   * @param value the kernel's code (0 to 255)
   */
  public RouteType {
    if (value < 0 || value > 255) {
      throw new IllegalArgumentException("routeType: " + value + " (expected: 0 to 255)");
    }
  }

  /**
   * Returns the value for a kernel code, never failing for a code in range.
   *
   * @param value the kernel's code, 0 to 255
   * @return the value with that code
   * @throws IllegalArgumentException when the code is out of range
   */
  public static RouteType valueOf(int value) {
    return new RouteType(value);
  }

  /**
   * Returns the value for a name as {@link #toString()} produces it (case-insensitive), or a
   * decimal code.
   *
   * @param text a name or a decimal code
   * @return the value
   * @throws IllegalArgumentException when the name is unknown
   */
  public static RouteType parse(String text) {
    return switch (text.toUpperCase(java.util.Locale.ROOT)) {
      case "UNSPEC" -> UNSPEC;
      case "UNICAST" -> UNICAST;
      case "LOCAL" -> LOCAL;
      case "BROADCAST" -> BROADCAST;
      case "ANYCAST" -> ANYCAST;
      case "MULTICAST" -> MULTICAST;
      case "BLACKHOLE" -> BLACKHOLE;
      case "UNREACHABLE" -> UNREACHABLE;
      case "PROHIBIT" -> PROHIBIT;
      case "THROW" -> THROW;
      case "NAT" -> NAT;
      default -> {
        try {
          yield new RouteType(Integer.parseInt(text));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "routeType: " + text + " (expected: a name or a number)", e);
        }
      }
    };
  }

  /** Returns the constant's name, e.g. {@code UNSPEC}, or the decimal code. */
  @Override
  public String toString() {
    return switch (value) {
      case 0 -> "UNSPEC";
      case 1 -> "UNICAST";
      case 2 -> "LOCAL";
      case 3 -> "BROADCAST";
      case 4 -> "ANYCAST";
      case 5 -> "MULTICAST";
      case 6 -> "BLACKHOLE";
      case 7 -> "UNREACHABLE";
      case 8 -> "PROHIBIT";
      case 9 -> "THROW";
      case 10 -> "NAT";
      default -> Integer.toString(value);
    };
  }
}
