package dev.k8snet.core.cluster;

import dev.k8snet.core.model.KubernetesObject;
import dev.k8snet.core.model.ObjectRef;
import java.util.Objects;
import java.util.Optional;

/**
 * One object added, modified or deleted between two {@link ClusterState} snapshots.
 *
 * @param type what happened
 * @param ref the object
 * @param before the object in the older snapshot; empty when {@link Type#ADDED}
 * @param after the object in the newer snapshot; empty when {@link Type#DELETED}
 * @since 0.1
 */
public record ClusterChange(
    Type type, ObjectRef ref, Optional<KubernetesObject> before, Optional<KubernetesObject> after) {

  /** What happened to an object. */
  public enum Type {
    /** The object is new. */
    ADDED,
    /** The object exists in both snapshots and differs. */
    MODIFIED,
    /** The object is gone. */
    DELETED
  }

  /**
   * Checks that {@code before} and {@code after} agree with {@code type}.
   *
   * @param type what happened
   * @param ref the object
   * @param before the object in the older snapshot; empty when {@link Type#ADDED}
   * @param after the object in the newer snapshot; empty when {@link Type#DELETED}
   * @throws IllegalArgumentException if they do not
   */
  public ClusterChange {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(before, "before");
    Objects.requireNonNull(after, "after");
    boolean ok =
        switch (type) {
          case ADDED -> before.isEmpty() && after.isPresent();
          case MODIFIED -> before.isPresent() && after.isPresent();
          case DELETED -> before.isPresent() && after.isEmpty();
        };
    if (!ok) {
      throw new IllegalArgumentException(
          "change: " + type + " " + ref + " (expected: before and after that fit the type)");
    }
  }

  /**
   * Returns the kind of the changed object.
   *
   * @return {@code ref().kind()}
   */
  public String kind() {
    return ref.kind();
  }

  /** Returns {@code TYPE Kind ns/name}. */
  @Override
  public String toString() {
    return type + " " + ref;
  }
}
