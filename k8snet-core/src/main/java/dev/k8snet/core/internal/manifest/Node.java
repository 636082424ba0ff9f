package dev.k8snet.core.internal.manifest;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A parsed YAML or JSON value with the line it starts on: the tree that decoders walk, so that
 * every error can name the line of the offending field.
 */
final class Node {
  /** The kind of value. */
  enum Type {
    MAP,
    LIST,
    STRING,
    INT,
    FLOAT,
    BOOL,
    NULL
  }

  final Type type;
  final String text;
  final Map<String, Node> fields;
  final List<Node> items;
  final int line;

  private Node(Type type, String text, Map<String, Node> fields, List<Node> items, int line) {
    this.type = type;
    this.text = text;
    this.fields = fields;
    this.items = items;
    this.line = line;
  }

  static Node scalar(Type type, String text, int line) {
    return new Node(type, text, Map.of(), List.of(), line);
  }

  static Node map(Map<String, Node> fields, int line) {
    return new Node(Type.MAP, "", Collections.unmodifiableMap(fields), List.of(), line);
  }

  static Node list(List<Node> items, int line) {
    return new Node(Type.LIST, "", Map.of(), List.copyOf(items), line);
  }

  boolean isNull() {
    return type == Type.NULL;
  }

  boolean isScalar() {
    return type != Type.MAP && type != Type.LIST && type != Type.NULL;
  }

  /** The value as the API server would render it in an error: strings quoted, numbers bare. */
  String rendered() {
    return switch (type) {
      case STRING -> '"' + text + '"';
      case MAP -> "{...}";
      case LIST -> "[...]";
      case NULL -> "null";
      default -> text;
    };
  }
}
