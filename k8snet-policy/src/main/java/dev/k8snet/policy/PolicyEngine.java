package dev.k8snet.policy;

import dev.k8snet.core.Protocol;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.cluster.ClusterUpdate;
import dev.k8snet.policy.internal.CompiledEngine;
import dev.k8snet.policy.internal.ReferenceEngine;

/**
 * Evaluates connections against the network policies of a cluster snapshot: NetworkPolicy
 * (networking.k8s.io/v1), AdminNetworkPolicy and BaselineAdminNetworkPolicy (v1alpha1) and
 * ClusterNetworkPolicy (v1alpha2), with an explanation for each direction.
 *
 * <pre>{@code
 * PolicyEngine engine = PolicyEngine.compile(state);
 * Verdict v = engine.check(Connection.of("x/a", "y/b", Protocol.TCP, 80));
 * v.allowed();              // both directions allow it
 * v.ingress().reason();     // "allowed by rule 0 of NetworkPolicy y/allow-x: peer ..., port 80/TCP"
 * }</pre>
 *
 * <h2>Semantics</h2>
 *
 * A connection is allowed when the source pod's egress and the destination pod's ingress both allow
 * it. Each direction is evaluated in tiers, the first that decides wins:
 *
 * <ol>
 *   <li><b>Admin</b>: the AdminNetworkPolicies and the ClusterNetworkPolicies of tier {@code Admin}
 *       whose subject selects the pod, in ascending {@code priority} (at equal priority
 *       ClusterNetworkPolicies first, then by name, so that the order is deterministic); within a
 *       policy, rules in list order. The first rule whose peers and ports match decides: Allow
 *       (Accept) allows, Deny denies, Pass skips the rest of the Admin tier.
 *   <li><b>NetworkPolicy</b>: if any NetworkPolicy selects the pod for the direction, the
 *       connection is allowed iff a rule of one of them matches; the verdict is final.
 *   <li><b>Baseline</b>: the ClusterNetworkPolicies of tier {@code Baseline} in ascending priority,
 *       then the BaselineAdminNetworkPolicy; Allow/Accept allows, Deny denies, Pass allows.
 *   <li><b>Default</b>: allowed.
 * </ol>
 *
 * <p>Endpoints that are not pods subject to policy have no side of their own ({@link Tier#NONE}):
 * external IPs, node IPs and host-network pods, which are evaluated as their node's IP (selectors
 * never pick them; {@code ipBlock}, {@code networks} and {@code nodes} peers match their IP).
 * Ingress from the destination pod's own node is always allowed, as is a pod's traffic to itself. A
 * pod given by name connects from or to the IP of the family both ends share (the destination's
 * primary family first); an IP that is a pod's IP is that pod. Named ports are resolved on the
 * destination pod, with the connection's protocol, and never match a non-pod destination. {@code
 * domainNames} peers fail closed: without DNS they match nothing.
 *
 * <p>Engines are immutable and thread-safe; they never perform I/O.
 *
 * @since 0.1
 */
public interface PolicyEngine {

  /**
   * Returns the verdict for a connection.
   *
   * @param connection the connection
   * @return the verdict with its explanation
   * @throws IllegalArgumentException if an endpoint names a pod that is not in the snapshot
   */
  Verdict check(Connection connection);

  /**
   * Returns the verdict for a connection given by parts.
   *
   * @param from the client
   * @param to the server
   * @param protocol the protocol
   * @param port the destination port
   * @return the verdict
   * @throws IllegalArgumentException if the port is out of range or a pod is unknown
   */
  default Verdict check(Endpoint from, Endpoint to, Protocol protocol, int port) {
    return check(new Connection(from, to, protocol, port));
  }

  /**
   * Returns the engine of a later snapshot of the same cluster. Its verdicts equal those of an
   * engine built from {@code next} alone; the compiled engine reuses what did not change, so the
   * cost follows the size of the change: a pod's label change re-matches that pod against each
   * selector, a namespace's label change the pods of that namespace, a policy change recompiles
   * that policy and re-derives the rule sets of the pods its subject selects. (A Node change
   * recompiles everything.) This engine is not modified.
   *
   * @param next the later snapshot
   * @return the engine for {@code next}
   */
  PolicyEngine update(ClusterState next);

  /**
   * Returns the engine of an update's current snapshot, using the update's list of changes when its
   * previous snapshot is the one this engine was built from (so that even finding what changed
   * costs nothing); otherwise as {@link #update(ClusterState)}.
   *
   * @param update an update, as {@code ClusterSource}s deliver them
   * @return the engine for {@code update.current()}
   */
  default PolicyEngine update(ClusterUpdate update) {
    return update(update.current());
  }

  /**
   * Compiles the policies of a snapshot into indexes for fast evaluation: selector matches computed
   * once per distinct selector, peer groups shared across rules and policies, one rule set per
   * distinct combination of policies that select a pod.
   *
   * @param state the snapshot
   * @return the engine
   */
  static PolicyEngine compile(ClusterState state) {
    return CompiledEngine.compile(state);
  }

  /**
   * Returns a direct evaluator that walks every policy of the snapshot for each connection: slow,
   * obviously correct, the oracle the compiled engine is tested against. Its verdicts equal {@link
   * #compile}'s.
   *
   * @param state the snapshot
   * @return the engine
   */
  static PolicyEngine reference(ClusterState state) {
    return new ReferenceEngine(state);
  }
}
