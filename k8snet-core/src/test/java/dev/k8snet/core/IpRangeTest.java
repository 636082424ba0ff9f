package dev.k8snet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpRangeTest {

  @Test
  void splitsIntoTheFewestBlocks() {
    assertEquals(
        List.of(
            Cidr.parse("10.0.0.10/31"),
            Cidr.parse("10.0.0.12/30"),
            Cidr.parse("10.0.0.16/30"),
            Cidr.parse("10.0.0.20/32")),
        IpRange.parse("10.0.0.10-10.0.0.20").toCidrs());
    assertEquals(
        List.of(Cidr.parse("0.0.0.0/0")), IpRange.parse("0.0.0.0-255.255.255.255").toCidrs());
    assertEquals(List.of(Cidr.parse("::/0")), IpRange.of(Cidr.parse("::/0")).toCidrs());
    assertEquals(
        List.of(Cidr.parse("::1/128"), Cidr.parse("::2/127")), IpRange.parse("::1-::3").toCidrs());
  }

  @Test
  void readsASingleAddressAsARangeOfOne() {
    IpRange r = IpRange.parse("fd00::1");
    assertEquals(r.first(), r.last());
    assertEquals("fd00::1-fd00::1", r.toString());
    assertEquals(r, IpRange.parse(r.toString()));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "10.0.0.20-10.0.0.10",
        "10.0.0.1-::1",
        "10.0.0.1-",
        "-10.0.0.1",
        "10.0.0.1--10.0.0.2",
        "10.0.0.1 - 10.0.0.2",
      })
  void rejectsMalformedRanges(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> IpRange.parse(text));
    assertEquals(
        "ipRange: \"" + text + "\" (expected: first-last, e.g. 10.0.0.10-10.0.0.20)",
        e.getMessage());
  }

  @Test
  void rejectsReversedOrMixedEnds() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new IpRange(IpAddress.parse("10.0.0.2"), IpAddress.parse("10.0.0.1")));
    assertEquals("last: 10.0.0.1 (expected: not before 10.0.0.2)", e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> new IpRange(IpAddress.parse("10.0.0.1"), IpAddress.parse("::1")));
  }
}
