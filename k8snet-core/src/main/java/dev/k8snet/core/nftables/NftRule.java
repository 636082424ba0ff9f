package dev.k8snet.core.nftables;

import java.util.Objects;
import java.util.Optional;

/**
 * A rule as nft lists it.
 *
 * @param family the table's family
 * @param table the table name
 * @param chain the chain name
 * @param handle the kernel's handle (for {@code delete rule … handle N})
 * @param comment the rule's comment
 * @param expressionJson the rule's expressions in nft's JSON form (libnftables-json(5))
 * @since 0.1
 */
public record NftRule(
    String family,
    String table,
    String chain,
    long handle,
    Optional<String> comment,
    String expressionJson) {
  /**
   * Checks for nulls.
   *
   * @param family the table's family
   * @param table the table name
   * @param chain the chain name
   * @param handle the kernel's handle (for {@code delete rule … handle N})
   * @param comment the rule's comment
   * @param expressionJson the rule's expressions in nft's JSON form (libnftables-json(5))
   */
  public NftRule {
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(chain, "chain");
    Objects.requireNonNull(comment, "comment");
    Objects.requireNonNull(expressionJson, "expressionJson");
  }
}
