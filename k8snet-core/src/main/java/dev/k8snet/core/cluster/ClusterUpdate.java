package dev.k8snet.core.cluster;

import java.util.List;
import java.util.Objects;

/**
 * A new snapshot from a {@link ClusterSource}, with what changed since the previous one.
 *
 * @param previous the snapshot before (empty, version 0, for the first update)
 * @param current the new snapshot
 * @param changes the objects that differ, ordered by {@link dev.k8snet.core.model.ObjectRef}
 * @since 0.1
 */
public record ClusterUpdate(
    ClusterState previous, ClusterState current, List<ClusterChange> changes) {

  /**
   * Checks for nulls and copies the list.
   *
   * @param previous the snapshot before (empty, version 0, for the first update)
   * @param current the new snapshot
   * @param changes the objects that differ, ordered by {@link dev.k8snet.core.model.ObjectRef}
   */
  public ClusterUpdate {
    Objects.requireNonNull(previous, "previous");
    Objects.requireNonNull(current, "current");
    changes = List.copyOf(changes);
  }

  /**
   * Returns the update from {@code previous} to {@code current}, computing the changes.
   *
   * @param previous the older snapshot
   * @param current the newer snapshot
   * @return the update
   */
  public static ClusterUpdate between(ClusterState previous, ClusterState current) {
    return new ClusterUpdate(previous, current, current.changesSince(previous));
  }

  /**
   * Returns whether any object of {@code kind} changed.
   *
   * @param kind a kind such as {@code Service}
   * @return whether a change is of that kind
   */
  public boolean touches(String kind) {
    return changes.stream().anyMatch(c -> c.kind().equals(kind));
  }
}
