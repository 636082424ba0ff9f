package dev.k8snet.core.model;

import java.util.Map;
import java.util.Objects;

/**
 * A Kubernetes Namespace (v1). k8snet uses its labels, which NetworkPolicy namespace selectors
 * match; read from a manifest it carries {@code kubernetes.io/metadata.name} as the API server sets
 * it.
 *
 * @param metadata the metadata (cluster-scoped: the namespace is {@code ""})
 * @since 0.1
 */
public record Namespace(ObjectMeta metadata) implements KubernetesObject {
  /** The label the API server sets on every namespace to its name. */
  public static final String NAME_LABEL = "kubernetes.io/metadata.name";

  /**
   * Checks for null.
   *
   * @param metadata the metadata (cluster-scoped: the namespace is {@code ""})
   */
  public Namespace {
    Objects.requireNonNull(metadata, "metadata");
  }

  /**
   * Returns a namespace with these labels plus {@value #NAME_LABEL}.
   *
   * @param name the name
   * @param labels the labels
   * @return the namespace
   */
  public static Namespace of(String name, Map<String, String> labels) {
    Map<String, String> all = new java.util.HashMap<>(labels);
    all.put(NAME_LABEL, name);
    return new Namespace(ObjectMeta.of("", name, all));
  }

  /**
   * Returns the labels.
   *
   * @return the labels
   */
  public Map<String, String> labels() {
    return metadata.labels();
  }

  /** Returns {@code Namespace}. */
  @Override
  public String kind() {
    return "Namespace";
  }
}
