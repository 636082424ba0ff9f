package dev.k8snet.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.Namespace;
import dev.k8snet.core.model.Node;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class ClusterShapeTest {

  @Test
  void settersReturnNewShapesAndLeaveTheDefaultsAlone() {
    ClusterShape shape = ClusterShape.defaults().namespaces(2, 2);
    assertNotSame(ClusterShape.defaults(), shape);
    assertTrue(ClusterShape.defaults().toString().contains("namespaces=1..3"));
    assertTrue(shape.toString().contains("namespaces=2..2"));
  }

  @Test
  void rejectsEmptyOrInvertedRangesAndUnusableBlocks() {
    ClusterShape d = ClusterShape.defaults();
    List<Executable> bad =
        List.of(
            () -> d.namespaces(0, 1),
            () -> d.nodes(0, 1),
            () -> d.podsPerNamespace(3, 2),
            () -> d.servicesPerNamespace(-1, 2),
            () -> d.policiesPerNamespace(2, 1),
            () -> d.ingressesPerNamespace(-1, 0),
            () -> d.adminPolicies(1, 0),
            () -> d.podCidr(Cidr.parse("fd00::/48"), 64),
            () -> d.podCidr(Cidr.parse("10.0.0.0/16"), 16),
            () -> d.podCidr(Cidr.parse("10.0.0.0/16"), 31),
            () -> d.serviceCidr(Cidr.parse("10.96.0.0/29")),
            () -> ClusterArbitraries.clusters(d.podCidr(Cidr.parse("10.0.0.0/24"), 26).nodes(1, 5)),
            () ->
                ClusterArbitraries.clusters(
                    d.serviceCidr(Cidr.parse("10.96.0.0/28")).servicesPerNamespace(0, 10)),
            () -> ClusterArbitraries.clusters(d.adminPolicies(0, 101)));
    for (Executable e : bad) {
      assertThrows(IllegalArgumentException.class, e);
    }
  }

  @Test
  void exactShapesGiveExactCounts() {
    ClusterShape shape =
        ClusterShape.defaults()
            .namespaces(2, 2)
            .nodes(3, 3)
            .podsPerNamespace(4, 4)
            .servicesPerNamespace(1, 1)
            .policiesPerNamespace(0, 0)
            .ingressesPerNamespace(0, 0)
            .adminPolicies(0, 0)
            .dualStack(true);
    for (ClusterState c : ClusterArbitraries.clusters(shape).sampleStream().limit(20).toList()) {
      assertEquals(2, c.all(Namespace.class).size());
      assertEquals(3, c.all(Node.class).size());
      assertEquals(8, c.pods().size());
      assertEquals(2, c.services().size());
      c.nodes().forEach(n -> assertEquals(2, n.podCidrs().size()));
    }
  }
}
