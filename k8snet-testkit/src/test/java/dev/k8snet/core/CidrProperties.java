package dev.k8snet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.testkit.Family;
import dev.k8snet.testkit.K8snetArbitraries;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class CidrProperties {

  @Property
  void textFormRoundTrips(@ForAll Cidr cidr) {
    assertEquals(cidr, Cidr.parse(cidr.toString()));
    assertEquals(cidr, Cidr.parseLegacy(cidr.toString()));
  }

  @Property
  void containingContainsTheAddress(@ForAll IpAddress address, @ForAll @IntRange(max = 128) int p) {
    int prefix = Math.min(p, address.family().bitLength());
    Cidr block = Cidr.containing(address, prefix);
    assertTrue(block.contains(address));
    assertEquals(prefix, block.prefixLength());
    assertTrue(block.first().compareTo(address) <= 0 && address.compareTo(block.last()) <= 0);
  }

  @Property
  void firstLastAndSizeAgree(@ForAll Cidr cidr) {
    assertEquals(
        cidr.size(),
        cidr.last().toBigInteger().subtract(cidr.first().toBigInteger()).add(BigInteger.ONE));
    assertTrue(cidr.contains(cidr.first()));
    assertTrue(cidr.contains(cidr.last()));
    assertEquals(cidr, Cidr.containing(cidr.last(), cidr.prefixLength()));
  }

  @Property
  void netmaskHasPrefixLengthLeadingOnes(@ForAll Cidr cidr) {
    BigInteger mask = cidr.netmask().toBigInteger();
    int bits = cidr.family().bitLength();
    assertEquals(bits - cidr.prefixLength(), mask.signum() == 0 ? bits : mask.getLowestSetBit());
    assertEquals(
        BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE).xor(mask),
        cidr.size().subtract(BigInteger.ONE));
  }

  @Property
  void containsIsReflexive(@ForAll Cidr cidr) {
    assertTrue(cidr.contains(cidr));
    assertTrue(cidr.overlaps(cidr));
  }

  @Property
  void containsIsTransitive(@ForAll("nestedTriples") List<Cidr> abc) {
    Cidr a = abc.get(0);
    Cidr b = abc.get(1);
    Cidr c = abc.get(2);
    assertTrue(a.contains(b) && b.contains(c));
    assertTrue(a.contains(c));
  }

  @Property
  void containsAgreesWithTheAddresses(@ForAll("relatedPairs") List<Cidr> pair) {
    Cidr a = pair.get(0);
    Cidr b = pair.get(1);
    boolean byAddresses =
        a.family() == b.family()
            && a.first().compareTo(b.first()) <= 0
            && b.last().compareTo(a.last()) <= 0;
    assertEquals(byAddresses, a.contains(b));
    if (a.contains(b) && b.contains(a)) {
      assertEquals(a, b);
    }
  }

  @Property
  void overlapsIsSymmetricAndMeansASharedAddress(@ForAll("relatedPairs") List<Cidr> pair) {
    Cidr a = pair.get(0);
    Cidr b = pair.get(1);
    assertEquals(a.overlaps(b), b.overlaps(a));
    boolean shared =
        a.family() == b.family()
            && a.first().compareTo(b.last()) <= 0
            && b.first().compareTo(a.last()) <= 0;
    assertEquals(shared, a.overlaps(b));
  }

  @Property
  void halvesPartitionTheBlock(@ForAll Cidr cidr) {
    if (cidr.prefixLength() == cidr.family().bitLength()) {
      return;
    }
    List<Cidr> halves = cidr.halves();
    assertEquals(cidr.first(), halves.get(0).first());
    assertEquals(cidr.last(), halves.get(1).last());
    assertEquals(halves.get(0).last().next(), halves.get(1).first());
    assertTrue(cidr.contains(halves.get(0)) && cidr.contains(halves.get(1)));
  }

  @Property(tries = 300)
  void exceptRemovesExactlyTheExcludedAddresses(@ForAll("exclusions") Exclusion x) {
    List<Cidr> remaining = x.block().except(x.excluded());
    // Ascending, disjoint, inside the block, and not mergeable (minimal).
    for (int i = 0; i < remaining.size(); i++) {
      Cidr r = remaining.get(i);
      assertTrue(x.block().contains(r), r + " outside " + x.block());
      for (Cidr e : x.excluded()) {
        assertFalse(r.overlaps(e), r + " overlaps excluded " + e);
      }
      if (i > 0) {
        Cidr previous = remaining.get(i - 1);
        assertTrue(previous.last().compareTo(r.first()) < 0, previous + " before " + r);
        boolean siblings =
            previous.prefixLength() == r.prefixLength()
                && previous.prefixLength() > 0
                && Cidr.containing(previous.first(), r.prefixLength() - 1)
                    .equals(Cidr.containing(r.first(), r.prefixLength() - 1));
        assertFalse(siblings, previous + " and " + r + " should have been merged");
      }
    }
    // Every sampled address is remaining exactly when no excluded block holds it.
    for (IpAddress a : x.samples()) {
      boolean excluded = x.excluded().stream().anyMatch(e -> e.contains(a));
      boolean kept = remaining.stream().anyMatch(r -> r.contains(a));
      assertEquals(!excluded, kept, a + " in " + remaining);
    }
  }

  @Property
  void exceptIgnoresTheOtherFamilyAndEmptyLists(@ForAll @Family(IpFamily.IPV4) Cidr v4) {
    assertEquals(List.of(v4), v4.except(List.of()));
    assertEquals(List.of(v4), v4.except(List.of(Cidr.parse("::/0"))));
    assertEquals(List.of(), v4.except(List.of(Cidr.parse("0.0.0.0/0"))));
  }

  @Property(tries = 200)
  void addressesStreamsTheBlockInOrder(@ForAll("smallBlocks") Cidr cidr) {
    List<IpAddress> all = cidr.addresses().toList();
    assertEquals(cidr.size().intValueExact(), all.size());
    assertEquals(cidr.first(), all.get(0));
    assertEquals(cidr.last(), all.get(all.size() - 1));
    for (int i = 1; i < all.size(); i++) {
      assertEquals(all.get(i - 1).next(), all.get(i));
    }
  }

  @Property
  void orderPutsABlockBeforeTheBlocksItContains(@ForAll("nestedTriples") List<Cidr> abc) {
    if (!abc.get(0).equals(abc.get(1))) {
      assertTrue(abc.get(0).compareTo(abc.get(1)) < 0);
    }
  }

  /** A block, blocks to exclude from it (some overlapping, some outside), and addresses to test. */
  record Exclusion(Cidr block, List<Cidr> excluded, List<IpAddress> samples) {}

  @Provide
  Arbitrary<Exclusion> exclusions() {
    return K8snetArbitraries.cidrs()
        .filter(c -> c.prefixLength() < c.family().bitLength())
        .flatMap(
            block -> {
              Cidr parent = Cidr.containing(block.first(), Math.max(0, block.prefixLength() - 2));
              Arbitrary<List<Cidr>> excluded =
                  Arbitraries.frequencyOf(
                          List.of(
                              net.jqwik.api.Tuple.of(4, K8snetArbitraries.cidrsWithin(block)),
                              net.jqwik.api.Tuple.of(1, K8snetArbitraries.cidrsWithin(parent))))
                      .list()
                      .ofMaxSize(5);
              return Combinators.combine(excluded, Arbitraries.longs())
                  .as((ex, seed) -> new Exclusion(block, ex, samples(block, ex, seed)));
            });
  }

  /** Random addresses of the block, plus the boundaries of every excluded block. */
  private static List<IpAddress> samples(Cidr block, List<Cidr> excluded, long seed) {
    Random random = new Random(seed);
    List<IpAddress> out = new ArrayList<>();
    out.add(block.first());
    out.add(block.last());
    for (Cidr e : excluded) {
      for (IpAddress a : List.of(e.first(), e.last())) {
        out.add(a);
        if (!a.isUnspecified() && block.contains(a.previous())) {
          out.add(a.previous());
        }
        if (!a.equals(Cidr.containing(a, 0).last()) && block.contains(a.next())) {
          out.add(a.next());
        }
      }
    }
    int bits = block.family().bitLength() - block.prefixLength();
    for (int i = 0; i < 64; i++) {
      BigInteger offset = new BigInteger(bits, random);
      BigInteger value = block.first().toBigInteger().add(offset);
      out.add(
          block.address().isIpv4()
              ? IpAddress.ofIpv4(value.intValue())
              : IpAddress.ofIpv6(value.shiftRight(64).longValue(), value.longValue()));
    }
    return out;
  }

  @Provide
  Arbitrary<List<Cidr>> nestedTriples() {
    return K8snetArbitraries.cidrs()
        .flatMap(
            a ->
                K8snetArbitraries.cidrsWithin(a)
                    .flatMap(b -> K8snetArbitraries.cidrsWithin(b).map(c -> List.of(a, b, c))));
  }

  /** Pairs that are often nested, often siblings, sometimes unrelated or of different families. */
  @Provide
  Arbitrary<List<Cidr>> relatedPairs() {
    Arbitrary<List<Cidr>> nested =
        K8snetArbitraries.cidrs()
            .flatMap(a -> K8snetArbitraries.cidrsWithin(a).map(b -> List.of(a, b)));
    Arbitrary<List<Cidr>> reversed = nested.map(l -> List.of(l.get(1), l.get(0)));
    Arbitrary<List<Cidr>> cousins =
        K8snetArbitraries.cidrs()
            .flatMap(
                a -> {
                  Cidr parent = Cidr.containing(a.first(), Math.max(0, a.prefixLength() - 3));
                  return K8snetArbitraries.cidrsWithin(parent).map(b -> List.of(a, b));
                });
    Arbitrary<List<Cidr>> any =
        Combinators.combine(K8snetArbitraries.cidrs(), K8snetArbitraries.cidrs()).as(List::of);
    return Arbitraries.oneOf(List.of(nested, reversed, cousins, any));
  }

  @Provide
  Arbitrary<Cidr> smallBlocks() {
    return Arbitraries.oneOf(
        List.of(
            Combinators.combine(
                    K8snetArbitraries.ipv4Addresses(), Arbitraries.integers().between(24, 32))
                .as(Cidr::containing),
            Combinators.combine(
                    K8snetArbitraries.ipv6Addresses(), Arbitraries.integers().between(120, 128))
                .as(Cidr::containing)));
  }
}
