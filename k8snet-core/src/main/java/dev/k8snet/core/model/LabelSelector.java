package dev.k8snet.core.model;

import static dev.k8snet.core.internal.Checks.invalid;

import dev.k8snet.core.internal.Names;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes label selector ({@code metav1.LabelSelector}): {@code matchLabels} and {@code
 * matchExpressions}, all of which must hold. An empty selector matches every label set.
 *
 * <pre>{@code
 * LabelSelector s = LabelSelector.parse("app=web,tier in (front,edge),!canary");
 * s.matches(Map.of("app", "web", "tier", "edge"));   // true
 * }</pre>
 *
 * <p>The text form is kubectl's ({@code a=b}, {@code a!=b}, {@code a in (x,y)}, {@code a notin
 * (x)}, {@code a}, {@code !a}); {@code parse(s.toString()).equals(s)} holds. {@code matchLabels}
 * render first, sorted by key, then the expressions in order.
 *
 * @param matchLabels labels that must be present with these values; sorted by key
 * @param matchExpressions requirements that must all hold
 * @since 0.1
 */
public record LabelSelector(
    Map<String, String> matchLabels, List<LabelSelectorRequirement> matchExpressions) {

  /** {@code key in …} or {@code key notin …}; as in kubectl, the set may follow without a space. */
  private static final Pattern SET_TERM =
      Pattern.compile("(\\S+)\\s+(in|notin)((?:\\s|\\().*)", Pattern.DOTALL);

  /** The empty selector, which matches every label set. */
  public static final LabelSelector EVERYTHING = new LabelSelector(Map.of(), List.of());

  /**
   * Validates the selector as the API server does.
   *
   * @param matchLabels labels that must be present with these values; sorted by key
   * @param matchExpressions requirements that must all hold
   * @throws IllegalArgumentException naming the field ({@code matchLabels}, {@code
   *     matchExpressions[i]…}) and the value
   */
  public LabelSelector {
    Objects.requireNonNull(matchLabels, "matchLabels");
    Objects.requireNonNull(matchExpressions, "matchExpressions");
    matchLabels.forEach(
        (k, v) -> {
          List<String> keyErrors = Names.qualifiedName(k);
          if (!keyErrors.isEmpty()) {
            throw invalid("matchLabels", '"' + k + '"', String.join("; ", keyErrors));
          }
          List<String> valueErrors = Names.labelValue(v);
          if (!valueErrors.isEmpty()) {
            throw invalid("matchLabels." + k, '"' + v + '"', String.join("; ", valueErrors));
          }
        });
    matchLabels = java.util.Collections.unmodifiableMap(new TreeMap<>(matchLabels));
    matchExpressions = List.copyOf(matchExpressions);
  }

  /**
   * Returns a selector of {@code matchLabels} only.
   *
   * @param matchLabels the labels
   * @return the selector
   */
  public static LabelSelector of(Map<String, String> matchLabels) {
    return new LabelSelector(matchLabels, List.of());
  }

  /**
   * Returns whether every label set matches: no labels and no expressions.
   *
   * @return whether the selector is empty
   */
  public boolean isEmpty() {
    return matchLabels.isEmpty() && matchExpressions.isEmpty();
  }

  /**
   * Returns whether {@code labels} satisfy every {@code matchLabels} entry and every expression.
   *
   * @param labels the labels of an object
   * @return whether the selector selects it
   */
  public boolean matches(Map<String, String> labels) {
    for (Map.Entry<String, String> e : matchLabels.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    for (LabelSelectorRequirement r : matchExpressions) {
      if (!r.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Parses kubectl's selector syntax. Each comma-separated term is {@code key=value} (or {@code
   * ==}, into {@code matchLabels}), {@code key!=value}, {@code key in (v,…)}, {@code key notin
   * (v,…)}, {@code key} or {@code !key}. An empty string is the empty selector. As in kubectl, the
   * value set may follow {@code in} without a space, and {@code ()} is the set of the empty value.
   *
   * @param text the selector text
   * @return the selector
   * @throws IllegalArgumentException naming the term that is not valid
   */
  public static LabelSelector parse(String text) {
    Objects.requireNonNull(text, "text");
    Map<String, String> labels = new LinkedHashMap<>();
    List<LabelSelectorRequirement> expressions = new ArrayList<>();
    for (String term : splitTerms(text)) {
      String t = term.strip();
      if (t.isEmpty()) {
        if (text.isBlank()) {
          continue;
        }
        throw invalid("selector", '"' + text + '"', "no empty terms between commas");
      }
      Matcher set = SET_TERM.matcher(t);
      if (set.matches()) {
        expressions.add(
            new LabelSelectorRequirement(
                set.group(1),
                set.group(2).equals("in")
                    ? LabelSelectorRequirement.Operator.IN
                    : LabelSelectorRequirement.Operator.NOT_IN,
                setValues(text, set.group(3))));
      } else if (t.contains("!=")) {
        int i = t.indexOf("!=");
        expressions.add(
            new LabelSelectorRequirement(
                t.substring(0, i).strip(),
                LabelSelectorRequirement.Operator.NOT_IN,
                List.of(t.substring(i + 2).strip())));
      } else if (t.contains("=")) {
        int i = t.indexOf('=');
        int valueStart = t.startsWith("==", i) ? i + 2 : i + 1;
        String key = t.substring(0, i).strip();
        if (labels.put(key, t.substring(valueStart).strip()) != null) {
          throw invalid("selector", '"' + text + '"', "each key at most once in key=value terms");
        }
      } else if (t.startsWith("!")) {
        expressions.add(
            new LabelSelectorRequirement(
                t.substring(1).strip(),
                LabelSelectorRequirement.Operator.DOES_NOT_EXIST,
                List.of()));
      } else {
        expressions.add(
            new LabelSelectorRequirement(t, LabelSelectorRequirement.Operator.EXISTS, List.of()));
      }
    }
    return new LabelSelector(labels, expressions);
  }

  private static List<String> splitTerms(String text) {
    List<String> terms = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        terms.add(text.substring(start, i));
        start = i + 1;
      }
    }
    terms.add(text.substring(start));
    return terms;
  }

  private static List<String> setValues(String text, String set) {
    String s = set.strip();
    if (!s.startsWith("(") || !s.endsWith(")")) {
      throw invalid("selector", '"' + text + '"', "a value set in parentheses, e.g. in (a,b)");
    }
    String inner = s.substring(1, s.length() - 1).strip();
    // As kubectl's parser: "()" is the set of the empty value, so In [""] round-trips.
    List<String> values = new ArrayList<>();
    for (String v : inner.split(",", -1)) {
      values.add(v.strip());
    }
    return values;
  }

  /** Returns the selector in kubectl's syntax, the form {@link #parse} reads. */
  @Override
  public String toString() {
    List<String> terms = new ArrayList<>();
    matchLabels.forEach((k, v) -> terms.add(k + "=" + v));
    for (LabelSelectorRequirement r : matchExpressions) {
      terms.add(r.toString());
    }
    return String.join(",", terms);
  }
}
