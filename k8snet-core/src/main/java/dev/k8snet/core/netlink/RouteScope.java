package dev.k8snet.core.netlink;

/**
 * The scope of a route or an address: how far from this host it is valid (rtnetlink {@code
 * RT_SCOPE_*}).
 *
 * <p>An open set of kernel codes: {@link #valueOf(int)} accepts any code in range and returns the
 * named constant when there is one, so codes this version does not know survive a round trip.
 *
 * @param value the kernel's code (0 to 255)
 * @since 0.1
 */
public record RouteScope(int value) {
  /** universe (0). */
  public static final RouteScope UNIVERSE = new RouteScope(0);

  /** site (200). */
  public static final RouteScope SITE = new RouteScope(200);

  /** link (253). */
  public static final RouteScope LINK = new RouteScope(253);

  /** host (254). */
  public static final RouteScope HOST = new RouteScope(254);

  /** nowhere (255). */
  public static final RouteScope NOWHERE = new RouteScope(255);

  /**
   * Validates the range.
   *
   * @param value the kernel's code (0 to 255)
   */
  public RouteScope {
    if (value < 0 || value > 255) {
      throw new IllegalArgumentException("routeScope: " + value + " (expected: 0 to 255)");
    }
  }

  /**
   * Returns the value for a kernel code, never failing for a code in range.
   *
   * @param value the kernel's code, 0 to 255
   * @return the value with that code
   * @throws IllegalArgumentException when the code is out of range
   */
  public static RouteScope valueOf(int value) {
    return new RouteScope(value);
  }

  /**
   * Returns the value for a name as {@link #toString()} produces it (case-insensitive), or a
   * decimal code.
   *
   * @param text a name or a decimal code
   * @return the value
   * @throws IllegalArgumentException when the name is unknown
   */
  public static RouteScope parse(String text) {
    return switch (text.toUpperCase(java.util.Locale.ROOT)) {
      case "UNIVERSE" -> UNIVERSE;
      case "SITE" -> SITE;
      case "LINK" -> LINK;
      case "HOST" -> HOST;
      case "NOWHERE" -> NOWHERE;
      default -> {
        try {
          yield new RouteScope(Integer.parseInt(text));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "routeScope: " + text + " (expected: a name or a number)", e);
        }
      }
    };
  }

  /** Returns the constant's name, e.g. {@code UNIVERSE}, or the decimal code. */
  @Override
  public String toString() {
    return switch (value) {
      case 0 -> "UNIVERSE";
      case 200 -> "SITE";
      case 253 -> "LINK";
      case 254 -> "HOST";
      case 255 -> "NOWHERE";
      default -> Integer.toString(value);
    };
  }
}
