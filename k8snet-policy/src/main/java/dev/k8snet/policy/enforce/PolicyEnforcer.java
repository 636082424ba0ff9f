package dev.k8snet.policy.enforce;

import dev.k8snet.core.nftables.Nftables;
import dev.k8snet.core.nftables.NftablesException;
import dev.k8snet.policy.internal.NftDiff;
import dev.k8snet.policy.internal.NftModel;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Programs {@link PolicyRuleset}s into the kernel through an nftables session, incrementally.
 *
 * <p>The enforcer keeps a mirror of what it committed and turns each sync into one atomic
 * transaction holding the difference: elements added to and deleted from sets and maps, chains of
 * changed policies flushed and refilled, new chains and sets created, stale ones deleted. It never
 * reads the kernel during a sync. The first sync reconciles with whatever the kernel holds: any
 * table of the same name (rules of an earlier run included) is replaced by the wanted one in one
 * transaction, so there is no moment without enforcement. A failed transaction throws, leaves the
 * rules that were in force, and makes the next sync a full replacement.
 *
 * <p>Established connections are not cut when a policy changes: conntrack keeps accepting their
 * packets, as most implementations do; new connections follow the new rules at once.
 *
 * <p>Not thread-safe: one thread syncs. Closing forgets the mirror but leaves the rules in force
 * (so traffic stays policed across restarts); {@link #delete()} removes them.
 *
 * <pre>{@code
 * try (Nftables nft = Nftables.open(NetworkNamespace.current());
 *     PolicyEnforcer enforcer = PolicyEnforcer.create(nft)) {
 *   enforcer.sync(PolicyRuleset.render(state, "node-1"));
 *   enforcer.sync(PolicyRuleset.render(nextState, "node-1")); // a diff
 * }
 * }</pre>
 *
 * @since 0.1
 */
public final class PolicyEnforcer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PolicyEnforcer.class);

  private final Nftables nft;
  private final EnforcementOptions options;
  private PolicyRuleset committed;

  private PolicyEnforcer(Nftables nft, EnforcementOptions options) {
    this.nft = nft;
    this.options = options;
  }

  /**
   * Creates an enforcer with the default options; touches nothing until the first sync.
   *
   * @param nft the session (not closed by the enforcer)
   * @return the enforcer
   */
  public static PolicyEnforcer create(Nftables nft) {
    return create(nft, EnforcementOptions.DEFAULTS);
  }

  /**
   * Creates an enforcer; touches nothing until the first sync.
   *
   * @param nft the session (not closed by the enforcer)
   * @param options the options the rulesets it syncs must be rendered with
   * @return the enforcer
   */
  public static PolicyEnforcer create(Nftables nft, EnforcementOptions options) {
    Objects.requireNonNull(nft, "nft");
    Objects.requireNonNull(options, "options");
    return new PolicyEnforcer(nft, options);
  }

  /**
   * Returns the options.
   *
   * @return the options given at construction
   */
  public EnforcementOptions options() {
    return options;
  }

  /**
   * Brings the kernel to {@code ruleset} in one transaction.
   *
   * @param ruleset the wanted ruleset
   * @return what was done
   * @throws IllegalArgumentException if the ruleset was rendered with other options
   * @throws NftablesException if the kernel rejected the transaction; the rules in force are the
   *     previous ones and the next sync replaces the table as a whole
   */
  public EnforcementResult sync(PolicyRuleset ruleset) {
    Objects.requireNonNull(ruleset, "ruleset");
    if (!ruleset.options().equals(options)) {
      throw new IllegalArgumentException(
          "ruleset: rendered with " + ruleset.options() + " (expected: " + options + ")");
    }
    long start = System.nanoTime();
    NftModel next = ruleset.model();
    NftDiff diff = committed == null ? null : NftDiff.between(committed.model(), next);
    boolean full = diff == null || diff.rebuild();
    String script = full ? next.script() : diff.script();
    long applyStart = System.nanoTime();
    long applyEnd = applyStart;
    if (!script.isEmpty()) {
      try {
        nft.apply(script);
      } catch (RuntimeException e) {
        committed = null;
        throw e;
      }
      applyEnd = System.nanoTime();
    }
    committed = ruleset;
    EnforcementResult r =
        new EnforcementResult(
            full,
            script.isEmpty() ? 0 : 1,
            full ? next.elementCount() : diff.elementsAdded(),
            full ? 0 : diff.elementsDeleted(),
            full ? next.chains().size() : diff.chainsAdded(),
            full ? 0 : diff.chainsReplaced(),
            full ? 0 : diff.chainsDeleted(),
            next.ruleCount(),
            next.elementCount(),
            Duration.ofNanos(applyEnd - applyStart),
            Duration.ofNanos(System.nanoTime() - start));
    log.debug("policy sync: {}", r);
    return r;
  }

  /** Makes the next sync replace the table as a whole (a periodic reconcile with the kernel). */
  public void reconcile() {
    committed = null;
  }

  /**
   * Returns the ruleset last committed.
   *
   * @return the ruleset, empty before the first sync and after a failure or {@link #reconcile()}
   */
  public Optional<PolicyRuleset> committed() {
    return Optional.ofNullable(committed);
  }

  /** Removes the table from the kernel (if present) and forgets the mirror. */
  public void delete() {
    String t = "inet " + options.tableName();
    nft.apply("table " + t + " {}\ndelete table " + t + "\n");
    committed = null;
  }

  /** Forgets the mirror; the rules stay in force. */
  @Override
  public void close() {
    committed = null;
  }

  @Override
  public String toString() {
    return "PolicyEnforcer[inet " + options.tableName() + "]";
  }
}
