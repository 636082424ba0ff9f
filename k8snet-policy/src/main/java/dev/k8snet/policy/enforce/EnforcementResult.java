package dev.k8snet.policy.enforce;

import java.time.Duration;
import java.util.Objects;

/**
 * What one {@link PolicyEnforcer#sync} did.
 *
 * @param full whether the table was replaced as a whole (first sync, after a failure or a reconcile
 *     request) rather than changed by a diff
 * @param transactions nftables transactions applied: 1, or 0 when nothing changed
 * @param elementsAdded set and map elements added (all of them for a full sync)
 * @param elementsDeleted set and map elements deleted (0 for a full sync)
 * @param chainsAdded chains created
 * @param chainsReplaced chains whose rules were replaced
 * @param chainsDeleted chains deleted
 * @param rules rules now programmed
 * @param elements set and map elements now programmed
 * @param transaction the wall time of the nftables transaction alone
 * @param duration the wall time of the whole sync (planning and the transaction)
 * @since 0.1
 */
public record EnforcementResult(
    boolean full,
    int transactions,
    int elementsAdded,
    int elementsDeleted,
    int chainsAdded,
    int chainsReplaced,
    int chainsDeleted,
    int rules,
    int elements,
    Duration transaction,
    Duration duration) {

  /**
   * Checks nulls.
   *
   * @param full whether the table was replaced as a whole (first sync, after a failure or a
   *     reconcile request) rather than changed by a diff
   * @param transactions nftables transactions applied: 1, or 0 when nothing changed
   * @param elementsAdded set and map elements added (all of them for a full sync)
   * @param elementsDeleted set and map elements deleted (0 for a full sync)
   * @param chainsAdded chains created
   * @param chainsReplaced chains whose rules were replaced
   * @param chainsDeleted chains deleted
   * @param rules rules now programmed
   * @param elements set and map elements now programmed
   * @param transaction the wall time of the nftables transaction alone
   * @param duration the wall time of the whole sync (planning and the transaction)
   */
  public EnforcementResult {
    Objects.requireNonNull(transaction, "transaction");
    Objects.requireNonNull(duration, "duration");
  }

  /**
   * Returns whether only set elements changed (no chain was created, replaced or deleted).
   *
   * @return whether this sync touched elements alone
   */
  public boolean elementsOnly() {
    return !full && chainsAdded == 0 && chainsReplaced == 0 && chainsDeleted == 0;
  }
}
