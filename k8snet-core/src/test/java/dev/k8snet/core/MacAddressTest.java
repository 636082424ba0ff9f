package dev.k8snet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MacAddressTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "0a:58:0a:f4:01:01, 0a:58:0a:f4:01:01",
    "0A:58:0A:F4:01:01, 0a:58:0a:f4:01:01",
    "0a-58-0a-f4-01-01, 0a:58:0a:f4:01:01",
    "ff:ff:ff:ff:ff:ff, ff:ff:ff:ff:ff:ff",
    "00:00:00:00:00:00, 00:00:00:00:00:00",
  })
  void acceptsColonsOrDashesInEitherCase(String text, String canonical) {
    assertEquals(canonical, MacAddress.parse(text).toString());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0a:58:0a:f4:01",
        "0a:58:0a:f4:01:01:02",
        "0a-58:0a:f4:01:01",
        "0a.58.0a.f4.01.01",
        "0a580af40101",
        "0a58.0af4.0101",
        "0a:58:0a:f4:01:0g",
        "0a:58:0a:f4:1:01 ",
        "0a:58:0a:f4:01:\uff10\uff11",
      })
  void rejectsOtherSeparatorsAndLengths(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(text));
    assertEquals(
        "mac: \"" + text + "\" (expected: six hex octets such as 0a:58:0a:f4:01:01)",
        e.getMessage());
  }

  @Test
  void rejectsValuesWiderThan48Bits() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new MacAddress(1L << 48));
    assertEquals("mac: 1000000000000 (expected: a 48-bit value)", e.getMessage());
  }

  @Test
  void readsTheGroupAndLocalBits() {
    assertTrue(MacAddress.parse("01:00:5e:00:00:01").isMulticast());
    assertFalse(MacAddress.parse("01:00:5e:00:00:01").isLocallyAdministered());
    assertTrue(MacAddress.parse("0a:58:0a:f4:01:01").isLocallyAdministered());
    assertFalse(MacAddress.parse("0a:58:0a:f4:01:01").isMulticast());
  }
}
