package dev.k8snet.proxy;

import java.time.Duration;
import java.util.Objects;

/**
 * What one sync of the nftables proxy did.
 *
 * @param full whether this was a full sync: the kernel's table was read back and compared with the
 *     desired state (the first sync, the one after a failure, the periodic reconcile), instead of a
 *     diff against what was committed
 * @param rebuilt whether the table was created or replaced from scratch (no table yet, or one whose
 *     structure differed)
 * @param repairs the drift a full sync found and repaired: elements, chains and sets that were
 *     missing, extra or different in the kernel (0 on a partial sync and when nothing drifted)
 * @param transactions the number of nftables transactions applied (0 when nothing changed)
 * @param elementsAdded set and map elements added
 * @param elementsDeleted set and map elements deleted
 * @param chainsAdded chains added
 * @param chainsDeleted chains deleted
 * @param elements set and map elements now programmed
 * @param chains chains now programmed (besides the fixed ones)
 * @param duration the wall time from planning to the last commit
 * @since 0.1.0
 */
public record SyncResult(
    boolean full,
    boolean rebuilt,
    int repairs,
    int transactions,
    int elementsAdded,
    int elementsDeleted,
    int chainsAdded,
    int chainsDeleted,
    int elements,
    int chains,
    Duration duration) {

  /**
   * Validates.
   *
   * @param full whether this was a full sync: the kernel's table was read back and compared with
   *     the desired state (the first sync, the one after a failure, the periodic reconcile),
   *     instead of a diff against what was committed
   * @param rebuilt whether the table was created or replaced from scratch (no table yet, or one
   *     whose structure differed)
   * @param repairs the drift a full sync found and repaired: elements, chains and sets that were
   *     missing, extra or different in the kernel (0 on a partial sync and when nothing drifted)
   * @param transactions the number of nftables transactions applied (0 when nothing changed)
   * @param elementsAdded set and map elements added
   * @param elementsDeleted set and map elements deleted
   * @param chainsAdded chains added
   * @param chainsDeleted chains deleted
   * @param elements set and map elements now programmed
   * @param chains chains now programmed (besides the fixed ones)
   * @param duration the wall time from planning to the last commit
   */
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
