package dev.k8snet.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PortRefTest {
  @ParameterizedTest
  @ValueSource(strings = {"1", "80", "65535", "http", "dns-tcp", "a1"})
  void textFormRoundTrips(String text) {
    PortRef p = PortRef.parse(text);
    assertEquals(text, p.toString());
    assertEquals(p, PortRef.parse(p.toString()));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0",
        "65536",
        "99999999999",
        "",
        "Http",
        "-a",
        "a--b",
        "averyveryverylongname",
        "a_b"
      })
  void rejectsWhatIsNeitherAPortNorAPortName(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PortRef.parse(text));
    assertEquals(true, e.getMessage().startsWith("port: ") || e.getMessage().startsWith("name: "));
  }

  @ParameterizedTest
  @ValueSource(strings = {"80"})
  void numbersAndNamesAreDifferentCases(String text) {
    assertEquals(new PortRef.Number(80), PortRef.parse(text));
    assertEquals(new PortRef.Name("http"), PortRef.named("http"));
  }
}
