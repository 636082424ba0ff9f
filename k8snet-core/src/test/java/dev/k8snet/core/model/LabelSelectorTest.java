package dev.k8snet.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.model.LabelSelectorRequirement.Operator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LabelSelectorTest {

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "'' | ''",
        "app=web | app=web",
        "app==web | app=web",
        " app = web , tier=front | app=web,tier=front",
        "tier=front,app=web | app=web,tier=front",
        "app= | app=",
        "app!=web | app notin (web)",
        "tier in (front,edge) | tier in (front,edge)",
        "tier in ( front , edge ) | tier in (front,edge)",
        "tier notin (a) | tier notin (a)",
        "tier in(a) | tier in (a)",
        "tier notin(a,b) | tier notin (a,b)",
        "tier  in  ( a ) | tier in (a)",
        "in in (in) | in in (in)",
        "notin | notin",
        "in=notin | in=notin",
        "tier in () | tier in ()",
        "tier in (,a) | tier in (,a)",
        "canary | canary",
        "!canary | !canary",
        "example.com/team in (a) | example.com/team in (a)",
        "app=web,tier in (front,edge),!canary | app=web,tier in (front,edge),!canary",
      })
  void parsesKubectlSyntaxToTheCanonicalForm(String text, String canonical) {
    LabelSelector s = LabelSelector.parse(text);
    assertEquals(canonical, s.toString());
    assertEquals(s, LabelSelector.parse(canonical));
  }

  @Test
  void readsAnEmptyValueSetAsTheEmptyValue() {
    LabelSelector s = LabelSelector.parse("tier in ()");
    assertEquals(
        List.of(new LabelSelectorRequirement("tier", Operator.IN, List.of(""))),
        s.matchExpressions());
    assertTrue(s.matches(Map.of("tier", "")));
    assertFalse(s.matches(Map.of("tier", "x")));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "app=web,app=db | each key at most once in key=value terms",
        "app=web,,tier=a | no empty terms between commas",
        "app=web, | no empty terms between commas",
        "tier in front | a value set in parentheses, e.g. in (a,b)",
        "tier in (a | a value set in parentheses, e.g. in (a,b)",
        "tier notin a) | a value set in parentheses, e.g. in (a,b)",
      })
  void rejectsMalformedSelectors(String text, String expected) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse(text));
    assertEquals("selector: \"" + text + "\" (expected: " + expected + ")", e.getMessage());
  }

  @Test
  void rejectsInvalidKeysAndValuesWithTheApiServersMessages() {
    IllegalArgumentException key =
        assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse("-app=web"));
    assertTrue(
        key.getMessage().startsWith("matchLabels: \"-app\" (expected: name part must consist of"),
        key.getMessage());
    IllegalArgumentException value =
        assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse("app=-web"));
    assertTrue(
        value.getMessage().startsWith("matchLabels.app: \"-web\" (expected: a valid label must"),
        value.getMessage());
    IllegalArgumentException inValue =
        assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse("app in (a b)"));
    assertTrue(inValue.getMessage().startsWith("values: \"a b\""), inValue.getMessage());
  }

  @Test
  void requiresValuesExactlyForInAndNotIn() {
    IllegalArgumentException in =
        assertThrows(
            IllegalArgumentException.class,
            () -> new LabelSelectorRequirement("app", Operator.IN, List.of()));
    assertEquals(
        "values: [] (expected: must be specified when `operator` is 'In' or 'NotIn')",
        in.getMessage());
    IllegalArgumentException exists =
        assertThrows(
            IllegalArgumentException.class,
            () -> new LabelSelectorRequirement("app", Operator.EXISTS, List.of("x")));
    assertEquals(
        "values: [x] (expected: may not be specified when `operator` is 'Exists' or"
            + " 'DoesNotExist')",
        exists.getMessage());
  }

  @ParameterizedTest(name = "[{index}] {0} on {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "'' | '' | true",
        "app=web | app=web | true",
        "app=web | app=db | false",
        "app=web | '' | false",
        "app= | app= | true",
        "app= | '' | false",
        "app!=web | '' | true",
        "app!=web | app=db | true",
        "app!=web | app=web | false",
        "app notin (a,b) | tier=x | true",
        "app in (a,b) | app=b | true",
        "app in (a,b) | tier=a | false",
        "app | app= | true",
        "app | tier=x | false",
        "!app | tier=x | true",
        "!app | app= | false",
      })
  void matchesAsTheApiServerDoes(String selector, String labels, boolean matches) {
    Map<String, String> set =
        labels.isEmpty()
            ? Map.of()
            : Map.of(
                labels.substring(0, labels.indexOf('=')),
                labels.substring(labels.indexOf('=') + 1));
    assertEquals(matches, LabelSelector.parse(selector).matches(set));
  }

  @Test
  void parsesOperatorNamesCaseSensitively() {
    assertEquals(Operator.NOT_IN, Operator.fromKubernetesName("NotIn"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Operator.fromKubernetesName("notin"));
    assertEquals(
        "operator: \"notin\" (expected: one of In, NotIn, Exists, DoesNotExist)", e.getMessage());
  }
}
