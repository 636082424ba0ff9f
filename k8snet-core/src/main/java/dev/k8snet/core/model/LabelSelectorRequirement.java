package dev.k8snet.core.model;

import static dev.k8snet.core.internal.Checks.invalid;

import dev.k8snet.core.internal.Names;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One {@code matchExpressions} entry of a {@link LabelSelector}.
 *
 * @param key the label key
 * @param operator how the label is tested
 * @param values the values for {@code In} and {@code NotIn} (non-empty); empty otherwise
 * @since 0.1
 */
public record LabelSelectorRequirement(String key, Operator operator, List<String> values) {

  /** A selector operator. */
  public enum Operator {
    /** The label is present and its value is one of {@code values}. */
    IN("In"),
    /** The label is absent, or its value is none of {@code values}. */
    NOT_IN("NotIn"),
    /** The label is present, whatever its value. */
    EXISTS("Exists"),
    /** The label is absent. */
    DOES_NOT_EXIST("DoesNotExist");

    private final String kubernetesName;

    Operator(String kubernetesName) {
      this.kubernetesName = kubernetesName;
    }

    /**
     * Returns the spelling in manifests.
     *
     * @return {@code In}, {@code NotIn}, {@code Exists} or {@code DoesNotExist}
     */
    public String kubernetesName() {
      return kubernetesName;
    }

    /**
     * Parses the spelling in manifests (case-sensitive).
     *
     * @param name the name
     * @return the operator
     * @throws IllegalArgumentException for an unknown operator
     */
    public static Operator fromKubernetesName(String name) {
      for (Operator o : values()) {
        if (o.kubernetesName.equals(name)) {
          return o;
        }
      }
      throw invalid("operator", '"' + name + '"', "one of In, NotIn, Exists, DoesNotExist");
    }
  }

  /**
   * Validates the requirement as the API server does.
   *
   * @param key the label key
   * @param operator how the label is tested
   * @param values the values for {@code In} and {@code NotIn} (non-empty); empty otherwise
   * @throws IllegalArgumentException naming {@code key}, {@code operator} or {@code values}
   */
  public LabelSelectorRequirement {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(operator, "operator");
    values = List.copyOf(values);
    List<String> keyErrors = Names.qualifiedName(key);
    if (!keyErrors.isEmpty()) {
      throw invalid("key", '"' + key + '"', String.join("; ", keyErrors));
    }
    switch (operator) {
      case IN, NOT_IN -> {
        if (values.isEmpty()) {
          throw invalid("values", values, "must be specified when `operator` is 'In' or 'NotIn'");
        }
        for (String v : values) {
          List<String> valueErrors = Names.labelValue(v);
          if (!valueErrors.isEmpty()) {
            throw invalid("values", '"' + v + '"', String.join("; ", valueErrors));
          }
        }
      }
      case EXISTS, DOES_NOT_EXIST -> {
        if (!values.isEmpty()) {
          throw invalid(
              "values",
              values,
              "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
        }
      }
    }
  }

  /**
   * Returns whether {@code labels} satisfy this requirement.
   *
   * @param labels the labels of an object
   * @return whether the requirement holds
   */
  public boolean matches(Map<String, String> labels) {
    String value = labels.get(key);
    return switch (operator) {
      case IN -> value != null && values.contains(value);
      case NOT_IN -> value == null || !values.contains(value);
      case EXISTS -> value != null;
      case DOES_NOT_EXIST -> value == null;
    };
  }

  /** Returns the requirement in kubectl's selector syntax. */
  @Override
  public String toString() {
    return switch (operator) {
      case IN -> key + " in (" + String.join(",", values) + ")";
      case NOT_IN -> key + " notin (" + String.join(",", values) + ")";
      case EXISTS -> key;
      case DOES_NOT_EXIST -> "!" + key;
    };
  }
}
