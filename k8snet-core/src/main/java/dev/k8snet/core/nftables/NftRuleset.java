package dev.k8snet.core.nftables;

import java.util.List;
import java.util.Optional;

/**
 * The nftables state of a namespace (or one table of it) at one moment, as read by {@link
 * Nftables#ruleset()}.
 *
 * @param tables the tables
 * @param chains the chains of all tables
 * @param sets the named sets and maps, with elements
 * @param rules the rules of all chains, in order
 * @since 0.1
 */
public record NftRuleset(
    List<NftTable> tables, List<NftChain> chains, List<NftSet> sets, List<NftRule> rules) {
  /**
   * Copies the lists.
   *
   * @param tables the tables; copied
   * @param chains the chains; copied
   * @param sets the sets and maps; copied
   * @param rules the rules; copied
   */
  public NftRuleset {
    tables = List.copyOf(tables);
    chains = List.copyOf(chains);
    sets = List.copyOf(sets);
    rules = List.copyOf(rules);
  }

  /**
   * Returns the table with that family and name.
   *
   * @param family the family, e.g. {@code inet}
   * @param name the table name
   * @return the table, or empty when there is none
   */
  public Optional<NftTable> table(String family, String name) {
    return tables.stream()
        .filter(t -> t.family().equals(family) && t.name().equals(name))
        .findFirst();
  }

  /**
   * Returns the chain with that family, table and name.
   *
   * @param family the family, e.g. {@code inet}
   * @param table the table name
   * @param name the chain name
   * @return the chain, or empty when there is none
   */
  public Optional<NftChain> chain(String family, String table, String name) {
    return chains.stream()
        .filter(c -> c.family().equals(family) && c.table().equals(table) && c.name().equals(name))
        .findFirst();
  }

  /**
   * Returns the set or map with that family, table and name.
   *
   * @param family the family, e.g. {@code inet}
   * @param table the table name
   * @param name the set or map name
   * @return the set or map, or empty when there is none
   */
  public Optional<NftSet> set(String family, String table, String name) {
    return sets.stream()
        .filter(s -> s.family().equals(family) && s.table().equals(table) && s.name().equals(name))
        .findFirst();
  }

  /**
   * Returns the rules of one chain, in order.
   *
   * @param family the family, e.g. {@code inet}
   * @param table the table name
   * @param chain the chain name
   * @return the rules, empty when the chain has none or does not exist
   */
  public List<NftRule> rules(String family, String table, String chain) {
    return rules.stream()
        .filter(
            r -> r.family().equals(family) && r.table().equals(table) && r.chain().equals(chain))
        .toList();
  }
}
