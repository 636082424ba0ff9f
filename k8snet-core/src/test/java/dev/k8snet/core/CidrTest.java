package dev.k8snet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "10.0.0.0/8, 10.0.0.0/8",
    "0.0.0.0/0, 0.0.0.0/0",
    "255.255.255.255/32, 255.255.255.255/32",
    "::/0, ::/0",
    "::/128, ::/128",
    "fd00::/64, fd00::/64",
    "2001:0DB8::/32, 2001:db8::/32",
    "::ffff:10.0.0.0/104, ::ffff:10.0.0.0/104",
  })
  void parsesToTheCanonicalForm(String text, String canonical) {
    assertEquals(canonical, Cidr.parse(text).toString());
  }

  @Test
  void rejectsHostBitsOutsidePrefix() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.1/8"));
    assertEquals(
        "cidr: 10.0.0.1/8 (expected: no host bits set; did you mean 10.0.0.0/8?)", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("fd00::1/64"));
  }

  @Test
  void clearsHostBitsInLegacyMode() {
    assertEquals(Cidr.parse("10.0.0.0/8"), Cidr.parseLegacy("10.0.0.1/8"));
    assertEquals(Cidr.parse("10.1.0.0/16"), Cidr.parseLegacy("010.001.2.3/16"));
    assertEquals(Cidr.parse("fd00::/64"), Cidr.parseLegacy("fd00::1/64"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "1.2.3.4/33 | a prefix length of 0 ~ 32",
        "::/129 | a prefix length of 0 ~ 128",
        "10.0.0.0/08 | a prefix length of 0 ~ 32",
        "10.0.0.0/-1 | a prefix length of 0 ~ 32",
        "10.0.0.0/+8 | a prefix length of 0 ~ 32",
        "10.0.0.0/ | a prefix length of 0 ~ 32",
        "10.0.0.0/8/8 | a prefix length of 0 ~ 32",
        "10.0.0.0/0008 | a prefix length of 0 ~ 32",
        "10.0.0.0 | address/prefixLength, e.g. 10.0.0.0/8",
        "/8 | address/prefixLength with a valid IP address",
        "010.0.0.0/8 | address/prefixLength with a valid IP address",
        "fe80::%eth0/64 | address/prefixLength with a valid IP address",
      })
  void rejectsMalformedText(String text, String expected) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));
    assertEquals("cidr: \"" + text + "\" (expected: " + expected + ")", e.getMessage());
    assertTrue(Cidr.tryParse(text).isEmpty());
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 33})
  void rejectsPrefixLengthsOutsideTheFamily(int prefixLength) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Cidr(IpAddress.parse("0.0.0.0"), prefixLength));
    assertEquals("prefixLength: " + prefixLength + " (expected: 0 ~ 32)", e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "10.0.0.0/8, 10.0.0.0, 10.255.255.255, 255.0.0.0, 16777216",
    "0.0.0.0/0, 0.0.0.0, 255.255.255.255, 0.0.0.0, 4294967296",
    "10.0.0.7/32, 10.0.0.7, 10.0.0.7, 255.255.255.255, 1",
    "::/0, ::, ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, ::, 340282366920938463463374607431768211456",
    "fd00::/64, fd00::, fd00::ffff:ffff:ffff:ffff, ffff:ffff:ffff:ffff::, 18446744073709551616",
    "fd00::/65, fd00::, fd00::7fff:ffff:ffff:ffff, ffff:ffff:ffff:ffff:8000::, 9223372036854775808",
    "fd00::/63, fd00::, fd00::1:ffff:ffff:ffff:ffff, ffff:ffff:ffff:fffe::, 36893488147419103232",
  })
  void knowsItsBoundsMaskAndSize(
      String cidr, String first, String last, String netmask, String size) {
    Cidr c = Cidr.parse(cidr);
    assertEquals(first, c.first().toString());
    assertEquals(last, c.last().toString());
    assertEquals(netmask, c.netmask().toString());
    assertEquals(new BigInteger(size), c.size());
  }

  @Test
  void containsAddressesOfItsFamilyOnly() {
    Cidr all4 = Cidr.parse("0.0.0.0/0");
    assertTrue(all4.contains(IpAddress.parse("255.255.255.255")));
    assertFalse(all4.contains(IpAddress.parse("::ffff:1.2.3.4")));
    assertFalse(Cidr.parse("::/0").contains(IpAddress.parse("1.2.3.4")));
    assertFalse(all4.overlaps(Cidr.parse("::/0")));
  }

  @Test
  void containsNestedBlocksOnly() {
    Cidr a = Cidr.parse("10.0.0.0/8");
    assertTrue(a.contains(Cidr.parse("10.1.0.0/16")));
    assertFalse(Cidr.parse("10.1.0.0/16").contains(a));
    assertTrue(a.overlaps(Cidr.parse("10.1.0.0/16")));
    assertFalse(a.overlaps(Cidr.parse("11.0.0.0/8")));
  }

  @Test
  void exceptSplitsAroundTheHoles() {
    assertEquals(
        List.of(Cidr.parse("10.244.128.0/17")),
        Cidr.parse("10.244.0.0/16").except(List.of(Cidr.parse("10.244.0.0/17"))));
    assertEquals(
        List.of(
            Cidr.parse("10.0.0.0/32"),
            Cidr.parse("10.0.0.2/31"),
            Cidr.parse("10.0.0.4/30"),
            Cidr.parse("10.0.0.8/29")),
        Cidr.parse("10.0.0.0/28").except(List.of(Cidr.parse("10.0.0.1/32"))));
    assertEquals(List.of(), Cidr.parse("10.0.0.0/28").except(List.of(Cidr.parse("10.0.0.0/8"))));
    assertEquals(
        List.of(Cidr.parse("10.0.0.0/28")),
        Cidr.parse("10.0.0.0/28").except(List.of(Cidr.parse("11.0.0.0/8"), Cidr.parse("::/0"))));
  }

  @Test
  void halvesSplitOneBitDeeper() {
    assertEquals(List.of(Cidr.parse("::/1"), Cidr.parse("8000::/1")), Cidr.parse("::/0").halves());
    assertThrows(IllegalStateException.class, () -> Cidr.parse("10.0.0.1/32").halves());
  }

  @Test
  void streamsItsAddressesLazily() {
    assertEquals(
        List.of("10.0.0.254", "10.0.0.255"),
        Cidr.parse("10.0.0.254/31").addresses().map(IpAddress::toString).toList());
    assertEquals(
        IpAddress.parse("::3"), Cidr.parse("::/0").addresses().skip(3).findFirst().orElseThrow());
    assertEquals(
        List.of(IpAddress.parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")),
        Cidr.parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128").addresses().toList());
  }

  @Test
  void ordersByAddressThenPrefix() {
    assertTrue(Cidr.parse("10.0.0.0/8").compareTo(Cidr.parse("10.0.0.0/16")) < 0);
    assertTrue(Cidr.parse("10.0.0.0/16").compareTo(Cidr.parse("10.1.0.0/16")) < 0);
  }

  @Test
  void containingClearsHostBits() {
    assertEquals(Cidr.parse("10.244.3.0/24"), Cidr.containing(IpAddress.parse("10.244.3.9"), 24));
    assertEquals(Cidr.parse("::/0"), Cidr.containing(IpAddress.parse("fd00::1"), 0));
    assertThrows(
        IllegalArgumentException.class, () -> Cidr.containing(IpAddress.parse("fd00::1"), 129));
  }
}
