package dev.k8snet.policy.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A rendered nftables table: named sets and maps with their elements, and chains with their rules,
 * in nft's text syntax. Immutable once built; the unit that {@link NftDiff} compares.
 *
 * @param table the table name (family {@code inet})
 * @param sets the sets and maps by name
 * @param chains the chains by name, in declaration order
 */
public record NftModel(String table, Map<String, SetDef> sets, Map<String, ChainDef> chains) {

  /** Copies the maps, keeping their order. */
  public NftModel {
    Objects.requireNonNull(table, "table");
    sets = Collections.unmodifiableMap(new LinkedHashMap<>(sets));
    chains = Collections.unmodifiableMap(new LinkedHashMap<>(chains));
  }

  /**
   * A set or map.
   *
   * @param name the name
   * @param declaration what goes inside the braces before the elements, e.g. {@code type ipv4_addr;
   *     flags interval; comment "…";}
   * @param map whether elements carry values ({@code key : verdict})
   * @param elements key to value ({@code ""} for sets), in a stable order
   */
  public record SetDef(String name, String declaration, boolean map, Map<String, String> elements) {
    /** Copies the elements. */
    public SetDef {
      elements = Collections.unmodifiableMap(new LinkedHashMap<>(elements));
    }

    /** The element as nft writes it: {@code key} or {@code key : value}. */
    public static String element(String key, String value) {
      return value.isEmpty() ? key : key + " : " + value;
    }
  }

  /**
   * A chain.
   *
   * @param name the name
   * @param header for base chains {@code type filter hook forward priority filter; policy accept;}
   *     and {@code ""} for regular chains
   * @param rules the rules in order, each a statement list in nft syntax
   */
  public record ChainDef(String name, String header, List<String> rules) {
    /** Copies the rules. */
    public ChainDef {
      rules = List.copyOf(rules);
    }
  }

  /** The number of rules of all chains. */
  public int ruleCount() {
    int n = 0;
    for (ChainDef c : chains.values()) {
      n += c.rules().size();
    }
    return n;
  }

  /** The number of elements of all sets and maps. */
  public int elementCount() {
    int n = 0;
    for (SetDef s : sets.values()) {
      n += s.elements().size();
    }
    return n;
  }

  /**
   * The script that replaces any table of this name by this one in one transaction.
   *
   * @return the nft script
   */
  public String script() {
    StringBuilder b = new StringBuilder();
    b.append("table inet ").append(table).append(" {}\n");
    b.append("delete table inet ").append(table).append('\n');
    b.append("table inet ").append(table).append(" {\n");
    for (SetDef s : sets.values()) {
      b.append("  ").append(s.map() ? "map " : "set ").append(s.name()).append(" { ");
      b.append(s.declaration());
      if (!s.map() && !s.elements().isEmpty()) {
        b.append(" elements = { ");
        appendElements(b, s);
        b.append(" }");
      }
      b.append(" }\n");
    }
    for (ChainDef c : chains.values()) {
      b.append("  chain ").append(c.name()).append(" {\n");
      if (!c.header().isEmpty()) {
        b.append("    ").append(c.header()).append('\n');
      }
      for (String r : c.rules()) {
        b.append("    ").append(r).append('\n');
      }
      b.append("  }\n");
    }
    b.append("}\n");
    // Map elements name chains: after the chains exist.
    for (SetDef s : sets.values()) {
      if (s.map() && !s.elements().isEmpty()) {
        b.append("add element inet ").append(table).append(' ').append(s.name()).append(" { ");
        appendElements(b, s);
        b.append(" }\n");
      }
    }
    return b.toString();
  }

  static void appendElements(StringBuilder b, SetDef s) {
    boolean first = true;
    for (Map.Entry<String, String> e : s.elements().entrySet()) {
      if (!first) {
        b.append(", ");
      }
      first = false;
      b.append(SetDef.element(e.getKey(), e.getValue()));
    }
  }
}
