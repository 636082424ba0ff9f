package dev.k8snet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

class MacAddressProperties {

  @Property
  void textFormRoundTrips(@ForAll MacAddress mac) {
    assertEquals(mac, MacAddress.parse(mac.toString()));
  }

  @Property
  void upperCaseAndDashesParseToo(@ForAll MacAddress mac) {
    String text = mac.toString().toUpperCase(Locale.ROOT);
    assertEquals(mac, MacAddress.parse(text));
    assertEquals(mac, MacAddress.parse(text.replace(':', '-')));
  }

  @Property
  void bytesRoundTrip(@ForAll MacAddress mac) {
    assertEquals(mac, MacAddress.fromBytes(mac.toBytes()));
  }

  @Property
  void randomLocalIsLocallyAdministeredUnicast(@ForAll long seed) {
    MacAddress mac = MacAddress.randomLocal(new Random(seed));
    assertTrue(mac.isLocallyAdministered());
    assertFalse(mac.isMulticast());
  }
}
