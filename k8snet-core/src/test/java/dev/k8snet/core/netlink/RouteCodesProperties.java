package dev.k8snet.core.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class RouteCodesProperties {

  @Property
  void everyCodeRoundTripsThroughItsText(@ForAll @IntRange(min = 0, max = 255) int code) {
    assertEquals(RouteScope.valueOf(code), RouteScope.parse(RouteScope.valueOf(code).toString()));
    assertEquals(
        RouteProtocol.valueOf(code), RouteProtocol.parse(RouteProtocol.valueOf(code).toString()));
    assertEquals(RouteType.valueOf(code), RouteType.parse(RouteType.valueOf(code).toString()));
  }

  @Property
  void codesOutOfRangeAreRejected(@ForAll @IntRange(min = 256, max = 100_000) int code) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RouteScope.valueOf(code));
    assertEquals("routeScope: " + code + " (expected: 0 to 255)", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> RouteScope.valueOf(-code));
  }

  @Property
  void interfaceAddressTextRoundTrips(
      @ForAll @IntRange(min = 0, max = 255) int a,
      @ForAll @IntRange(min = 0, max = 255) int b,
      @ForAll @IntRange(min = 0, max = 32) int prefix) {
    InterfaceAddress ia = InterfaceAddress.parse("10." + a + "." + b + ".7/" + prefix);
    assertEquals(ia, InterfaceAddress.parse(ia.toString()));
    assertEquals(prefix, ia.network().prefixLength());
  }
}
