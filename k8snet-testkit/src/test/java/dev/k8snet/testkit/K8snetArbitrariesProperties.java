package dev.k8snet.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.IpRange;
import dev.k8snet.core.MacAddress;
import dev.k8snet.core.PortRange;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.internal.Names;
import dev.k8snet.core.model.LabelSelector;
import dev.k8snet.core.model.LabelSelectorRequirement;
import dev.k8snet.core.model.ObjectMeta;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCases;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class K8snetArbitrariesProperties {

  @Property
  void forAllInjectsEveryValueType(
      @ForAll IpAddress address,
      @ForAll Cidr cidr,
      @ForAll IpRange range,
      @ForAll PortRange ports,
      @ForAll MacAddress mac,
      @ForAll Protocol protocol,
      @ForAll LabelSelector selector,
      @ForAll LabelSelectorRequirement requirement) {
    assertTrue(cidr.contains(cidr.first()));
    assertTrue(range.contains(range.first()));
    assertEquals(protocol, Protocol.parse(protocol.name()));
    assertEquals(selector, LabelSelector.parse(selector.toString()));
    assertTrue(address.family() != null && ports.size() >= 1 && mac.value() >= 0);
    assertTrue(requirement.key().length() > 0);
  }

  @Property
  void familyNarrowsAddressesBlocksAndRanges(
      @ForAll @Family(IpFamily.IPV4) IpAddress v4,
      @ForAll @Family(IpFamily.IPV6) IpAddress v6,
      @ForAll @Family(IpFamily.IPV6) Cidr cidr,
      @ForAll @Family(IpFamily.IPV4) IpRange range) {
    assertTrue(v4.isIpv4());
    assertTrue(v6.isIpv6());
    assertEquals(IpFamily.IPV6, cidr.family());
    assertEquals(IpFamily.IPV4, range.family());
  }

  @Property
  void withinNarrowsToTheBlock(
      @ForAll @Within("10.244.0.0/16") IpAddress podIp,
      @ForAll @Within("10.244.0.0/16") Cidr podBlock,
      @ForAll @Within("fd00::/64") IpRange range) {
    assertTrue(Cidr.parse("10.244.0.0/16").contains(podIp));
    assertTrue(Cidr.parse("10.244.0.0/16").contains(podBlock));
    Cidr v6 = Cidr.parse("fd00::/64");
    assertTrue(v6.contains(range.first()) && v6.contains(range.last()));
  }

  @Property
  void addressesInStayInTheBlock(@ForAll("blockAndAddress") List<Object> pair) {
    Cidr block = (Cidr) pair.get(0);
    assertTrue(block.contains((IpAddress) pair.get(1)), pair.toString());
  }

  @Provide
  Arbitrary<List<Object>> blockAndAddress() {
    return K8snetArbitraries.cidrs()
        .flatMap(c -> K8snetArbitraries.addressesIn(c).map(a -> List.of(c, a)));
  }

  @Property
  void labelKeysAndValuesAreValid(@ForAll("keys") String key, @ForAll("values") String value) {
    assertEquals(List.of(), Names.qualifiedName(key), key);
    assertEquals(List.of(), Names.labelValue(value), value);
  }

  @Property
  void namesAndMetadataAreValid(@ForAll ObjectMeta meta) {
    assertEquals(List.of(), Names.dns1123Label(meta.namespace()), meta.namespace());
    assertEquals(List.of(), Names.dns1123Subdomain(meta.name()), meta.name());
    meta.labels().forEach((k, v) -> assertEquals(List.of(), Names.qualifiedName(k), k));
    meta.labels().forEach((k, v) -> assertEquals(List.of(), Names.labelValue(v), v));
  }

  @Provide
  Arbitrary<String> keys() {
    return K8snetArbitraries.labelKeys();
  }

  @Provide
  Arbitrary<String> values() {
    return K8snetArbitraries.labelValues();
  }

  @Example
  void edgeCasesIncludeTheBoundaries() {
    assertTrue(
        edgeCases(K8snetArbitraries.cidrs(IpFamily.IPV4))
            .containsAll(Set.of("0.0.0.0/0", "255.255.255.255/32")));
    assertTrue(edgeCases(K8snetArbitraries.ipv6Addresses()).containsAll(Set.of("::", "::1")));
    assertTrue(edgeCases(K8snetArbitraries.labelValues()).contains(""));
    assertTrue(
        edgeCases(K8snetArbitraries.addressesIn(Cidr.parse("10.0.0.0/8")))
            .containsAll(Set.of("10.0.0.0", "10.255.255.255")));
  }

  @Example
  void generatedIpv6AddressesCoverTheCanonicalFormsCases() {
    Set<String> shapes =
        K8snetArbitraries.ipv6Addresses()
            .sampleStream()
            .limit(3000)
            .map(IpAddress::toString)
            .map(K8snetArbitrariesProperties::shape)
            .collect(Collectors.toSet());
    assertTrue(
        shapes.containsAll(Set.of("compressed", "uncompressed", "mapped", "lone zero group")),
        shapes.toString());
  }

  @Example
  void generatedLabelsAndSelectorsOftenMeet() {
    List<Map<String, String>> labelSets =
        Samples.of(K8snetArbitraries.labels(), 5).limit(10).toList();
    long matching =
        Samples.of(K8snetArbitraries.labelSelectors().filter(s -> !s.isEmpty()), 4)
            .limit(600)
            .filter(s -> labelSets.stream().anyMatch(s::matches))
            .count();
    // about 9 in 100 match any of ten label sets; seeded, so the bound never flakes
    assertTrue(matching > 25, "only " + matching + " of 600 selectors matched any label set");
  }

  private static String shape(String v6) {
    if (v6.startsWith("::ffff:") && v6.contains(".")) {
      return "mapped";
    }
    if (v6.contains("::")) {
      return "compressed";
    }
    return v6.matches("(^|.*:)0(:.*|$)") ? "lone zero group" : "uncompressed";
  }

  private static <T> Set<String> edgeCases(Arbitrary<T> arbitrary) {
    EdgeCases<T> edgeCases = arbitrary.edgeCases();
    Set<String> out = new java.util.HashSet<>();
    edgeCases.forEach(shrinkable -> out.add(String.valueOf(shrinkable.value())));
    return out;
  }

  @Example
  void selectorsMatchingAGivenLabelSetMatchIt() {
    Map<String, String> labels = Map.of("app", "web", "app.kubernetes.io/name", "");
    K8snetArbitraries.labelSelectorsMatching(labels)
        .sampleStream()
        .limit(500)
        .forEach(s -> assertTrue(s.matches(labels), s.toString()));
  }
}
