package dev.k8snet.core.netlink;

/**
 * Who installed a route (rtnetlink {@code RTPROT_*}); the kernel stores it and never acts on it.
 *
 * <p>An open set of kernel codes: {@link #valueOf(int)} accepts any code in range and returns the
 * named constant when there is one, so codes this version does not know survive a round trip.
 *
 * @param value the kernel's code (0 to 255)
 * @since 0.1
 */
public record RouteProtocol(int value) {
  /** unspec (0). */
  public static final RouteProtocol UNSPEC = new RouteProtocol(0);

  /** redirect (1). */
  public static final RouteProtocol REDIRECT = new RouteProtocol(1);

  /** kernel (2). */
  public static final RouteProtocol KERNEL = new RouteProtocol(2);

  /** boot (3). */
  public static final RouteProtocol BOOT = new RouteProtocol(3);

  /** static (4). */
  public static final RouteProtocol STATIC = new RouteProtocol(4);

  /** dhcp (16). */
  public static final RouteProtocol DHCP = new RouteProtocol(16);

  /** bird (12). */
  public static final RouteProtocol BIRD = new RouteProtocol(12);

  /** zebra (11). */
  public static final RouteProtocol ZEBRA = new RouteProtocol(11);

  /** bgp (186). */
  public static final RouteProtocol BGP = new RouteProtocol(186);

  /** ospf (188). */
  public static final RouteProtocol OSPF = new RouteProtocol(188);

  /**
   * Validates the range.
   *
   * @param value the kernel's code (0 to 255)
   */
  public RouteProtocol {
    if (value < 0 || value > 255) {
      throw new IllegalArgumentException("routeProtocol: " + value + " (expected: 0 to 255)");
    }
  }

  /**
   * Returns the value for a kernel code, never failing for a code in range.
   *
   * @param value the kernel's code, 0 to 255
   * @return the value with that code
   * @throws IllegalArgumentException when the code is out of range
   */
  public static RouteProtocol valueOf(int value) {
    return new RouteProtocol(value);
  }

  /**
   * Returns the value for a name as {@link #toString()} produces it (case-insensitive), or a
   * decimal code.
   *
   * @param text a name or a decimal code
   * @return the value
   * @throws IllegalArgumentException when the name is unknown
   */
  public static RouteProtocol parse(String text) {
    return switch (text.toUpperCase(java.util.Locale.ROOT)) {
      case "UNSPEC" -> UNSPEC;
      case "REDIRECT" -> REDIRECT;
      case "KERNEL" -> KERNEL;
      case "BOOT" -> BOOT;
      case "STATIC" -> STATIC;
      case "DHCP" -> DHCP;
      case "BIRD" -> BIRD;
      case "ZEBRA" -> ZEBRA;
      case "BGP" -> BGP;
      case "OSPF" -> OSPF;
      default -> {
        try {
          yield new RouteProtocol(Integer.parseInt(text));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "routeProtocol: " + text + " (expected: a name or a number)", e);
        }
      }
    };
  }

  /** Returns the constant's name, e.g. {@code UNSPEC}, or the decimal code. */
  @Override
  public String toString() {
    return switch (value) {
      case 0 -> "UNSPEC";
      case 1 -> "REDIRECT";
      case 2 -> "KERNEL";
      case 3 -> "BOOT";
      case 4 -> "STATIC";
      case 16 -> "DHCP";
      case 12 -> "BIRD";
      case 11 -> "ZEBRA";
      case 186 -> "BGP";
      case 188 -> "OSPF";
      default -> Integer.toString(value);
    };
  }
}
