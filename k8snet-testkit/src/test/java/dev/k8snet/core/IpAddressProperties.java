package dev.k8snet.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.testkit.K8snetArbitraries;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class IpAddressProperties {

  @Property
  void textFormRoundTrips(@ForAll IpAddress address) {
    assertEquals(address, IpAddress.parse(address.toString()));
  }

  @Property
  void legacyParserReadsTheCanonicalFormToo(@ForAll IpAddress address) {
    assertEquals(address, IpAddress.parseLegacy(address.toString()));
  }

  @Property
  void bytesRoundTrip(@ForAll IpAddress address) {
    byte[] bytes = address.toBytes();
    assertEquals(address.family().bitLength() / 8, bytes.length);
    assertEquals(address, IpAddress.fromBytes(bytes));
  }

  @Property
  void inetAddressRoundTrips(@ForAll IpAddress address) {
    InetAddress inet = address.toInetAddress();
    assertEquals(address, IpAddress.of(inet));
    assertArrayEquals(address.toBytes(), inet.getAddress());
  }

  @Property
  void canonicalFormIsRfc5952(@ForAll IpAddress address) {
    String text = address.toString();
    assertEquals(text.toLowerCase(Locale.ROOT), text);
    if (address.isIpv6()) {
      assertTrue(text.indexOf("::") == text.lastIndexOf("::"), text);
      assertFalse(text.contains(":::"), text);
      for (String group : text.split(":", -1)) {
        assertFalse(!group.contains(".") && group.length() > 1 && group.startsWith("0"), text);
      }
      if (!text.contains(".")) {
        assertLongestFirstZeroRunCompressed(text);
      }
    }
  }

  /** RFC 5952 4.2: "::" replaces the longest run of two or more zero groups, the first if tied. */
  private static void assertLongestFirstZeroRunCompressed(String text) {
    int gap = text.indexOf("::");
    String before = gap < 0 ? text : text.substring(0, gap);
    String after = gap < 0 ? "" : text.substring(gap + 2);
    int explicit = groups(before).size() + groups(after).size();
    int compressed = gap < 0 ? 0 : 8 - explicit;
    assertTrue(gap < 0 ? explicit == 8 : compressed >= 2, text);
    assertTrue(longestZeroRun(groups(before)) < Math.max(2, compressed), text);
    assertTrue(longestZeroRun(groups(after)) <= Math.max(1, compressed), text);
    if (gap < 0) {
      assertTrue(longestZeroRun(groups(text)) < 2, text);
    }
  }

  private static List<String> groups(String part) {
    return part.isEmpty() ? List.of() : List.of(part.split(":", -1));
  }

  private static int longestZeroRun(List<String> groups) {
    int best = 0;
    int run = 0;
    for (String g : groups) {
      run = g.equals("0") ? run + 1 : 0;
      best = Math.max(best, run);
    }
    return best;
  }

  @Property
  void agreesWithTheJdkOnNonCanonicalIpv6Texts(@ForAll("ipv6Spellings") Spelling spelling)
      throws UnknownHostException {
    IpAddress parsed = IpAddress.parse(spelling.text());
    assertEquals(spelling.address(), parsed, spelling.text());
    // IPv6 literals never cause a lookup.
    InetAddress jdk = InetAddress.getByName(spelling.text());
    IpAddress fromJdk =
        jdk instanceof Inet4Address // the JDK turns ::ffff:a.b.c.d into an IPv4 address
            ? IpAddress.ofIpv6(0, 0xffff_0000_0000L | IpAddress.of(jdk).low())
            : IpAddress.of(jdk);
    assertEquals(fromJdk, parsed, spelling.text());
  }

  @Property(tries = 3000)
  void acceptsExactlyTheIpv6TextsTheJdkAccepts(@ForAll("ipv6LookingTexts") String text) {
    // Every text contains ':' and starts with a hex digit or ':', so the JDK parses it as an IPv6
    // literal and never looks it up.
    // Known leniencies of the JDK: groups of more than four digits whose value fits in 16 bits
    // ("00000::"), and leading zeros in an embedded dotted quad ("::01.2.3.4"), which the strict
    // parser rejects as it does for IPv4.
    Assume.that(!text.matches("(?s).*[0-9a-fA-F]{5}.*"));
    Assume.that(!text.matches("(?s).*((^|[:.])0[0-9]+\\.|\\.0[0-9]+$).*"));
    boolean jdk;
    try {
      InetAddress.getByName(text);
      jdk = true;
    } catch (UnknownHostException e) {
      jdk = false;
    }
    assertEquals(jdk, IpAddress.isValid(text), text);
  }

  @Provide
  Arbitrary<String> ipv6LookingTexts() {
    Arbitrary<String> random =
        Arbitraries.strings()
            .withChars("0123456789abcdefABCDEF::::.")
            .ofMinLength(2)
            .ofMaxLength(45);
    Arbitrary<String> mutated =
        Combinators.combine(
                ipv6Spellings(),
                Arbitraries.integers().between(0, 44),
                Arbitraries.of(":", "0", "f", ".", "", "::", "01", "1.2.3.4"),
                Arbitraries.integers().between(0, 2))
            .as(
                (spelling, at, insert, drop) -> {
                  String t = spelling.text();
                  int i = Math.min(at, t.length());
                  return t.substring(0, i) + insert + t.substring(Math.min(t.length(), i + drop));
                });
    return Arbitraries.oneOf(List.of(random, mutated, ipv6Spellings().map(Spelling::text)))
        .filter(
            t -> t.contains(":") && (Character.digit(t.charAt(0), 16) >= 0 || t.charAt(0) == ':'));
  }

  @Property
  void numericValueMatchesTheBytes(@ForAll IpAddress address) {
    assertEquals(new java.math.BigInteger(1, address.toBytes()), address.toBigInteger());
  }

  @Property
  void nextAndPreviousAreInverse(@ForAll IpAddress address) {
    IpAddress last = address.isIpv4() ? IpAddress.ofIpv4(-1) : IpAddress.ofIpv6(-1L, -1L);
    if (!address.equals(last)) {
      assertEquals(address, address.next().previous());
      assertTrue(address.compareTo(address.next()) < 0);
      assertEquals(
          address.toBigInteger().add(java.math.BigInteger.ONE), address.next().toBigInteger());
    }
  }

  @Property
  void plusAgreesWithArithmetic(@ForAll IpAddress address, @ForAll("deltas") long delta) {
    java.math.BigInteger expected = address.toBigInteger().add(java.math.BigInteger.valueOf(delta));
    boolean inside = expected.signum() >= 0 && expected.bitLength() <= address.family().bitLength();
    try {
      IpAddress moved = address.plus(delta);
      assertTrue(inside, "no overflow reported for " + address + " + " + delta);
      assertEquals(expected, moved.toBigInteger());
      assertEquals(address.family(), moved.family());
    } catch (IllegalArgumentException e) {
      assertFalse(inside, address + " + " + delta + ": " + e.getMessage());
    }
  }

  @Property
  void orderIsNumericWithinAFamily(@ForAll IpAddress a, @ForAll IpAddress b) {
    int expected =
        a.family() != b.family()
            ? a.family().compareTo(b.family())
            : a.toBigInteger().compareTo(b.toBigInteger());
    assertEquals(Integer.signum(expected), Integer.signum(a.compareTo(b)));
    assertEquals(a.equals(b), a.compareTo(b) == 0);
  }

  @Provide
  Arbitrary<Long> deltas() {
    return Arbitraries.oneOf(
        List.of(
            Arbitraries.longs().between(-300, 300),
            Arbitraries.longs(),
            Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, 0xffffffffL, -0xffffffffL)));
  }

  /** A text and the address it denotes. */
  record Spelling(String text, IpAddress address) {}

  @Provide
  Arbitrary<Spelling> ipv6Spellings() {
    return Combinators.combine(
            K8snetArbitraries.ipv6Addresses(),
            Arbitraries.integers().between(0, 7), // where a compressed run starts
            Arbitraries.integers().between(0, 8), // how long it is (0: no compression)
            Arbitraries.of(true, false), // pad groups to four digits
            Arbitraries.of(true, false), // upper case
            Arbitraries.of(true, false)) // last 32 bits as a dotted quad
        .as(IpAddressProperties::spell);
  }

  private static Spelling spell(
      IpAddress address, int start, int length, boolean pad, boolean upper, boolean quad) {
    int[] groups = new int[8];
    for (int g = 0; g < 4; g++) {
      groups[g] = (int) (address.high() >>> (48 - 16 * g)) & 0xffff;
      groups[g + 4] = (int) (address.low() >>> (48 - 16 * g)) & 0xffff;
    }
    int words = quad ? 6 : 8;
    // Compress groups [start, start + length) if they are all zero and lie within the hex part.
    int end = Math.min(start + length, words);
    boolean compress = length > 0 && start < words;
    for (int g = start; compress && g < end; g++) {
      compress = groups[g] == 0;
    }
    List<String> parts = new ArrayList<>();
    for (int g = 0; g < words; g++) {
      if (compress && g == start) {
        parts.add("");
        if (g == 0) {
          parts.add("");
        }
        if (end == words) {
          parts.add("");
        }
        g = end - 1;
        continue;
      }
      String hex = Integer.toHexString(groups[g]);
      parts.add(pad ? "0".repeat(4 - hex.length()) + hex : hex);
    }
    String text = String.join(":", parts);
    if (quad) {
      String dotted =
          (groups[6] >>> 8)
              + "."
              + (groups[6] & 0xff)
              + "."
              + (groups[7] >>> 8)
              + "."
              + (groups[7] & 0xff);
      text = text.endsWith("::") ? text + dotted : text + ":" + dotted;
    }
    if (upper) {
      text = text.toUpperCase(Locale.ROOT);
    }
    return new Spelling(text, address);
  }
}
