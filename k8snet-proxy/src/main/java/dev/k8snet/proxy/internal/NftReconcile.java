package dev.k8snet.proxy.internal;

import dev.k8snet.core.nftables.NftChain;
import dev.k8snet.core.nftables.NftRuleset;
import dev.k8snet.core.nftables.NftSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compares one family's table as read back from the kernel with the desired state (a full {@link
 * NftMirror.Plan}) and writes the transaction that repairs the difference: missing, extra or
 * changed elements, shared chains and per-port objects. The dynamic content of the affinity sets
 * (clients and their timers) is kept. When the table's structure is not the one this layout writes
 * (no table, another fingerprint chain, a fixed chain or a set missing, a fixed chain with another
 * number of rules), there is no element-level repair: the table has to be rebuilt.
 *
 * <p>Rules are compared by number per chain, not by content; the fingerprint covers what the
 * settings change in them.
 */
public final class NftReconcile {
  private final String script;
  private final int repairs;

  private NftReconcile(String script, int repairs) {
    this.script = script;
    this.repairs = repairs;
  }

  /** The repair transaction; empty when nothing drifted. */
  public String script() {
    return script;
  }

  /** The number of elements, chains and sets that differed. */
  public int repairs() {
    return repairs;
  }

  /**
   * Plans the repair.
   *
   * @param desired a full plan of the desired table
   * @param actual the table read back, empty when there is none
   * @return the repair, or empty when the table must be rebuilt
   */
  public static Optional<NftReconcile> of(NftMirror.Plan desired, Optional<NftRuleset> actual) {
    NftLayout layout = desired.layout();
    String af = layout.family();
    String name = layout.tableName();
    if (actual.isEmpty()) {
      return Optional.empty();
    }
    NftRuleset rs = actual.get();
    if (rs.table(af, name).isEmpty()) {
      return Optional.empty();
    }
    Map<String, Integer> ruleCounts = new HashMap<>();
    for (NftChain c : rs.chains()) {
      if (c.family().equals(af) && c.table().equals(name)) {
        ruleCounts.put(c.name(), 0);
      }
    }
    rs.rules().stream()
        .filter(r -> r.family().equals(af) && r.table().equals(name))
        .forEach(r -> ruleCounts.merge(r.chain(), 1, Integer::sum));
    Map<String, Integer> fixed = new HashMap<>(layout.skeletonChains());
    fixed.put(layout.fingerprintChain(), 0);
    for (Map.Entry<String, Integer> e : fixed.entrySet()) {
      if (!e.getValue().equals(ruleCounts.get(e.getKey()))) {
        return Optional.empty();
      }
    }
    Map<String, NftSet> sets = new HashMap<>();
    for (NftSet s : rs.sets()) {
      if (s.family().equals(af) && s.table().equals(name)) {
        sets.put(s.name(), s);
      }
    }
    for (String s : layout.skeletonSets()) {
      if (!sets.containsKey(s)) {
        return Optional.empty();
      }
    }
    String q = layout.qualified();
    StringBuilder create = new StringBuilder();
    StringBuilder elementDeletes = new StringBuilder();
    StringBuilder elementAdds = new StringBuilder();
    StringBuilder removeChains = new StringBuilder();
    StringBuilder removeSets = new StringBuilder();
    int repairs = 0;

    // Shared dispatch chains.
    List<String> wantChains = desired.addChains;
    for (String c : wantChains) {
      List<String> rules = layout.dispatchRules(c);
      Integer have = ruleCounts.get(c);
      if (have == null || have != rules.size()) {
        repairs++;
        create.append(have == null ? "add chain " : "flush chain ").append(q).append(' ');
        create.append(c).append('\n');
        for (String r : rules) {
          create.append("add rule ").append(q).append(' ').append(c).append(' ').append(r);
          create.append('\n');
        }
      }
    }
    // Per-port objects (affinity): sets keep their dynamic elements.
    Map<String, Map.Entry<String, Boolean>> wantObjects = desired.objectWrites;
    for (Map.Entry<String, Map.Entry<String, Boolean>> o : wantObjects.entrySet()) {
      String def = o.getValue().getKey();
      boolean isSet = def.startsWith("set\n");
      if (isSet) {
        if (!sets.containsKey(o.getKey())) {
          repairs++;
          create.append(layout.portObjectCommands(o.getKey(), def, false));
        }
        continue;
      }
      Integer have = ruleCounts.get(o.getKey());
      int want = def.substring(6).split("\n").length;
      if (have == null || have != want) {
        repairs++;
        create.append(layout.portObjectCommands(o.getKey(), def, have != null));
      }
    }
    // Chains and sets that should not be there.
    for (String c : ruleCounts.keySet()) {
      if (!fixed.containsKey(c) && !wantChains.contains(c) && !wantObjects.containsKey(c)) {
        repairs++;
        create.append("flush chain ").append(q).append(' ').append(c).append('\n');
        removeChains.append("delete chain ").append(q).append(' ').append(c).append('\n');
      }
    }
    for (String s : sets.keySet()) {
      if (!layout.skeletonSets().contains(s) && !wantObjects.containsKey(s)) {
        repairs++;
        removeSets.append("delete set ").append(q).append(' ').append(s).append('\n');
      }
    }
    // Elements of the named sets and maps.
    Map<String, Map<String, String>> want = new LinkedHashMap<>();
    for (String s : NftLayout.ELEMENT_SETS) {
      want.put(s, desired.adds.getOrDefault(s, Map.of()));
    }
    Map<String, String> np = new LinkedHashMap<>();
    layout.nodePortIps().forEach(a -> np.put(a, ""));
    want.put("nodeport-ips", np);
    for (Map.Entry<String, Map<String, String>> w : want.entrySet()) {
      String set = w.getKey();
      Map<String, String> have = new HashMap<>();
      for (String el : sets.get(set).elements()) {
        int colon = el.indexOf(" : ");
        String k = colon < 0 ? el : el.substring(0, colon);
        have.put(normalise(k), colon < 0 ? "" : el.substring(colon + 3));
      }
      List<String> del = new ArrayList<>();
      List<String> add = new ArrayList<>();
      Map<String, String> wanted = new HashMap<>();
      for (Map.Entry<String, String> e : w.getValue().entrySet()) {
        String k = normalise(e.getKey());
        wanted.put(k, e.getValue());
        String v = have.get(k);
        if (v == null || !v.equals(e.getValue())) {
          repairs++;
          if (v != null) {
            del.add(e.getKey());
          }
          add.add(e.getValue().isEmpty() ? e.getKey() : e.getKey() + " : " + e.getValue());
        }
      }
      for (String k : have.keySet()) {
        if (!wanted.containsKey(k)) {
          repairs++;
          del.add(k);
        }
      }
      if (!del.isEmpty()) {
        elementDeletes.append("delete element ").append(q).append(' ').append(set).append(" { ");
        elementDeletes.append(String.join(", ", del)).append(" }\n");
      }
      if (!add.isEmpty()) {
        elementAdds.append("add element ").append(q).append(' ').append(set).append(" { ");
        elementAdds.append(String.join(", ", add)).append(" }\n");
      }
    }
    String script = create.toString() + elementDeletes + elementAdds + removeChains + removeSets;
    return Optional.of(new NftReconcile(script, repairs));
  }

  /** nft lists a single-address interval without its full-length prefix. */
  private static String normalise(String key) {
    StringBuilder sb = new StringBuilder();
    for (String part : key.split(" \\. ")) {
      if (sb.length() > 0) {
        sb.append(" . ");
      }
      if (part.endsWith("/32") && part.indexOf(':') < 0) {
        part = part.substring(0, part.length() - 3);
      } else if (part.endsWith("/128") && part.indexOf(':') >= 0) {
        part = part.substring(0, part.length() - 4);
      }
      sb.append(part);
    }
    return sb.toString();
  }
}
