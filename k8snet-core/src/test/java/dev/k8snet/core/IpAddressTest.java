package dev.k8snet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "0.0.0.0, 0.0.0.0",
    "255.255.255.255, 255.255.255.255",
    "10.244.1.7, 10.244.1.7",
    "::, ::",
    "::1, ::1",
    "1::, 1::",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "2001:0db8::0001, 2001:db8::1",
    "2001:DB8::0:1, 2001:db8::1",
    "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
    "2001:db8::1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
    "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
    "2001:db8:0:0:1:0:0:0, 2001:db8:0:0:1::",
    "0:0:0:0:0:0:0:0, ::",
    "0:0:0:0:0:0:0:1, ::1",
    "1:0:0:0:0:0:0:0, 1::",
    "fe80:0:0:0:0:0:0:1, fe80::1",
    "::ffff:10.0.0.1, ::ffff:10.0.0.1",
    "::FFFF:a00:1, ::ffff:10.0.0.1",
    "0:0:0:0:0:ffff:0a00:0001, ::ffff:10.0.0.1",
    "::10.0.0.1, ::a00:1",
    "64:ff9b::192.0.2.33, 64:ff9b::c000:221",
    "1:2:3:4:5:6:7::, 1:2:3:4:5:6:7:0",
    "::2:3:4:5:6:7:8, 0:2:3:4:5:6:7:8",
  })
  void parsesToTheCanonicalForm(String text, String canonical) {
    assertEquals(canonical, IpAddress.parse(text).toString());
    assertEquals(IpAddress.parse(text), IpAddress.parse(canonical));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "1.2.3",
        "1.2.3.4.5",
        "1.2.3.256",
        "1.2.3.-1",
        "1.2.3.4 ",
        " 1.2.3.4",
        "01.2.3.4",
        "1.2.3.04",
        "1.2.3.00",
        "0x1.2.3.4",
        "1..2.3",
        "fe80::1%eth0",
        "fe80::1%1",
        ":",
        ":::",
        "1:::2",
        "::1::2",
        "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7:8::",
        "::1:2:3:4:5:6:7:8",
        "1:2:3:4:5:6::7:8:9",
        "12345::",
        "g::",
        ":1::",
        "1:",
        "1::2:",
        "::ffff:1.2.3",
        "::ffff:01.2.3.4",
        "1:2:3:4:5:6:7:1.2.3.4",
        "1:2:3:4:5:6::1.2.3.4",
        "::1.2.3.4:1",
        "[::1]",
        "\uff11.2.3.4",
        "::\uff11",
        "\uff21::1",
        "::\u0661",
      })
  void rejectsMalformedText(String text) {
    assertFalse(IpAddress.isValid(text), text);
    assertTrue(IpAddress.tryParse(text).isEmpty(), text);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> IpAddress.parse(text));
    assertEquals("ip: \"" + text + "\" (expected: an IPv4 or IPv6 address)", e.getMessage());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "010.001.002.003, 10.1.2.3",
    "0.0.0.00, 0.0.0.0",
    "1.2.3.4, 1.2.3.4",
    "255.255.255.255, 255.255.255.255",
    "008.009.010.011, 8.9.10.11",
    "0001.2.3.0255, 1.2.3.255",
    "::ffff:010.001.2.3, ::ffff:10.1.2.3",
    "0000:0000:0000:0000:0000:ffff:0010.0001.0002.0003, ::ffff:10.1.2.3",
  })
  void legacyParserReadsLeadingZerosAsDecimal(String text, String canonical) {
    assertEquals(canonical, IpAddress.parseLegacy(text).toString());
  }

  @Test
  void rejectsLeadingZerosStrictlyButNotInLegacyMode() {
    assertFalse(IpAddress.isValid("010.1.2.3"));
    assertEquals(IpAddress.parse("10.1.2.3"), IpAddress.parseLegacy("010.1.2.3"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"256.1.1.1", "1.2.3", "0256.1.1.1", "00000000000000000000256.1.1.1", "1.2.3.4/8"})
  void legacyParserStillRejectsNonAddresses(String text) {
    assertThrows(IllegalArgumentException.class, () -> IpAddress.parseLegacy(text));
  }

  @Test
  void keepsIpv4MappedAddressesIpv6() {
    IpAddress mapped = IpAddress.parse("::ffff:192.0.2.1");
    assertTrue(mapped.isIpv6());
    assertEquals(mapped, IpAddress.of(mapped.toInetAddress()));
  }

  @Test
  void rejectsByteArraysOfOtherLengths() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> IpAddress.fromBytes(new byte[5]));
    assertEquals("bytes.length: 5 (expected: 4 or 16)", e.getMessage());
  }

  @Test
  void refusesToStepOutOfTheAddressSpace() {
    assertThrows(IllegalArgumentException.class, () -> IpAddress.parse("255.255.255.255").next());
    assertThrows(IllegalArgumentException.class, () -> IpAddress.parse("0.0.0.0").previous());
    assertThrows(
        IllegalArgumentException.class,
        () -> IpAddress.parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff").next());
    assertThrows(IllegalArgumentException.class, () -> IpAddress.parse("::").previous());
    assertEquals(IpAddress.parse("::1:0:0:0:0"), IpAddress.parse("::ffff:ffff:ffff:ffff").next());
    assertEquals(
        IpAddress.parse("::ffff:ffff:ffff:ffff"), IpAddress.parse("::1:0:0:0:0").previous());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "127.0.0.1, true, false, false, false",
    "::1, true, false, false, false",
    "0.0.0.0, false, true, false, false",
    "::, false, true, false, false",
    "169.254.1.1, false, false, true, false",
    "fe80::1, false, false, true, false",
    "febf::1, false, false, true, false",
    "fec0::1, false, false, false, false",
    "224.0.0.1, false, false, false, true",
    "ff02::1, false, false, false, true",
    "10.0.0.1, false, false, false, false",
  })
  void classifiesSpecialAddresses(
      String text, boolean loopback, boolean unspecified, boolean linkLocal, boolean multicast) {
    IpAddress a = IpAddress.parse(text);
    assertEquals(loopback, a.isLoopback());
    assertEquals(unspecified, a.isUnspecified());
    assertEquals(linkLocal, a.isLinkLocal());
    assertEquals(multicast, a.isMulticast());
  }

  @Test
  void ordersIpv4BeforeIpv6() {
    assertTrue(IpAddress.parse("255.255.255.255").compareTo(IpAddress.parse("::")) < 0);
    assertTrue(IpAddress.parse("::1").compareTo(IpAddress.parse("8000::")) < 0);
    assertTrue(IpAddress.parse("127.0.0.1").compareTo(IpAddress.parse("128.0.0.0")) < 0);
  }

  @Test
  void parsesIpFamilyKubernetesNames() {
    assertEquals(IpFamily.IPV4, IpFamily.fromKubernetesName("IPv4"));
    assertEquals("IPv6", IpFamily.IPV6.kubernetesName());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> IpFamily.fromKubernetesName("ipv4"));
    assertEquals("ipFamily: ipv4 (expected: IPv4 or IPv6)", e.getMessage());
  }
}
