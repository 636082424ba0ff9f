package dev.k8snet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PortRangeTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({"1, 1, 1", "65535, 65535, 65535", "30000-32767, 30000, 32767", "80-80, 80, 80"})
  void parsesPortsAndRanges(String text, int first, int last) {
    PortRange r = PortRange.parse(text);
    assertEquals(first, r.first());
    assertEquals(last, r.last());
  }

  @Test
  void printsASinglePortWithoutDash() {
    assertEquals("80", PortRange.parse("80-80").toString());
    assertEquals("1-65535", new PortRange(1, 65535).toString());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0 | port: 0 (expected: 1 ~ 65535)",
        "65536 | port: 65536 (expected: 1 ~ 65535)",
        "1-65536 | endPort: 65536 (expected: 1 ~ 65535)",
        "10-9 | endPort: 9 (expected: not below port 10)",
        "080 | portRange: \"080\" (expected: port or first-last, ports 1 ~ 65535)",
        "-1 | portRange: \"-1\" (expected: port or first-last, ports 1 ~ 65535)",
        "1- | portRange: \"1-\" (expected: port or first-last, ports 1 ~ 65535)",
        "1-2-3 | portRange: \"1-2-3\" (expected: port or first-last, ports 1 ~ 65535)",
        "100000 | portRange: \"100000\" (expected: port or first-last, ports 1 ~ 65535)",
        "http | portRange: \"http\" (expected: port or first-last, ports 1 ~ 65535)",
      })
  void rejectsOutOfBoundsAndMalformedRanges(String text, String message) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PortRange.parse(text));
    assertEquals(message, e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "Tcp", "ICMP", ""})
  void rejectsProtocolsInAnotherSpelling(String name) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Protocol.parse(name));
    assertEquals("protocol: " + name + " (expected: one of TCP, UDP, SCTP)", e.getMessage());
  }

  @Test
  void mapsProtocolNumbers() {
    assertEquals(Protocol.SCTP, Protocol.fromNumber(132).orElseThrow());
    assertEquals("udp", Protocol.UDP.lowerCaseName());
    assertEquals(true, Protocol.fromNumber(1).isEmpty());
  }
}
