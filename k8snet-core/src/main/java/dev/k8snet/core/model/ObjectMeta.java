package dev.k8snet.core.model;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The metadata k8snet uses of an object ({@code metav1.ObjectMeta}).
 *
 * @param namespace the namespace, or {@code ""} for cluster-scoped objects
 * @param name the name
 * @param labels the labels (sorted by key)
 * @param annotations the annotations (sorted by key)
 * @param uid the UID assigned by the API server, or {@code ""} when read from a manifest without
 *     one
 * @param resourceVersion the resource version, or {@code ""}
 * @param creationTimestamp when the object was created, if known
 * @since 0.1
 */
public record ObjectMeta(
    String namespace,
    String name,
    Map<String, String> labels,
    Map<String, String> annotations,
    String uid,
    String resourceVersion,
    Optional<Instant> creationTimestamp) {

  /**
   * Checks for nulls and copies the maps.
   *
   * @param namespace the namespace, or {@code ""} for cluster-scoped objects
   * @param name the name
   * @param labels the labels (sorted by key)
   * @param annotations the annotations (sorted by key)
   * @param uid the UID assigned by the API server, or {@code ""} when read from a manifest without
   *     one
   * @param resourceVersion the resource version, or {@code ""}
   * @param creationTimestamp when the object was created, if known
   */
  public ObjectMeta {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    labels = java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
    annotations = java.util.Collections.unmodifiableMap(new TreeMap<>(annotations));
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(resourceVersion, "resourceVersion");
    Objects.requireNonNull(creationTimestamp, "creationTimestamp");
  }

  /**
   * Returns metadata with a namespace, a name and labels only.
   *
   * @param namespace the namespace, or {@code ""}
   * @param name the name
   * @param labels the labels
   * @return the metadata
   */
  public static ObjectMeta of(String namespace, String name, Map<String, String> labels) {
    return new ObjectMeta(namespace, name, labels, Map.of(), "", "", Optional.empty());
  }
}
