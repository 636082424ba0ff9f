package dev.k8snet.core.nftables;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A chain as nft lists it.
 *
 * @param family the table's family
 * @param table the table name
 * @param name the chain name
 * @param handle the kernel's handle
 * @param type for base chains: {@code filter}, {@code nat} or {@code route}
 * @param hook for base chains: e.g. {@code prerouting}, {@code input}
 * @param priority for base chains: the numeric priority
 * @param policy for base chains: {@code accept} or {@code drop}
 * @since 0.1
 */
public record NftChain(
    String family,
    String table,
    String name,
    long handle,
    Optional<String> type,
    Optional<String> hook,
    OptionalInt priority,
    Optional<String> policy) {
  /**
   * Checks for nulls.
   *
   * @param family the table's family
   * @param table the table name
   * @param name the chain name
   * @param handle the kernel's handle
   * @param type for base chains: {@code filter}, {@code nat} or {@code route}
   * @param hook for base chains: e.g. {@code prerouting}, {@code input}
   * @param priority for base chains: the numeric priority
   * @param policy for base chains: {@code accept} or {@code drop}
   */
  public NftChain {
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(hook, "hook");
    Objects.requireNonNull(priority, "priority");
    Objects.requireNonNull(policy, "policy");
  }

  /**
   * Returns whether this is a base chain (attached to a hook).
   *
   * @return whether the chain has a hook
   */
  public boolean base() {
    return hook.isPresent();
  }
}
