package dev.k8snet.proxy;

import java.time.Duration;
import java.util.Objects;

/**
 * What one sync of the nftables proxy did.
 *
 * @param full whether the table was rebuilt (first sync, after a failure, or a settings change)
 * @param transactions the number of nftables transactions applied (0 when nothing changed)
 * @param elementsAdded set and map elements added
 * @param elementsDeleted set and map elements deleted
 * @param chainsAdded dispatch chains added
 * @param chainsDeleted dispatch chains deleted
 * @param elements set and map elements now programmed
 * @param chains dispatch chains now programmed
 * @param duration the wall time from planning to the last commit
 * @since 0.1.0
 */
public record SyncResult(
    boolean full,
    int transactions,
    int elementsAdded,
    int elementsDeleted,
    int chainsAdded,
    int chainsDeleted,
    int elements,
    int chains,
    Duration duration) {

  /** Validates. */
  public SyncResult {
    Objects.requireNonNull(duration, "duration");
  }

  /**
   * Returns the number of element and chain operations.
   *
   * @return additions plus deletions
   */
  public int operations() {
    return elementsAdded + elementsDeleted + chainsAdded + chainsDeleted;
  }
}
