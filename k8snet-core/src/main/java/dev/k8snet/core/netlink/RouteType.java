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

  /** Validates the range. */
  public RouteType {
    if (value < 0 || value > 255) {
      throw new IllegalArgumentException("routeType: " + value + " (expected: 0 to 255)");
    }
  }

  /**
   * Returns the value for a kernel code, never failing for a code in range.
   *
   * @throws IllegalArgumentException when the code is out of range
   */
  public static RouteType valueOf(int value) {
    return new RouteType(value);
  }

  /**
   * Returns the value for a name as {@link #toString()} produces it (case-insensitive), or a
   * decimal code.
   *
   * @throws IllegalArgumentException when the name is unknown
   */
  public static RouteType parse(String text) {
    switch (text.toUpperCase(java.util.Locale.ROOT)) {
      case "UNSPEC":
        return UNSPEC;
      case "UNICAST":
        return UNICAST;
      case "LOCAL":
        return LOCAL;
      case "BROADCAST":
        return BROADCAST;
      case "ANYCAST":
        return ANYCAST;
      case "MULTICAST":
        return MULTICAST;
      case "BLACKHOLE":
        return BLACKHOLE;
      case "UNREACHABLE":
        return UNREACHABLE;
      case "PROHIBIT":
        return PROHIBIT;
      case "THROW":
        return THROW;
      case "NAT":
        return NAT;
      default:
        try {
          return new RouteType(Integer.parseInt(text));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "routeType: " + text + " (expected: a name or a number)", e);
        }
    }
  }

  /** Returns the constant's name, e.g. {@code UNSPEC}, or the decimal code. */
  @Override
  public String toString() {
    switch (value) {
      case 0:
        return "UNSPEC";
      case 1:
        return "UNICAST";
      case 2:
        return "LOCAL";
      case 3:
        return "BROADCAST";
      case 4:
        return "ANYCAST";
      case 5:
        return "MULTICAST";
      case 6:
        return "BLACKHOLE";
      case 7:
        return "UNREACHABLE";
      case 8:
        return "PROHIBIT";
      case 9:
        return "THROW";
      case 10:
        return "NAT";
      default:
        return Integer.toString(value);
    }
  }
}
