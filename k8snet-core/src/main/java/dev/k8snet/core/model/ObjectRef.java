package dev.k8snet.core.model;

import java.util.Objects;

/**
 * Identifies an object: its kind, its namespace (empty for cluster-scoped kinds) and its name.
 *
 * @param kind the kind, e.g. {@code Service}
 * @param namespace the namespace, or {@code ""} for cluster-scoped objects
 * @param name the name
 * @since 0.1
 */
public record ObjectRef(String kind, String namespace, String name)
    implements Comparable<ObjectRef> {

  /**
   * Checks for nulls.
   *
   * @param kind the kind, e.g. {@code Service}
   * @param namespace the namespace, or {@code ""} for cluster-scoped objects
   * @param name the name
   */
  public ObjectRef {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  @Override
  public int compareTo(ObjectRef o) {
    int c = kind.compareTo(o.kind);
    if (c == 0) {
      c = namespace.compareTo(o.namespace);
    }
    return c != 0 ? c : name.compareTo(o.name);
  }

  /** Returns {@code Kind ns/name}, or {@code Kind name} for a cluster-scoped object. */
  @Override
  public String toString() {
    return kind + " " + (namespace.isEmpty() ? name : namespace + "/" + name);
  }
}
