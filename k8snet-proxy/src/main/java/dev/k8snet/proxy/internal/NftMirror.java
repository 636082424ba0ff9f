package dev.k8snet.proxy.internal;

import dev.k8snet.proxy.ServicePortInfo;
import dev.k8snet.proxy.ServicePortName;
import dev.k8snet.proxy.ServiceTable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What is committed to one family's table, kept in memory so a sync is a diff: elements with
 * reference counts (several ports may share a set element such as a ClusterIP), the dispatch chains
 * in use and each port's elements. Not thread-safe; the owner serialises syncs.
 *
 * <p>A sync is planned against a copy ({@link #plan}) and only committed ({@link Plan#commit})
 * after the kernel accepted the transaction, so a failed transaction leaves the mirror equal to the
 * kernel.
 */
public final class NftMirror {
  /** A committed element's value and the number of ports that want it. */
  private record Ref(String value, int count) {}

  private final String tableName;
  private Map<String, Map<String, Ref>> elements = new HashMap<>();
  private Map<ServicePortName, Map<String, Map<String, String>>> perPort = new HashMap<>();
  private Set<String> chains = new HashSet<>();
  private List<String> nodePortIps = List.of();
  private ServiceTable table;
  private NftLayout layout;
  private boolean built;

  public NftMirror(String tableName) {
    this.tableName = tableName;
  }

  public boolean built() {
    return built;
  }

  public ServiceTable table() {
    return table;
  }

  /** Forgets everything (the table is to be rebuilt from scratch). */
  public void reset() {
    elements = new HashMap<>();
    perPort = new HashMap<>();
    chains = new HashSet<>();
    nodePortIps = List.of();
    table = null;
    layout = null;
    built = false;
  }

  public int elementCount() {
    int n = 0;
    for (Map<String, Ref> m : elements.values()) {
      n += m.size();
    }
    return n;
  }

  public int chainCount() {
    return chains.size();
  }

  /** Committed elements of a set: key to value. */
  public Map<String, String> elements(String set) {
    Map<String, String> out = new LinkedHashMap<>();
    elements.getOrDefault(set, Map.of()).forEach((k, r) -> out.put(k, r.value()));
    return out;
  }

  public Set<String> chains() {
    return Set.copyOf(chains);
  }

  /** The transaction that takes the kernel from the mirror to {@code next}. */
  public final class Plan {
    private final ServiceTable next;
    private final NftLayout nextLayout;
    private final boolean full;
    private final Map<String, Map<String, Ref>> newElements;
    private final Map<ServicePortName, Map<String, Map<String, String>>> newPerPort;
    private final Set<String> newChains;

    /** set to keys to delete, in order. */
    final Map<String, List<String>> deletes = new LinkedHashMap<>();

    /** set to key to value to add. */
    final Map<String, Map<String, String>> adds = new LinkedHashMap<>();

    final List<String> addChains = new ArrayList<>();
    final List<String> deleteChains = new ArrayList<>();
    final List<String> npDeletes = new ArrayList<>();
    final List<String> npAdds = new ArrayList<>();

    private Plan(ServiceTable next, Collection<String> changedServices, boolean full) {
      this.next = next;
      this.nextLayout = new NftLayout(next, tableName);
      this.full = full;
      this.newElements = new HashMap<>();
      if (!full) {
        elements.forEach((s, m) -> newElements.put(s, new HashMap<>(m)));
      }
      this.newPerPort = full ? new HashMap<>() : new HashMap<>(perPort);
      Map<String, Map<String, String>> touched = new HashMap<>(); // set -> key -> old value or null
      Set<ServicePortName> ports = new TreeSet<>();
      if (full) {
        ports.addAll(next.ports().keySet());
      } else {
        Set<String> changed = new HashSet<>(changedServices);
        for (ServicePortName n : perPort.keySet()) {
          if (changed.contains(n.service())) {
            ports.add(n);
          }
        }
        for (ServicePortName n : next.ports().keySet()) {
          if (changed.contains(n.service())) {
            ports.add(n);
          }
        }
      }
      for (ServicePortName n : ports) {
        Map<String, Map<String, String>> old = full ? null : newPerPort.remove(n);
        if (old != null) {
          old.forEach((set, m) -> m.forEach((k, v) -> release(touched, set, k)));
        }
        ServicePortInfo p = next.ports().get(n);
        if (p != null) {
          Map<String, Map<String, String>> els = nextLayout.elements(p);
          els.values().removeIf(Map::isEmpty);
          newPerPort.put(n, els);
          els.forEach((set, m) -> m.forEach((k, v) -> acquire(touched, set, k, v)));
        }
      }
      // Net effect per touched key against what is committed.
      for (String set : NftLayout.ELEMENT_SETS) {
        Map<String, String> t = touched.get(set);
        if (t == null) {
          continue;
        }
        Map<String, Ref> committed = full ? Map.of() : elements.getOrDefault(set, Map.of());
        Map<String, Ref> now = newElements.getOrDefault(set, Map.of());
        for (String k : t.keySet()) {
          Ref before = committed.get(k);
          Ref after = now.get(k);
          if (before != null && (after == null || !before.value().equals(after.value()))) {
            deletes.computeIfAbsent(set, x -> new ArrayList<>()).add(k);
          }
          if (after != null && (before == null || !before.value().equals(after.value()))) {
            adds.computeIfAbsent(set, x -> new LinkedHashMap<>()).put(k, after.value());
          }
        }
      }
      // Dispatch chains: the closure of what the verdict maps reference.
      newChains = new LinkedHashSet<>();
      for (String vm : List.of("service-ips", "service-nodeports")) {
        for (Ref r : newElements.getOrDefault(vm, Map.of()).values()) {
          closure(r.value().substring("goto ".length()), newChains);
        }
      }
      Set<String> have = full ? Set.of() : chains;
      for (String c : newChains) {
        if (!have.contains(c)) {
          addChains.add(c); // closure() adds dependencies first
        }
      }
      List<String> gone = new ArrayList<>();
      for (String c : have) {
        if (!newChains.contains(c)) {
          gone.add(c);
        }
      }
      // Referrers before the chains they jump to.
      gone.sort((a, b) -> Integer.compare(depth(b), depth(a)));
      deleteChains.addAll(gone);
      List<String> np = nextLayout.nodePortIps();
      List<String> oldNp = full ? List.of() : nodePortIps;
      for (String a : oldNp) {
        if (!np.contains(a)) {
          npDeletes.add(a);
        }
      }
      for (String a : np) {
        if (!oldNp.contains(a)) {
          npAdds.add(a);
        }
      }
    }

    private int depth(String chain) {
      int d = 0;
      for (String dep : nextLayoutOrCurrent().dependencies(chain)) {
        d = Math.max(d, depth(dep) + 1);
      }
      return d;
    }

    private NftLayout nextLayoutOrCurrent() {
      return layout != null ? layout : nextLayout;
    }

    private void closure(String chain, Set<String> into) {
      if (into.contains(chain)) {
        return;
      }
      for (String dep : nextLayout.dependencies(chain)) {
        closure(dep, into);
      }
      into.add(chain);
    }

    private void acquire(Map<String, Map<String, String>> touched, String set, String k, String v) {
      touched.computeIfAbsent(set, x -> new HashMap<>()).putIfAbsent(k, "");
      Map<String, Ref> m = newElements.computeIfAbsent(set, x -> new HashMap<>());
      Ref r = m.get(k);
      m.put(k, r == null ? new Ref(v, 1) : new Ref(v, r.count() + 1));
    }

    private void release(Map<String, Map<String, String>> touched, String set, String k) {
      touched.computeIfAbsent(set, x -> new HashMap<>()).putIfAbsent(k, "");
      Map<String, Ref> m = newElements.get(set);
      Ref r = m == null ? null : m.get(k);
      if (r == null) {
        return;
      }
      if (r.count() <= 1) {
        m.remove(k);
      } else {
        m.put(k, new Ref(r.value(), r.count() - 1));
      }
    }

    public boolean full() {
      return full;
    }

    public NftLayout layout() {
      return nextLayout;
    }

    /** Whether the plan changes nothing. */
    public boolean isEmpty() {
      return !full
          && deletes.isEmpty()
          && adds.isEmpty()
          && addChains.isEmpty()
          && deleteChains.isEmpty()
          && npAdds.isEmpty()
          && npDeletes.isEmpty();
    }

    public int elementsAdded() {
      return adds.values().stream().mapToInt(Map::size).sum() + npAdds.size();
    }

    public int elementsDeleted() {
      return deletes.values().stream().mapToInt(List::size).sum() + npDeletes.size();
    }

    public int chainsAdded() {
      return addChains.size();
    }

    public int chainsDeleted() {
      return deleteChains.size();
    }

    /**
     * Renders the plan as nft scripts. A full plan starts with the skeleton (replacing an existing
     * table in the same transaction when {@code replace}); elements are split into transactions of
     * at most {@code maxElements} each, in an order where nothing referenced is missing and rejects
     * come last.
     *
     * @param replace whether an existing table is deleted first (full plans only)
     * @param maxElements the bound per transaction; {@link Integer#MAX_VALUE} for one transaction
     * @return the scripts, to apply in order
     */
    public List<String> scripts(boolean replace, int maxElements) {
      String q = nextLayout.qualified();
      List<String> out = new ArrayList<>();
      StringBuilder sb = new StringBuilder();
      if (full) {
        if (replace) {
          sb.append("table ").append(q).append(" {}\ndelete table ").append(q).append('\n');
        }
        sb.append(nextLayout.skeleton());
      }
      for (String c : addChains) {
        sb.append("add chain ").append(q).append(' ').append(c).append('\n');
        for (String r : nextLayout.dispatchRules(c)) {
          sb.append("add rule ").append(q).append(' ').append(c).append(' ').append(r).append('\n');
        }
      }
      for (Map.Entry<String, List<String>> e : deletes.entrySet()) {
        sb.append("delete element ").append(q).append(' ').append(e.getKey()).append(" { ");
        sb.append(String.join(", ", e.getValue())).append(" }\n");
      }
      if (!npDeletes.isEmpty()) {
        sb.append("delete element ")
            .append(q)
            .append(" nodeport-ips { ")
            .append(String.join(", ", npDeletes))
            .append(" }\n");
      }
      if (!npAdds.isEmpty()) {
        sb.append("add element ")
            .append(q)
            .append(" nodeport-ips { ")
            .append(String.join(", ", npAdds))
            .append(" }\n");
      }
      int inTx = 0;
      for (String set : NftLayout.ELEMENT_SETS) {
        Map<String, String> m = adds.get(set);
        if (m == null) {
          continue;
        }
        List<String> items = new ArrayList<>(m.size());
        m.forEach((k, v) -> items.add(v.isEmpty() ? k : k + " : " + v));
        int i = 0;
        while (i < items.size()) {
          if (inTx >= maxElements) {
            out.add(sb.toString());
            sb.setLength(0);
            inTx = 0;
          }
          int n = Math.min(items.size() - i, maxElements - inTx);
          sb.append("add element ").append(q).append(' ').append(set).append(" { ");
          sb.append(String.join(", ", items.subList(i, i + n))).append(" }\n");
          i += n;
          inTx += n;
        }
      }
      for (String c : deleteChains) {
        sb.append("delete chain ").append(q).append(' ').append(c).append('\n');
      }
      if (sb.length() > 0) {
        out.add(sb.toString());
      }
      return out;
    }

    /** Makes the plan the committed state (after the kernel accepted it). */
    public void commit() {
      elements = newElements;
      perPort = newPerPort;
      chains = newChains;
      nodePortIps = nextLayout.nodePortIps();
      table = next;
      layout = nextLayout;
      built = true;
    }
  }

  /**
   * Plans the transaction from the mirror to {@code next}.
   *
   * @param next the desired table
   * @param changedServices the services whose elements may differ (ignored for a full plan)
   * @param full whether to rebuild the table from scratch
   * @return the plan
   */
  public Plan plan(ServiceTable next, Collection<String> changedServices, boolean full) {
    Objects.requireNonNull(next, "next");
    if (!full && table != null && !sameSkeleton(table, next)) {
      full = true;
    }
    return new Plan(next, changedServices, full || !built);
  }

  private boolean sameSkeleton(ServiceTable a, ServiceTable b) {
    return a.config().equals(b.config())
        && a.nodePortsOnAllLocalAddresses() == b.nodePortsOnAllLocalAddresses()
        && a.family() == b.family();
  }
}
