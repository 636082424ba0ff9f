package dev.k8snet.core.internal.manifest;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.internal.Names;
import dev.k8snet.core.model.LabelSelector;
import dev.k8snet.core.model.LabelSelectorRequirement;
import dev.k8snet.core.model.ObjectMeta;
import dev.k8snet.core.model.PortRef;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** Shared decoding and API-server validation of common fields. */
final class Decode {
  static final String IP_DETAIL = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";
  static final String CIDR_DETAIL =
      "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";
  static final String PORT_DETAIL = "must be between 1 and 65535, inclusive";
  static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");

  /** How an object's name is validated. */
  @SuppressWarnings("ImmutableEnumChecker") // the functions are stateless method references
  enum NameRule {
    SUBDOMAIN(Names::dns1123Subdomain),
    LABEL(Names::dns1123Label),
    DNS1035(Names::dns1035Label);

    final Function<String, List<String>> check;

    NameRule(Function<String, List<String>> check) {
      this.check = check;
    }
  }

  private Decode() {}

  /**
   * Decodes and validates {@code metadata}; a namespaced object without namespace gets {@code
   * default}, a cluster-scoped one loses its namespace as in the API server.
   */
  static ObjectMeta meta(Field root, boolean namespaced, NameRule rule) {
    Field m = root.get("metadata");
    if (!m.present()) {
      throw m.required("");
    }
    Field nameField = m.get("name");
    Field generateName = m.get("generateName");
    if (!nameField.nonEmptyString().isPresent() && generateName.nonEmptyString().isPresent()) {
      throw generateName.invalid(
          "k8snet reads objects as created, so they need a name; generateName is not supported");
    }
    String name =
        nameField
            .nonEmptyString()
            .orElseThrow(() -> nameField.required("name or generateName is required"));
    checkName(nameField, name, rule);
    String namespace = "";
    if (namespaced) {
      Field nsField = m.get("namespace");
      namespace = nsField.nonEmptyString().orElse("default");
      checkName(nsField, namespace, NameRule.LABEL);
    }
    Map<String, String> labels = labels(m.get("labels"));
    Field annotations = m.get("annotations");
    Map<String, String> ann = annotations.stringMap();
    for (Map.Entry<String, Field> e : annotations.entries().entrySet()) {
      List<String> errors = Names.qualifiedName(e.getKey());
      if (!errors.isEmpty()) {
        throw e.getValue()
            .withPath(annotations.path)
            .invalid(e.getKey(), '"' + e.getKey() + '"', String.join("; ", errors));
      }
    }
    String uid = m.get("uid").string().orElse("");
    String rv = m.get("resourceVersion").string().orElse("");
    Optional<Instant> created = timestamp(m.get("creationTimestamp"));
    return new ObjectMeta(namespace, name, labels, ann, uid, rv, created);
  }

  static void checkName(Field f, String name, NameRule rule) {
    List<String> errors = rule.check.apply(name);
    if (!errors.isEmpty()) {
      throw f.invalid(name, '"' + name + '"', String.join("; ", errors));
    }
  }

  static Optional<Instant> timestamp(Field f) {
    Optional<String> s = f.nonEmptyString();
    if (s.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(OffsetDateTime.parse(s.get()).toInstant());
    } catch (DateTimeParseException e) {
      throw f.invalid("must be an RFC 3339 timestamp, e.g. 2024-01-02T15:04:05Z");
    }
  }

  /** A map of labels, validated as the API server's {@code ValidateLabels}. */
  static Map<String, String> labels(Field f) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, Field> e : f.entries().entrySet()) {
      String key = e.getKey();
      Field v = e.getValue();
      List<String> keyErrors = Names.qualifiedName(key);
      if (!keyErrors.isEmpty()) {
        throw v.withPath(f.path).invalid(key, '"' + key + '"', String.join("; ", keyErrors));
      }
      String value = v.present() ? v.string().orElse("") : "";
      List<String> valueErrors = Names.labelValue(value);
      if (!valueErrors.isEmpty()) {
        throw v.withPath(f.path).invalid(value, '"' + value + '"', String.join("; ", valueErrors));
      }
      out.put(key, value);
    }
    return out;
  }

  /** A label selector; an absent selector is empty (selects everything). */
  static LabelSelector selector(Field f) {
    Map<String, String> matchLabels = labels(f.get("matchLabels"));
    List<LabelSelectorRequirement> expressions = new ArrayList<>();
    for (Field e : f.get("matchExpressions").items()) {
      Field keyField = e.get("key");
      String key = keyField.string().orElse("");
      List<String> keyErrors = Names.qualifiedName(key);
      if (!keyErrors.isEmpty()) {
        throw keyField.invalid(key, '"' + key + '"', String.join("; ", keyErrors));
      }
      Field opField = e.get("operator");
      String op = opField.nonEmptyString().orElseThrow(() -> opField.required(""));
      LabelSelectorRequirement.Operator operator;
      switch (op) {
        case "In" -> operator = LabelSelectorRequirement.Operator.IN;
        case "NotIn" -> operator = LabelSelectorRequirement.Operator.NOT_IN;
        case "Exists" -> operator = LabelSelectorRequirement.Operator.EXISTS;
        case "DoesNotExist" -> operator = LabelSelectorRequirement.Operator.DOES_NOT_EXIST;
        default -> throw opField.invalid(op, '"' + op + '"', "not a valid selector operator");
      }
      Field valuesField = e.get("values");
      List<String> values = new ArrayList<>();
      for (Field v : valuesField.items()) {
        String value = v.string().orElse("");
        List<String> errors = Names.labelValue(value);
        if (!errors.isEmpty()) {
          throw v.invalid(value, '"' + value + '"', String.join("; ", errors));
        }
        values.add(value);
      }
      boolean needsValues =
          operator == LabelSelectorRequirement.Operator.IN
              || operator == LabelSelectorRequirement.Operator.NOT_IN;
      if (needsValues && values.isEmpty()) {
        throw valuesField.required("must be specified when `operator` is 'In' or 'NotIn'");
      }
      if (!needsValues && !values.isEmpty()) {
        throw valuesField.forbidden(
            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
      }
      expressions.add(new LabelSelectorRequirement(key, operator, values));
    }
    return new LabelSelector(matchLabels, expressions);
  }

  static Optional<LabelSelector> optionalSelector(Field f) {
    return f.present() ? Optional.of(selector(f)) : Optional.empty();
  }

  /** An IP address in the strict form. */
  static IpAddress ip(Field f) {
    String s = f.nonEmptyString().orElseThrow(() -> f.required(""));
    return IpAddress.tryParse(s).orElseThrow(() -> f.invalid(IP_DETAIL));
  }

  /** A CIDR in the strict form (no host bits, no leading zeros). */
  static Cidr cidr(Field f) {
    String s = f.nonEmptyString().orElseThrow(() -> f.required(""));
    return cidrOf(f, s);
  }

  static Cidr cidrOf(Field f, String s) {
    Optional<Cidr> c = Cidr.tryParse(s);
    if (c.isPresent()) {
      return c.get();
    }
    try {
      Cidr loose = Cidr.parseLegacy(s);
      if (!loose.toString().equals(s) && s.indexOf('/') > 0) {
        throw f.invalid(
            "must not have bits set beyond the prefix length (did you mean \"" + loose + "\"?)");
      }
    } catch (IllegalArgumentException e) {
      // not a CIDR at all
    }
    throw f.invalid(CIDR_DETAIL);
  }

  /** A port number 1–65535 that must be present. */
  static int port(Field f) {
    long p = f.integer().orElseThrow(() -> f.required(""));
    if (p < 1 || p > 65535) {
      throw f.invalid(PORT_DETAIL);
    }
    return (int) p;
  }

  /** A protocol, TCP when absent. */
  static Protocol protocol(Field f) {
    return f.oneOf(PROTOCOLS).map(Protocol::parse).orElse(Protocol.TCP);
  }

  /** A port given as a number or an IANA service name. */
  static PortRef portRef(Field f) {
    if (f.isInteger()) {
      return PortRef.of(port(f));
    }
    String name = f.nonEmptyString().orElseThrow(() -> f.required(""));
    if (name.chars().allMatch(c -> c >= '0' && c <= '9')) {
      // a quoted number is an IntOrString of type string: the API server validates it as a name
      throw f.invalid(String.join("; ", Names.portName(name)));
    }
    List<String> errors = Names.portName(name);
    if (!errors.isEmpty()) {
      throw f.invalid(String.join("; ", errors));
    }
    return PortRef.named(name);
  }

  /** Checks that the values {@code key} picks from {@code items} are unique. */
  static <T> void unique(List<Field> items, String child, Function<Field, Optional<T>> key) {
    Set<T> seen = new HashSet<>();
    for (Field item : items) {
      Optional<T> k = key.apply(item);
      if (k.isPresent() && !seen.add(k.get())) {
        throw item.get(child).duplicate();
      }
    }
  }
}
