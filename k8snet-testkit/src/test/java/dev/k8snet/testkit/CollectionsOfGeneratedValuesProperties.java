package dev.k8snet.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpRange;
import dev.k8snet.core.PortRange;
import dev.k8snet.core.model.LabelSelector;
import dev.k8snet.core.model.LabelSelectorRequirement;
import dev.k8snet.core.model.ObjectMeta;
import dev.k8snet.core.model.Service;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The registered types work as elements of collections in a property: jqwik then asks the element
 * arbitraries for their edge cases in a way a lone {@code @ForAll} does not.
 */
class CollectionsOfGeneratedValuesProperties {

  @Property(tries = 10)
  void valuesInLists(
      @ForAll List<IpAddress> ips,
      @ForAll List<Cidr> cidrs,
      @ForAll List<IpRange> ranges,
      @ForAll List<PortRange> ports) {
    assertTrue(ips.size() + cidrs.size() + ranges.size() + ports.size() < 1000);
  }

  @Property(tries = 10)
  void selectorsAndMetadataInCollections(
      @ForAll List<LabelSelector> selectors,
      @ForAll Set<LabelSelectorRequirement> requirements,
      @ForAll List<ObjectMeta> metas) {
    assertTrue(selectors.size() + requirements.size() + metas.size() < 1000);
  }

  @Property(tries = 10)
  void matchingSelectorsInLists(@ForAll("matching") List<LabelSelector> selectors) {
    selectors.forEach(s -> assertTrue(s.matches(Map.of("app", "web"))));
  }

  @Provide
  Arbitrary<List<LabelSelector>> matching() {
    return K8snetArbitraries.labelSelectorsMatching(Map.of("app", "web")).list().ofMaxSize(3);
  }

  @Property(tries = 100)
  void selectorListsBesideAnotherParameter(
      @ForAll IpAddress ip, @ForAll("selectors") List<LabelSelector> selectors) {
    assertTrue(selectors.size() < 1000);
  }

  @Provide
  Arbitrary<List<LabelSelector>> selectors() {
    return K8snetArbitraries.labelSelectors().list().ofMaxSize(4);
  }

  @Property(tries = 10)
  void modelObjectsInLists(@ForAll List<Service> services) {
    assertTrue(services.size() < 1000);
  }
}
