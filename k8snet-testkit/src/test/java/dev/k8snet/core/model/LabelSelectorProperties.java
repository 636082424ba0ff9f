package dev.k8snet.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.model.LabelSelectorRequirement.Operator;
import dev.k8snet.testkit.K8snetArbitraries;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class LabelSelectorProperties {

  @Property
  void textFormRoundTrips(@ForAll LabelSelector selector) {
    assertEquals(selector, LabelSelector.parse(selector.toString()), selector.toString());
  }

  @Property
  void matchesAgreesWithTheSpecification(
      @ForAll LabelSelector selector, @ForAll("labels") Map<String, String> labels) {
    assertEquals(specMatches(selector, labels), selector.matches(labels));
  }

  @Property
  void emptySelectorMatchesEverything(@ForAll("labels") Map<String, String> labels) {
    assertTrue(LabelSelector.EVERYTHING.matches(labels));
    assertTrue(LabelSelector.parse("").matches(labels));
  }

  @Property
  void matchLabelsIsInWithOneValue(
      @ForAll("keys") String key,
      @ForAll("values") String value,
      @ForAll("labels") Map<String, String> labels) {
    LabelSelector byLabel = LabelSelector.of(Map.of(key, value));
    LabelSelector byExpression =
        new LabelSelector(
            Map.of(), List.of(new LabelSelectorRequirement(key, Operator.IN, List.of(value))));
    assertEquals(byLabel.matches(labels), byExpression.matches(labels));
    Map<String, String> withIt = new HashMap<>(labels);
    withIt.put(key, value);
    assertTrue(byLabel.matches(withIt));
    assertTrue(byExpression.matches(withIt));
  }

  @Property
  void notInMatchesAnAbsentKey(
      @ForAll LabelSelectorRequirement requirement, @ForAll("labels") Map<String, String> labels) {
    Map<String, String> without = new HashMap<>(labels);
    without.remove(requirement.key());
    boolean absentMatches =
        requirement.operator() == Operator.NOT_IN
            || requirement.operator() == Operator.DOES_NOT_EXIST;
    assertEquals(absentMatches, requirement.matches(without));
  }

  @Property
  void requirementsAreAConjunction(
      @ForAll LabelSelector selector, @ForAll("labels") Map<String, String> labels) {
    boolean all =
        selector.matchExpressions().stream().allMatch(r -> r.matches(labels))
            && LabelSelector.of(selector.matchLabels()).matches(labels);
    assertEquals(all, selector.matches(labels));
  }

  @Property(tries = 250) // a new arbitrary per label set: slower than the others
  void generatedMatchingSelectorsMatch(@ForAll("matchingPairs") Pair pair) {
    assertTrue(pair.selector().matches(pair.labels()), pair.toString());
    assertTrue(specMatches(pair.selector(), pair.labels()), pair.toString());
  }

  /** A label set and a selector generated to match it. */
  record Pair(Map<String, String> labels, LabelSelector selector) {}

  @Provide
  Arbitrary<Pair> matchingPairs() {
    return K8snetArbitraries.labels()
        .flatMap(l -> K8snetArbitraries.labelSelectorsMatching(l).map(s -> new Pair(l, s)));
  }

  @Provide
  Arbitrary<Map<String, String>> labels() {
    return K8snetArbitraries.labels();
  }

  @Provide
  Arbitrary<String> keys() {
    return K8snetArbitraries.labelKeys();
  }

  @Provide
  Arbitrary<String> values() {
    return K8snetArbitraries.labelValues();
  }

  /**
   * The selector semantics of the Kubernetes API reference, written independently: matchLabels are
   * In requirements with one value, and every requirement must hold.
   */
  private static boolean specMatches(LabelSelector selector, Map<String, String> labels) {
    List<LabelSelectorRequirement> all = new ArrayList<>();
    selector
        .matchLabels()
        .forEach((k, v) -> all.add(new LabelSelectorRequirement(k, Operator.IN, List.of(v))));
    all.addAll(selector.matchExpressions());
    for (LabelSelectorRequirement r : all) {
      boolean present = labels.containsKey(r.key());
      boolean listed = present && r.values().contains(labels.get(r.key()));
      boolean holds =
          switch (r.operator()) {
            case IN -> listed;
            case NOT_IN -> !listed;
            case EXISTS -> present;
            case DOES_NOT_EXIST -> !present;
          };
      if (!holds) {
        return false;
      }
    }
    return true;
  }
}
