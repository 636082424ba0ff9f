package dev.k8snet.policy.internal;

import dev.k8snet.policy.internal.NftModel.ChainDef;
import dev.k8snet.policy.internal.NftModel.SetDef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The transaction that takes the kernel from one rendered table to the next: set elements added and
 * deleted, new sets and chains created, changed chains flushed and refilled, stale chains and sets
 * deleted, ordered so that nothing is referenced before it exists or deleted while still
 * referenced. A change of a set's or base chain's declaration cannot be expressed as a diff: the
 * plan then asks for a rebuild.
 *
 * @param script the nft script ({@code ""} when nothing changed)
 * @param rebuild whether the table must be replaced as a whole instead
 * @param elementsAdded elements added to sets and maps that exist on both sides, or come new
 * @param elementsDeleted elements deleted from sets and maps that stay
 * @param setsAdded sets and maps created
 * @param setsDeleted sets and maps deleted
 * @param chainsAdded chains created
 * @param chainsReplaced chains whose rules were replaced
 * @param chainsDeleted chains deleted
 */
public record NftDiff(
    String script,
    boolean rebuild,
    int elementsAdded,
    int elementsDeleted,
    int setsAdded,
    int setsDeleted,
    int chainsAdded,
    int chainsReplaced,
    int chainsDeleted) {

  /** Whether nothing changed. */
  public boolean isEmpty() {
    return !rebuild && script.isEmpty();
  }

  /**
   * Plans the transaction from {@code before} (what the kernel has) to {@code after}.
   *
   * @param before the committed table
   * @param after the table wanted
   * @return the plan
   */
  @SuppressWarnings("ReferenceEquality") // shared, unchanged parts of an update: nothing to compare
  public static NftDiff between(NftModel before, NftModel after) {
    if (!before.table().equals(after.table())) {
      return rebuildPlan();
    }
    String t = "inet " + after.table();
    StringBuilder create = new StringBuilder();
    StringBuilder elements = new StringBuilder();
    StringBuilder mapAdds = new StringBuilder();
    StringBuilder rules = new StringBuilder();
    StringBuilder drop = new StringBuilder();
    int added = 0;
    int deleted = 0;
    int setsAdded = 0;
    int setsDeleted = 0;
    int chainsAdded = 0;
    int chainsReplaced = 0;
    int chainsDeleted = 0;
    // 1. New sets (plain sets with their elements) and new chains (empty).
    for (SetDef s : after.sets().values()) {
      SetDef old = before.sets().get(s.name());
      if (old == s) {
        continue;
      }
      if (old == null) {
        setsAdded++;
        create.append("add ").append(s.map() ? "map " : "set ").append(t).append(' ');
        create.append(s.name()).append(" { ").append(s.declaration()).append(" }\n");
        if (!s.elements().isEmpty()) {
          (s.map() ? mapAdds : elements)
              .append("add element ")
              .append(t)
              .append(' ')
              .append(s.name())
              .append(" { ");
          NftModel.appendElements(s.map() ? mapAdds : elements, s);
          (s.map() ? mapAdds : elements).append(" }\n");
          added += s.elements().size();
        }
        continue;
      }
      if (!old.declaration().equals(s.declaration()) || old.map() != s.map()) {
        return rebuildPlan();
      }
      // 2. Elements of sets on both sides: deletions first (a changed map value is a delete
      // and an add), then additions.
      List<String> del = new ArrayList<>();
      List<String> add = new ArrayList<>();
      for (Map.Entry<String, String> e : old.elements().entrySet()) {
        String v = s.elements().get(e.getKey());
        if (v == null || !v.equals(e.getValue())) {
          del.add(e.getKey());
        }
      }
      for (Map.Entry<String, String> e : s.elements().entrySet()) {
        String v = old.elements().get(e.getKey());
        if (v == null || !v.equals(e.getValue())) {
          add.add(SetDef.element(e.getKey(), e.getValue()));
        }
      }
      if (!del.isEmpty()) {
        elements.append("delete element ").append(t).append(' ').append(s.name()).append(" { ");
        elements.append(String.join(", ", del)).append(" }\n");
        deleted += del.size();
      }
      if (!add.isEmpty()) {
        (s.map() ? mapAdds : elements)
            .append("add element ")
            .append(t)
            .append(' ')
            .append(s.name())
            .append(" { ")
            .append(String.join(", ", add))
            .append(" }\n");
        added += add.size();
      }
    }
    for (ChainDef c : after.chains().values()) {
      ChainDef old = before.chains().get(c.name());
      if (old == c) {
        continue;
      }
      if (old == null) {
        if (!c.header().isEmpty()) {
          return rebuildPlan(); // base chains are fixed by the layout
        }
        chainsAdded++;
        create.append("add chain ").append(t).append(' ').append(c.name()).append('\n');
        appendRules(rules, t, c);
        continue;
      }
      if (!old.header().equals(c.header())) {
        return rebuildPlan();
      }
      if (!old.rules().equals(c.rules())) {
        chainsReplaced++;
        rules.append("flush chain ").append(t).append(' ').append(c.name()).append('\n');
        appendRules(rules, t, c);
      }
    }
    // 3. Stale objects: flush stale chains, delete stale sets (no rule refers to them any more),
    // then delete the chains.
    List<String> staleChains = new ArrayList<>();
    for (ChainDef c : before.chains().values()) {
      if (!after.chains().containsKey(c.name())) {
        if (!c.header().isEmpty()) {
          return rebuildPlan();
        }
        staleChains.add(c.name());
        drop.append("flush chain ").append(t).append(' ').append(c.name()).append('\n');
      }
    }
    for (SetDef s : before.sets().values()) {
      if (!after.sets().containsKey(s.name())) {
        setsDeleted++;
        drop.append("delete ").append(s.map() ? "map " : "set ").append(t).append(' ');
        drop.append(s.name()).append('\n');
      }
    }
    for (String c : staleChains) {
      chainsDeleted++;
      drop.append("delete chain ").append(t).append(' ').append(c).append('\n');
    }
    String script =
        new StringBuilder()
            .append(create)
            .append(elements)
            .append(rules)
            .append(mapAdds)
            .append(drop)
            .toString();
    return new NftDiff(
        script,
        false,
        added,
        deleted,
        setsAdded,
        setsDeleted,
        chainsAdded,
        chainsReplaced,
        chainsDeleted);
  }

  private static NftDiff rebuildPlan() {
    return new NftDiff("", true, 0, 0, 0, 0, 0, 0, 0);
  }

  private static void appendRules(StringBuilder b, String t, ChainDef c) {
    for (String r : c.rules()) {
      b.append("add rule ").append(t).append(' ').append(c.name()).append(' ').append(r);
      b.append('\n');
    }
  }
}
