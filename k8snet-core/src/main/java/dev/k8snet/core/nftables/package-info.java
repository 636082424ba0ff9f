/**
 * nftables from Java: atomic transactions in nft's text syntax and the state read back, per network
 * namespace, through libnftables in-process (or {@code nft -f -} where it is absent).
 *
 * <pre>{@code
 * try (Nftables nft = ns.nftables()) {
 *   nft.apply("add table inet demo\nadd chain inet demo input { type filter hook input priority 0; }");
 *   NftRuleset state = nft.table("inet", "demo");
 * }
 * }</pre>
 *
 * @since 0.1
 */
package dev.k8snet.core.nftables;
