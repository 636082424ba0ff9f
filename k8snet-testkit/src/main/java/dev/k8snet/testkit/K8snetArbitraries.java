package dev.k8snet.testkit;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.IpRange;
import dev.k8snet.core.MacAddress;
import dev.k8snet.core.PortRange;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.model.LabelSelector;
import dev.k8snet.core.model.LabelSelectorRequirement;
import dev.k8snet.core.model.LabelSelectorRequirement.Operator;
import dev.k8snet.core.model.ObjectMeta;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * jqwik arbitraries for k8snet's values, label selectors and object names: a static facade, in the
 * style of jqwik's own {@code Web} and {@code Dates}.
 *
 * <pre>{@code
 * @Property
 * void podAddressesStayInTheirBlock(@ForAll("pods") IpAddress ip) {
 *   assertTrue(Cidr.parse("10.244.0.0/16").contains(ip));
 * }
 *
 * @Provide
 * Arbitrary<IpAddress> pods() {
 *   return K8snetArbitraries.addressesIn(Cidr.parse("10.244.0.0/16"));
 * }
 * }</pre>
 *
 * <p>Most of these types can also be injected directly, without a {@code @Provide} method:
 * {@code @ForAll IpAddress}, {@code Cidr}, {@code IpRange}, {@code PortRange}, {@code MacAddress},
 * {@code LabelSelector}, {@code LabelSelectorRequirement} and {@code ObjectMeta} are registered
 * with jqwik, and can be narrowed with {@link Family @Family} and {@link Within @Within}.
 *
 * <p>The arbitraries favour the values where parsers and set algebra tend to break: prefix lengths
 * 0 and the family's maximum, the first and last address of a block, {@code ::}, IPv4-mapped IPv6
 * addresses, IPv6 addresses with runs of zero groups of every length (RFC 5952 compression), label
 * keys with DNS subdomain prefixes, empty label values, and labels drawn from a small vocabulary so
 * that generated selectors and label sets actually share keys and values. Every method returns a
 * new arbitrary; the facade keeps no state.
 *
 * @since 0.1
 */
public final class K8snetArbitraries {
  private static final String LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final String ALNUM = LOWER_ALNUM + "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  private static final List<String> COMMON_KEYS =
      List.of(
          "app",
          "tier",
          "env",
          "role",
          "app.kubernetes.io/name",
          "kubernetes.io/metadata.name",
          "example.com/team");
  private static final List<String> COMMON_VALUES =
      List.of("", "web", "db", "front", "edge", "prod", "v1", "a");

  private K8snetArbitraries() {}

  // ---------------------------------------------------------------------------------------------
  // Addresses

  /**
   * Returns IPv4 addresses over the whole address space, including 0.0.0.0, 255.255.255.255 and the
   * addresses either side of each octet boundary.
   *
   * @return an arbitrary of IPv4 addresses
   * @since 0.1
   */
  public static Arbitrary<IpAddress> ipv4Addresses() {
    Arbitrary<Integer> octets =
        Arbitraries.frequencyOf(
            List.of(
                weighted(3, Arbitraries.integers().between(0, 255)),
                weighted(1, Arbitraries.of(0, 1, 127, 128, 254, 255))));
    Arbitrary<IpAddress> byOctets =
        octets
            .list()
            .ofSize(4)
            .map(o -> IpAddress.ofIpv4(o.get(0) << 24 | o.get(1) << 16 | o.get(2) << 8 | o.get(3)));
    Arbitrary<IpAddress> anywhere = Arbitraries.integers().map(IpAddress::ofIpv4);
    return Arbitraries.oneOf(List.of(anywhere, byOctets))
        .edgeCases(
            c ->
                c.add(
                    IpAddress.ofIpv4(0),
                    IpAddress.ofIpv4(-1),
                    IpAddress.parse("127.0.0.1"),
                    IpAddress.parse("10.0.0.1")));
  }

  /**
   * Returns IPv6 addresses, with runs of zero groups of every length and position (so that every
   * case of RFC 5952's compression rule occurs), {@code ::}, {@code ::1}, IPv4-mapped addresses
   * ({@code ::ffff:a.b.c.d}), IPv4-compatible ones ({@code ::a.b.c.d}), link-local and multicast
   * addresses.
   *
   * @return an arbitrary of IPv6 addresses
   * @since 0.1
   */
  public static Arbitrary<IpAddress> ipv6Addresses() {
    Arbitrary<Integer> groups =
        Arbitraries.frequencyOf(
            List.of(
                weighted(5, Arbitraries.just(0)),
                weighted(3, Arbitraries.integers().between(1, 0xffff)),
                weighted(1, Arbitraries.integers().between(1, 0xf)),
                weighted(1, Arbitraries.of(0xffff, 0xfe80, 0xff02, 0x2001, 0xdb8))));
    Arbitrary<IpAddress> byGroups = groups.list().ofSize(8).map(K8snetArbitraries::ofGroups);
    Arbitrary<IpAddress> anywhere =
        Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(IpAddress::ofIpv6);
    Arbitrary<IpAddress> mapped =
        ipv4Addresses().map(v4 -> IpAddress.ofIpv6(0, 0xffff_0000_0000L | v4.low()));
    Arbitrary<IpAddress> compatible = ipv4Addresses().map(v4 -> IpAddress.ofIpv6(0, v4.low()));
    return Arbitraries.frequencyOf(
            List.of(
                weighted(6, byGroups),
                weighted(2, anywhere),
                weighted(1, mapped),
                weighted(1, compatible)))
        .edgeCases(
            c ->
                c.add(
                    IpAddress.ofIpv6(0, 0),
                    IpAddress.ofIpv6(0, 1),
                    IpAddress.ofIpv6(-1L, -1L),
                    IpAddress.parse("::ffff:0.0.0.0"),
                    IpAddress.parse("::ffff:255.255.255.255"),
                    IpAddress.parse("2001:db8::1:0:0:1"),
                    IpAddress.parse("fe80::1")));
  }

  /**
   * Returns IPv4 and IPv6 addresses, half of each (see {@link #ipv4Addresses()} and {@link
   * #ipv6Addresses()}).
   *
   * @return an arbitrary of addresses
   * @since 0.1
   */
  public static Arbitrary<IpAddress> ipAddresses() {
    return Arbitraries.oneOf(List.of(ipv4Addresses(), ipv6Addresses()));
  }

  /**
   * Returns addresses of one family.
   *
   * @param family the family
   * @return {@link #ipv4Addresses()} or {@link #ipv6Addresses()}
   * @since 0.1
   */
  public static Arbitrary<IpAddress> ipAddresses(IpFamily family) {
    return Objects.requireNonNull(family, "family") == IpFamily.IPV4
        ? ipv4Addresses()
        : ipv6Addresses();
  }

  /**
   * Returns addresses inside {@code cidr}, its first and last address among the edge cases.
   *
   * @param cidr the block
   * @return an arbitrary of addresses for which {@code cidr.contains(a)} holds
   * @since 0.1
   */
  public static Arbitrary<IpAddress> addressesIn(Cidr cidr) {
    Objects.requireNonNull(cidr, "cidr");
    return offsetsIn(cidr.size()).map(offset -> plus(cidr.first(), offset));
  }

  /**
   * Returns addresses inside {@code range}, its first and last address among the edge cases.
   *
   * @param range the range
   * @return an arbitrary of addresses for which {@code range.contains(a)} holds
   * @since 0.1
   */
  public static Arbitrary<IpAddress> addressesIn(IpRange range) {
    Objects.requireNonNull(range, "range");
    return offsetsIn(range.size()).map(offset -> plus(range.first(), offset));
  }

  // ---------------------------------------------------------------------------------------------
  // Blocks and ranges

  /**
   * Returns CIDR blocks of both families, with every prefix length from 0 to the maximum.
   *
   * @return an arbitrary of blocks
   * @since 0.1
   */
  public static Arbitrary<Cidr> cidrs() {
    return Arbitraries.oneOf(List.of(cidrs(IpFamily.IPV4), cidrs(IpFamily.IPV6)));
  }

  /**
   * Returns CIDR blocks of one family, with every prefix length from 0 (the whole family) to the
   * family's bit length (a single address).
   *
   * @param family the family
   * @return an arbitrary of blocks
   * @since 0.1
   */
  public static Arbitrary<Cidr> cidrs(IpFamily family) {
    Objects.requireNonNull(family, "family");
    return Combinators.combine(ipAddresses(family), prefixLengths(0, family.bitLength()))
        .as(Cidr::containing);
  }

  /**
   * Returns CIDR blocks inside {@code parent} (including {@code parent} itself and its single
   * addresses).
   *
   * @param parent the enclosing block
   * @return an arbitrary of blocks for which {@code parent.contains(c)} holds
   * @since 0.1
   */
  public static Arbitrary<Cidr> cidrsWithin(Cidr parent) {
    Objects.requireNonNull(parent, "parent");
    return Combinators.combine(
            addressesIn(parent), prefixLengths(parent.prefixLength(), parent.family().bitLength()))
        .as(Cidr::containing);
  }

  /**
   * Returns IP ranges of both families, from single addresses to whole families.
   *
   * @return an arbitrary of ranges
   * @since 0.1
   */
  public static Arbitrary<IpRange> ipRanges() {
    return Arbitraries.oneOf(List.of(ipRanges(IpFamily.IPV4), ipRanges(IpFamily.IPV6)));
  }

  /**
   * Returns IP ranges of one family. Both ends lie in a common block of random size, so small and
   * large ranges are both common, and ranges that start or end on a block boundary occur often.
   *
   * @param family the family
   * @return an arbitrary of ranges
   * @since 0.1
   */
  public static Arbitrary<IpRange> ipRanges(IpFamily family) {
    return cidrs(family).flatMap(K8snetArbitraries::ipRangesWithin);
  }

  /**
   * Returns IP ranges inside {@code cidr}.
   *
   * @param cidr the block
   * @return an arbitrary of ranges whose first and last address {@code cidr} contains
   * @since 0.1
   */
  public static Arbitrary<IpRange> ipRangesWithin(Cidr cidr) {
    Arbitrary<IpAddress> ends = addressesIn(cidr);
    return withEdgeCase(
        Combinators.combine(ends, ends)
            .as((a, b) -> a.compareTo(b) <= 0 ? new IpRange(a, b) : new IpRange(b, a)),
        IpRange.of(cidr));
  }

  // ---------------------------------------------------------------------------------------------
  // Transport

  /**
   * Returns the protocols TCP, UDP and SCTP.
   *
   * @return an arbitrary of protocols
   * @since 0.1
   */
  public static Arbitrary<Protocol> protocols() {
    return Arbitraries.of(Protocol.class);
  }

  /**
   * Returns valid port numbers, {@code 1..65535}, with 1, 65535 and well-known ports favoured.
   *
   * @return an arbitrary of ports
   * @since 0.1
   */
  public static Arbitrary<Integer> ports() {
    return Arbitraries.frequencyOf(
        List.of(
            weighted(4, Arbitraries.integers().between(PortRange.MIN_PORT, PortRange.MAX_PORT)),
            weighted(1, Arbitraries.of(1, 53, 80, 443, 1023, 1024, 30000, 32767, 65535))));
  }

  /**
   * Returns port ranges: single ports, short ranges and ranges up to {@code 1-65535}.
   *
   * @return an arbitrary of port ranges
   * @since 0.1
   */
  public static Arbitrary<PortRange> portRanges() {
    Arbitrary<PortRange> single = ports().map(PortRange::of);
    Arbitrary<PortRange> any =
        Combinators.combine(ports(), ports())
            .as((a, b) -> new PortRange(Math.min(a, b), Math.max(a, b)));
    Arbitrary<PortRange> nearby =
        Combinators.combine(ports(), Arbitraries.integers().between(1, 16))
            .as((p, n) -> new PortRange(p, Math.min(PortRange.MAX_PORT, p + n)));
    return Arbitraries.oneOf(List.of(single, any, nearby))
        .edgeCases(
            c ->
                c.add(
                    PortRange.of(1),
                    PortRange.of(65535),
                    new PortRange(1, 65535),
                    new PortRange(65534, 65535)));
  }

  /**
   * Returns MAC addresses over the whole 48-bit space, including 00:00:00:00:00:00, the broadcast
   * address, multicast and locally administered ones.
   *
   * @return an arbitrary of MAC addresses
   * @since 0.1
   */
  public static Arbitrary<MacAddress> macAddresses() {
    return Arbitraries.longs()
        .between(0, 0xffff_ffff_ffffL)
        .map(MacAddress::new)
        .edgeCases(
            c ->
                c.add(
                    new MacAddress(0),
                    new MacAddress(0xffff_ffff_ffffL),
                    MacAddress.parse("01:00:5e:00:00:01"),
                    MacAddress.parse("0a:58:0a:f4:01:01")));
  }

  // ---------------------------------------------------------------------------------------------
  // Labels and selectors

  /**
   * Returns valid label keys ({@code [prefix/]name}): names of 1 to 63 characters of the qualified
   * name alphabet, and, for about half, a DNS subdomain prefix of up to 253 characters. The longest
   * and shortest forms are among the edge cases.
   *
   * @return an arbitrary of keys that the API server accepts
   * @since 0.1
   */
  public static Arbitrary<String> labelKeys() {
    Arbitrary<String> prefixed =
        Combinators.combine(dnsSubdomains(), qualifiedNames()).as((p, n) -> p + "/" + n);
    return Arbitraries.oneOf(List.of(qualifiedNames(), prefixed))
        .edgeCases(
            c ->
                c.add(
                    "a",
                    "A".repeat(63),
                    "a.b/c",
                    "x".repeat(63) + "." + "y".repeat(63) + "." + "z".repeat(63) + "/" + "n"));
  }

  /**
   * Returns valid label values: the empty string (often), and 1 to 63 characters of the qualified
   * name alphabet, starting and ending alphanumerically.
   *
   * @return an arbitrary of values that the API server accepts
   * @since 0.1
   */
  public static Arbitrary<String> labelValues() {
    return Arbitraries.frequencyOf(
            List.of(weighted(1, Arbitraries.just("")), weighted(4, qualifiedNames())))
        .edgeCases(c -> c.add("", "0", "z".repeat(63)));
  }

  /**
   * Returns label sets of up to six labels. Keys and values come mostly from a small vocabulary
   * ({@code app}, {@code tier}, {@code app.kubernetes.io/name}, …; {@code web}, {@code ""}, …) so
   * that label sets and {@link #labelSelectors() selectors} generated independently share keys and
   * values often; the rest are any valid keys and values.
   *
   * @return an arbitrary of unmodifiable label maps
   * @since 0.1
   */
  public static Arbitrary<Map<String, String>> labels() {
    return Arbitraries.maps(vocabularyKeys(), vocabularyValues()).ofMaxSize(6).map(Map::copyOf);
  }

  /**
   * Returns label selector requirements with every operator: {@code In} and {@code NotIn} with one
   * to three values, {@code Exists} and {@code DoesNotExist} without values.
   *
   * @return an arbitrary of requirements
   * @since 0.1
   */
  public static Arbitrary<LabelSelectorRequirement> labelSelectorRequirements() {
    Arbitrary<List<String>> valueSets =
        vocabularyValues().list().ofMinSize(1).ofMaxSize(3).uniqueElements();
    return Combinators.combine(vocabularyKeys(), Arbitraries.of(Operator.class), valueSets)
        .as(
            (key, op, values) ->
                new LabelSelectorRequirement(
                    key, op, op == Operator.IN || op == Operator.NOT_IN ? values : List.of()));
  }

  /**
   * Returns valid label selectors: up to three {@code matchLabels} and up to three {@code
   * matchExpressions}, drawn from the same vocabulary as {@link #labels()}. The empty selector is
   * an edge case.
   *
   * @return an arbitrary of selectors
   * @since 0.1
   */
  public static Arbitrary<LabelSelector> labelSelectors() {
    return withEdgeCase(
        Combinators.combine(
                Arbitraries.maps(vocabularyKeys(), vocabularyValues()).ofMaxSize(3),
                labelSelectorRequirements().list().ofMaxSize(3))
            .as(LabelSelector::new),
        LabelSelector.EVERYTHING);
  }

  /**
   * Returns selectors that match {@code labels}: each {@code matchLabels} entry is one of the
   * labels, and each expression holds for them ({@code In} a value set containing the label's
   * value, {@code NotIn} one without it or on an absent key, {@code Exists} on a present key,
   * {@code DoesNotExist} on an absent one).
   *
   * @param labels the label set every generated selector must match
   * @return an arbitrary of selectors {@code s} with {@code s.matches(labels)}
   * @throws IllegalArgumentException if {@code labels} holds an invalid key or value
   * @since 0.1
   */
  public static Arbitrary<LabelSelector> labelSelectorsMatching(Map<String, String> labels) {
    Map<String, String> target = new TreeMap<>(Objects.requireNonNull(labels, "labels"));
    LabelSelector.of(target); // validates the keys and values
    List<Arbitrary<LabelSelectorRequirement>> choices = new ArrayList<>();
    Arbitrary<String> absentKeys = vocabularyKeys().filter(k -> !target.containsKey(k));
    choices.add(absentKeys.map(k -> requirement(k, Operator.DOES_NOT_EXIST, List.of())));
    choices.add(
        Combinators.combine(absentKeys, vocabularyValues().list().ofMinSize(1).ofMaxSize(3))
            .as((k, vs) -> requirement(k, Operator.NOT_IN, distinct(vs))));
    if (!target.isEmpty()) {
      Arbitrary<String> presentKeys = Arbitraries.of(target.keySet());
      choices.add(presentKeys.map(k -> requirement(k, Operator.EXISTS, List.of())));
      choices.add(
          Combinators.combine(presentKeys, vocabularyValues().list().ofMaxSize(2))
              .as(
                  (k, others) -> {
                    List<String> values = new ArrayList<>(others);
                    values.add(others.isEmpty() ? 0 : others.size() / 2, target.get(k));
                    return requirement(k, Operator.IN, distinct(values));
                  }));
      choices.add(
          presentKeys.flatMap(
              k ->
                  vocabularyValues()
                      .filter(v -> !v.equals(target.get(k)))
                      .list()
                      .ofMinSize(1)
                      .ofMaxSize(3)
                      .map(vs -> requirement(k, Operator.NOT_IN, distinct(vs)))));
    }
    Arbitrary<Map<String, String>> matchLabels =
        target.isEmpty()
            ? Arbitraries.just(Map.of())
            : Arbitraries.subsetOf(target.keySet())
                .ofMaxSize(3)
                .map(
                    keys -> {
                      Map<String, String> m = new LinkedHashMap<>();
                      keys.forEach(k -> m.put(k, target.get(k)));
                      return m;
                    });
    return withEdgeCase(
        Combinators.combine(matchLabels, Arbitraries.oneOf(choices).list().ofMaxSize(3))
            .as(LabelSelector::new),
        LabelSelector.EVERYTHING);
  }

  // ---------------------------------------------------------------------------------------------
  // Names and metadata

  /**
   * Returns RFC 1123 labels, as namespace names must be: 1 to 63 lower case letters, digits and
   * inner hyphens.
   *
   * @return an arbitrary of labels that {@code IsDNS1123Label} accepts
   * @since 0.1
   */
  public static Arbitrary<String> dnsLabels() {
    Arbitrary<Character> ends = Arbitraries.chars().with(LOWER_ALNUM);
    Arbitrary<String> middles =
        Arbitraries.frequencyOf(
            List.of(
                weighted(4, Arbitraries.strings().withChars(LOWER_ALNUM + "-").ofMaxLength(10)),
                weighted(1, Arbitraries.strings().withChars(LOWER_ALNUM + "-").ofMaxLength(61))));
    Arbitrary<String> longer = Combinators.combine(ends, middles, ends).as((a, m, b) -> a + m + b);
    return Arbitraries.oneOf(List.of(ends.map(String::valueOf), longer))
        .edgeCases(c -> c.add("a", "0", "default", "z".repeat(63)));
  }

  /**
   * Returns RFC 1123 subdomains, as most object names and label key prefixes must be: dot-separated
   * {@link #dnsLabels() labels}, at most 253 characters in all.
   *
   * @return an arbitrary of names that {@code IsDNS1123Subdomain} accepts
   * @since 0.1
   */
  public static Arbitrary<String> dnsSubdomains() {
    return dnsLabels()
        .list()
        .ofMinSize(1)
        .ofMaxSize(4)
        .map(parts -> String.join(".", parts))
        .filter(s -> s.length() <= 253);
  }

  /**
   * Returns object metadata with a namespace ({@link #dnsLabels() label}), a name ({@link
   * #dnsSubdomains() subdomain}) and {@link #labels() labels}; no annotations, UID, resource
   * version or creation time.
   *
   * @return an arbitrary of metadata of namespaced objects
   * @since 0.1
   */
  public static Arbitrary<ObjectMeta> objectMetas() {
    Arbitrary<String> namespaces =
        Arbitraries.frequencyOf(
            List.of(
                weighted(3, Arbitraries.of("default", "kube-system", "prod")),
                weighted(1, dnsLabels())));
    return Combinators.combine(namespaces, dnsSubdomains(), labels()).as(ObjectMeta::of);
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private static <T> Tuple2<Integer, Arbitrary<T>> weighted(int weight, Arbitrary<T> arbitrary) {
    return Tuple.of(weight, arbitrary);
  }

  /**
   * Adds {@code value} as an edge case (and a rare value) of a combined arbitrary. Not with {@code
   * edgeCases(c -> c.add(value))}: jqwik 1.9.3 then fails with an UnsupportedOperationException
   * when the arbitrary is the element of a list parameter next to another parameter.
   */
  private static <T> Arbitrary<T> withEdgeCase(Arbitrary<T> arbitrary, T value) {
    return Arbitraries.frequencyOf(
        List.of(weighted(19, arbitrary), weighted(1, Arbitraries.just(value))));
  }

  private static Arbitrary<Integer> prefixLengths(int min, int max) {
    return Arbitraries.integers().between(min, max);
  }

  private static IpAddress ofGroups(List<Integer> groups) {
    long high = 0;
    long low = 0;
    for (int g = 0; g < 4; g++) {
      high = high << 16 | groups.get(g);
      low = low << 16 | groups.get(g + 4);
    }
    return IpAddress.ofIpv6(high, low);
  }

  private static Arbitrary<BigInteger> offsetsIn(BigInteger size) {
    BigInteger max = size.subtract(BigInteger.ONE);
    return Arbitraries.bigIntegers()
        .between(BigInteger.ZERO, max)
        .edgeCases(c -> c.add(BigInteger.ZERO, max));
  }

  private static IpAddress plus(IpAddress base, BigInteger offset) {
    BigInteger value = base.toBigInteger().add(offset);
    if (base.isIpv4()) {
      return IpAddress.ofIpv4(value.intValue());
    }
    return IpAddress.ofIpv6(value.shiftRight(64).longValue(), value.longValue());
  }

  private static Arbitrary<String> qualifiedNames() {
    Arbitrary<Character> ends = Arbitraries.chars().with(ALNUM);
    Arbitrary<String> middles = Arbitraries.strings().withChars(ALNUM + "-_.").ofMaxLength(61);
    Arbitrary<String> longer = Combinators.combine(ends, middles, ends).as((a, m, b) -> a + m + b);
    return Arbitraries.oneOf(List.of(ends.map(String::valueOf), longer));
  }

  private static Arbitrary<String> vocabularyKeys() {
    return Arbitraries.frequencyOf(
        List.of(weighted(4, Arbitraries.of(COMMON_KEYS)), weighted(1, labelKeys())));
  }

  private static Arbitrary<String> vocabularyValues() {
    return Arbitraries.frequencyOf(
        List.of(weighted(4, Arbitraries.of(COMMON_VALUES)), weighted(1, labelValues())));
  }

  private static LabelSelectorRequirement requirement(String key, Operator op, List<String> vs) {
    return new LabelSelectorRequirement(key, op, vs);
  }

  private static List<String> distinct(List<String> values) {
    List<String> out = new ArrayList<>();
    for (String v : values) {
      if (!out.contains(v)) {
        out.add(v);
      }
    }
    return out;
  }
}
