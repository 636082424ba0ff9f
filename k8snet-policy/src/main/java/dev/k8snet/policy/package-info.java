/**
 * NetworkPolicy (networking.k8s.io/v1), AdminNetworkPolicy and BaselineAdminNetworkPolicy
 * (policy.networking.k8s.io/v1alpha1) and ClusterNetworkPolicy (v1alpha2): exact evaluation with
 * explanations, truth tables and lint.
 *
 * <ul>
 *   <li>{@link dev.k8snet.policy.PolicyEngine}: compile a {@code ClusterState} once, then {@link
 *       dev.k8snet.policy.PolicyEngine#check check} connections; {@link
 *       dev.k8snet.policy.PolicyEngine#reference reference} is the slow, direct oracle with the
 *       same results.
 *   <li>{@link dev.k8snet.policy.Verdict}: allowed iff the source's egress and the destination's
 *       ingress both allow; each side is a {@link dev.k8snet.policy.Decision} naming the deciding
 *       {@link dev.k8snet.policy.Tier}, policy and rule (or the policies that isolate the pod).
 *   <li>{@link dev.k8snet.policy.Reachability}: the pods × pods truth table the upstream e2e suite
 *       prints.
 *   <li>{@link dev.k8snet.policy.PolicyLinter}: warnings for valid policies that rarely do what was
 *       meant.
 * </ul>
 *
 * <pre>{@code
 * ClusterState state = ClusterState.of(1, ManifestReader.create().read(dir).orThrow());
 * PolicyEngine engine = PolicyEngine.compile(state);
 * Verdict v = engine.check(Connection.of("tools/debug", "shop/db-0", Protocol.TCP, 5432));
 * if (!v.allowed()) {
 *   System.out.println(v.explain()); // tier, policy and rule per direction
 * }
 * }</pre>
 *
 * <p>Everything here is pure (no I/O, no threads) and immutable once built; enforcement in the
 * kernel with nftables is in {@link dev.k8snet.policy.enforce}.
 */
package dev.k8snet.policy;
