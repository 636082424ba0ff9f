package dev.k8snet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.testkit.K8snetArbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class PortRangeProperties {

  @Property
  void textFormRoundTrips(@ForAll PortRange range) {
    assertEquals(range, PortRange.parse(range.toString()));
  }

  @Property
  void sizeCountsThePorts(@ForAll PortRange range) {
    assertEquals(range.last() - range.first() + 1, range.size());
    assertTrue(range.contains(range.first()) && range.contains(range.last()));
    assertEquals(range.isSinglePort(), range.size() == 1);
  }

  @Property
  void overlapsIsSymmetricAndMeansASharedPort(@ForAll PortRange a, @ForAll PortRange b) {
    assertEquals(a.overlaps(b), b.overlaps(a));
    int shared = Math.max(a.first(), b.first());
    assertEquals(a.overlaps(b), a.contains(shared) && b.contains(shared));
  }

  @Property
  void protocolNamesRoundTrip(@ForAll Protocol protocol) {
    assertEquals(protocol, Protocol.parse(protocol.name()));
    assertEquals(protocol, Protocol.fromNumber(protocol.number()).orElseThrow());
  }

  @Property
  void portsAreValid(@ForAll("ports") int port) {
    assertEquals(port, PortRange.of(port).first());
  }

  @Provide
  Arbitrary<Integer> ports() {
    return K8snetArbitraries.ports();
  }
}
