package dev.k8snet.core.internal.manifest;

import dev.k8snet.core.manifest.ManifestException.Reason;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A cursor on one field of a manifest: its path ({@code spec.ports[1].port}), its value (absent
 * when the field is missing or {@code null}, as the API server treats both) and its line. Typed
 * accessors throw {@link FieldError} in the API server's terms.
 */
final class Field {
  final String path;
  final Node node;
  final int line;

  Field(String path, Node node, int line) {
    this.path = path;
    this.node = node == null || node.isNull() ? null : node;
    this.line = node == null ? line : node.line;
  }

  static Field root(Node node) {
    return new Field("", node, node.line);
  }

  boolean present() {
    return node != null;
  }

  /** The child field {@code name} of this map (absent when this field is absent). */
  Field get(String name) {
    String childPath = path.isEmpty() ? name : path + "." + name;
    if (node == null) {
      return new Field(childPath, null, line);
    }
    if (node.type != Node.Type.MAP) {
      throw invalid("must be an object");
    }
    return new Field(childPath, node.fields.get(name), line);
  }

  boolean has(String name) {
    return get(name).present();
  }

  /** The items of this list; empty when absent. */
  List<Field> items() {
    if (node == null) {
      return List.of();
    }
    if (node.type != Node.Type.LIST) {
      throw invalid("must be a list");
    }
    List<Field> out = new ArrayList<>(node.items.size());
    for (int i = 0; i < node.items.size(); i++) {
      out.add(new Field(path + "[" + i + "]", node.items.get(i), node.line));
    }
    return out;
  }

  /** Decodes every item; empty when absent. */
  <T> List<T> list(Function<Field, T> decoder) {
    return items().stream().map(decoder).collect(Collectors.toList());
  }

  /** Whether this field is present and is a list (possibly empty). */
  boolean isList() {
    return node != null && node.type == Node.Type.LIST;
  }

  /** The entries of this map of strings; empty when absent. */
  Map<String, Field> entries() {
    if (node == null) {
      return Map.of();
    }
    if (node.type != Node.Type.MAP) {
      throw invalid("must be an object");
    }
    Map<String, Field> out = new LinkedHashMap<>();
    node.fields.forEach((k, v) -> out.put(k, new Field(path + "." + k, v, node.line)));
    return out;
  }

  Map<String, String> stringMap() {
    Map<String, String> out = new LinkedHashMap<>();
    entries().forEach((k, v) -> out.put(k, v.present() ? v.string().orElse("") : ""));
    return out;
  }

  Optional<String> string() {
    if (node == null) {
      return Optional.empty();
    }
    if (node.type != Node.Type.STRING) {
      throw invalid("must be a string");
    }
    return Optional.of(node.text);
  }

  /** The string, or empty when absent or {@code ""} (Go's zero value). */
  Optional<String> nonEmptyString() {
    return string().filter(s -> !s.isEmpty());
  }

  String requiredString() {
    return nonEmptyString().orElseThrow(() -> required(""));
  }

  Optional<Long> integer() {
    if (node == null) {
      return Optional.empty();
    }
    if (node.type != Node.Type.INT) {
      throw invalid("must be an integer");
    }
    try {
      return Optional.of(Long.parseLong(node.text));
    } catch (NumberFormatException e) {
      throw invalid("must be an integer");
    }
  }

  Optional<Boolean> bool() {
    if (node == null) {
      return Optional.empty();
    }
    if (node.type != Node.Type.BOOL) {
      throw invalid("must be a boolean");
    }
    return Optional.of(Boolean.parseBoolean(node.text));
  }

  boolean isString() {
    return node != null && node.type == Node.Type.STRING;
  }

  boolean isInteger() {
    return node != null && node.type == Node.Type.INT;
  }

  /**
   * An enum-like string: one of {@code supported}, or empty when absent or {@code ""} (which the
   * API server's defaulting treats as unset).
   */
  Optional<String> oneOf(List<String> supported) {
    Optional<String> s = nonEmptyString();
    if (s.isPresent() && !supported.contains(s.get())) {
      throw unsupported(supported);
    }
    return s;
  }

  FieldError required(String detail) {
    return new FieldError(Reason.REQUIRED, path, Optional.empty(), "", detail, line);
  }

  FieldError invalid(String detail) {
    return new FieldError(Reason.INVALID, path, value(), renderedValue(), detail, line);
  }

  FieldError invalid(String value, String rendered, String detail) {
    return new FieldError(Reason.INVALID, path, Optional.of(value), rendered, detail, line);
  }

  FieldError unsupported(List<String> supported) {
    String list = supported.stream().map(s -> '"' + s + '"').collect(Collectors.joining(", "));
    return new FieldError(
        Reason.UNSUPPORTED, path, value(), renderedValue(), "supported values: " + list, line);
  }

  FieldError forbidden(String detail) {
    return new FieldError(Reason.FORBIDDEN, path, value(), "", detail, line);
  }

  FieldError duplicate() {
    return new FieldError(Reason.DUPLICATE, path, value(), renderedValue(), "", line);
  }

  FieldError tooMany(int actual, int max) {
    return new FieldError(
        Reason.TOO_MANY,
        path,
        Optional.of(Integer.toString(actual)),
        Integer.toString(actual),
        "must have at most " + max + " items",
        line);
  }

  private Optional<String> value() {
    return node != null && node.isScalar() ? Optional.of(node.text) : Optional.empty();
  }

  private String renderedValue() {
    return node == null ? "null" : node.rendered();
  }

  /** The same value under another path (e.g. a map entry reported at the map's path). */
  Field withPath(String newPath) {
    return new Field(newPath, node, line);
  }

  /** A child path for a map key or a computed sub-field that has no node of its own. */
  Field virtual(String suffix) {
    return new Field(path + suffix, null, line);
  }
}
