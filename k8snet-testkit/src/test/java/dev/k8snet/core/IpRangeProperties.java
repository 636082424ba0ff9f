package dev.k8snet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

class IpRangeProperties {

  @Property
  void textFormRoundTrips(@ForAll IpRange range) {
    assertEquals(range, IpRange.parse(range.toString()));
  }

  @Property
  void toCidrsCoversTheRangeExactlyInAscendingOrder(@ForAll IpRange range) {
    List<Cidr> blocks = range.toCidrs();
    assertEquals(range.first(), blocks.get(0).first());
    assertEquals(range.last(), blocks.get(blocks.size() - 1).last());
    BigInteger total = BigInteger.ZERO;
    for (int i = 0; i < blocks.size(); i++) {
      total = total.add(blocks.get(i).size());
      if (i > 0) {
        // Contiguous: no gap and no overlap.
        assertEquals(blocks.get(i - 1).last().next(), blocks.get(i).first());
      }
    }
    assertEquals(range.size(), total);
  }

  @Property
  void toCidrsIsMinimal(@ForAll IpRange range) {
    List<Cidr> blocks = range.toCidrs();
    // Greedy maximal blocks: no block could be widened to its parent within the range, so no two
    // neighbours are halves of one block, and the count is at most 2 * bits.
    for (Cidr b : blocks) {
      if (b.prefixLength() > 0) {
        Cidr parent = Cidr.containing(b.first(), b.prefixLength() - 1);
        assertFalse(
            range.contains(parent.first()) && range.contains(parent.last()),
            b + " could be " + parent);
      }
    }
    assertTrue(blocks.size() <= 2 * range.family().bitLength());
  }

  @Property
  void containsAgreesWithToCidrs(@ForAll IpRange range, @ForAll IpAddress address) {
    boolean inBlocks = range.toCidrs().stream().anyMatch(c -> c.contains(address));
    assertEquals(range.contains(address), inBlocks);
  }

  @Property
  void aRangeOfABlockIsThatBlock(@ForAll Cidr cidr) {
    assertEquals(List.of(cidr), IpRange.of(cidr).toCidrs());
    assertEquals(cidr.size(), IpRange.of(cidr).size());
  }

  @Property
  void overlapsIsSymmetric(@ForAll IpRange a, @ForAll IpRange b) {
    assertEquals(a.overlaps(b), b.overlaps(a));
    if (a.overlaps(b)) {
      IpAddress later = a.first().compareTo(b.first()) >= 0 ? a.first() : b.first();
      assertTrue(a.contains(later) && b.contains(later));
    }
  }
}
