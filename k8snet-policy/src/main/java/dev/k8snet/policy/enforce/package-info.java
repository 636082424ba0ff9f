/**
 * Enforcement of network policies on a node with nftables.
 *
 * <ul>
 *   <li>{@link dev.k8snet.policy.enforce.PolicyRuleset}: the pure rendering of a snapshot's
 *       policies for the pods of one node, as one {@code inet} table.
 *   <li>{@link dev.k8snet.policy.enforce.PolicyEnforcer}: programs rulesets through an {@code
 *       Nftables} session, each sync one atomic transaction holding only the difference.
 * </ul>
 *
 * <p>The verdicts are those of {@link dev.k8snet.policy.PolicyEngine}; the tests compare the
 * kernel's verdicts on real packets with it.
 */
package dev.k8snet.policy.enforce;
