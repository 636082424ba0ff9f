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

  private static final Ref GONE = new Ref("", 0);
  private static final Map<String, Map<String, String>> NO_PORT = Map.of();

  private final String tableName;
  private Map<String, Map<String, Ref>> elements = new HashMap<>();
  private Map<ServicePortName, Map<String, Map<String, String>>> perPort = new HashMap<>();

  /** Each port's own sets and chains (ClientIP affinity): name to definition, in order. */
  private Map<ServicePortName, Map<String, String>> portObjects = new HashMap<>();

  /** Dispatch chains referenced directly by verdict-map elements, with reference counts. */
  private Map<String, Integer> chainRefs = new HashMap<>();

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
    portObjects = new HashMap<>();
    chainRefs = new HashMap<>();
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
    return n + nodePortIps.size();
  }

  public int chainCount() {
    int n = chains.size();
    for (Map<String, String> o : portObjects.values()) {
      n += (int) o.values().stream().filter(d -> d.startsWith("chain\n")).count();
    }
    return n;
  }

  /** Every committed port object (affinity sets and chains): name to definition. */
  public Map<String, String> portObjects() {
    Map<String, String> out = new LinkedHashMap<>();
    portObjects.values().forEach(out::putAll);
    return out;
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

    /** Changed elements over the committed ones (GONE: removed); all of them when full. */
    private final Map<String, Map<String, Ref>> delta = new HashMap<>();

    /** Changed ports over the committed ones (NO_PORT: removed). */
    private final Map<ServicePortName, Map<String, Map<String, String>>> portDelta =
        new HashMap<>();

    private final Map<String, Integer> refDelta = new HashMap<>();
    private final Set<String> newChains;

    /** set to keys to delete, in order. */
    final Map<String, List<String>> deletes = new LinkedHashMap<>();

    /** set to key to value to add. */
    final Map<String, Map<String, String>> adds = new LinkedHashMap<>();

    final List<String> addChains = new ArrayList<>();
    final List<String> deleteChains = new ArrayList<>();
    final List<String> npDeletes = new ArrayList<>();
    final List<String> npAdds = new ArrayList<>();

    /** Port objects to create or refill: name to (definition, whether it exists already). */
    final Map<String, Map.Entry<String, Boolean>> objectWrites = new LinkedHashMap<>();

    /** Port objects to delete, referrers first. */
    final List<String> objectDeletes = new ArrayList<>();

    private final Map<ServicePortName, Map<String, String>> objectDelta = new HashMap<>();

    private Plan(ServiceTable next, Collection<String> changedServices, boolean full) {
      this.next = next;
      this.nextLayout = new NftLayout(next, tableName);
      this.full = full;
      Set<String> touched = new HashSet<>(); // "set\0key"
      Set<ServicePortName> ports = new TreeSet<>();
      if (full) {
        ports.addAll(next.ports().keySet());
      } else {
        Set<String> changed = new HashSet<>(changedServices);
        for (String svc : changed) {
          for (ServicePortName n : perPortOf(svc)) {
            ports.add(n);
          }
        }
        for (ServicePortInfo p : next.ports().values()) {
          if (changed.contains(p.name().service())) {
            ports.add(p.name());
          }
        }
      }
      for (ServicePortName n : ports) {
        Map<String, Map<String, String>> old = full ? null : perPort.get(n);
        if (old != null) {
          old.forEach((set, m) -> m.forEach((k, v) -> release(touched, set, k)));
        }
        ServicePortInfo p = next.ports().get(n);
        Map<String, String> oldObjects = full ? Map.of() : portObjects.getOrDefault(n, Map.of());
        Map<String, String> newObjects = p == null ? Map.of() : nextLayout.portObjects(p);
        if (!oldObjects.equals(newObjects)) {
          objectDelta.put(n, newObjects);
          for (Map.Entry<String, String> o : newObjects.entrySet()) {
            String before = oldObjects.get(o.getKey());
            if (!o.getValue().equals(before)) {
              objectWrites.put(o.getKey(), Map.entry(o.getValue(), before != null));
            }
          }
          List<String> gone = new ArrayList<>();
          for (String name : oldObjects.keySet()) {
            if (!newObjects.containsKey(name)) {
              gone.add(name);
            }
          }
          java.util.Collections.reverse(gone); // referrers (created last) first
          // Chains before sets: a set is deleted only once no rule refers to it.
          for (String name : gone) {
            if (oldObjects.get(name).startsWith("chain\n")) {
              objectDeletes.add(name);
            }
          }
          for (String name : gone) {
            if (oldObjects.get(name).startsWith("set\n")) {
              objectDeletes.add(name);
            }
          }
        }
        if (p != null) {
          Map<String, Map<String, String>> els = nextLayout.elements(p);
          els.values().removeIf(Map::isEmpty);
          portDelta.put(n, els);
          els.forEach((set, m) -> m.forEach((k, v) -> acquire(touched, set, k, v)));
        } else {
          portDelta.put(n, NO_PORT);
        }
      }
      // Net effect per touched key against what is committed.
      Map<String, List<String>> touchedBySet = new HashMap<>();
      for (String t : touched) {
        int z = t.indexOf('\0');
        touchedBySet
            .computeIfAbsent(t.substring(0, z), x -> new ArrayList<>())
            .add(t.substring(z + 1));
      }
      for (String set : NftLayout.ELEMENT_SETS) {
        List<String> keys = touchedBySet.get(set);
        if (keys == null) {
          continue;
        }
        Map<String, Ref> committed = full ? Map.of() : elements.getOrDefault(set, Map.of());
        for (String k : keys) {
          Ref before = committed.get(k);
          Ref after = current(set, k);
          if (before != null && (after == null || !before.value().equals(after.value()))) {
            deletes.computeIfAbsent(set, x -> new ArrayList<>()).add(k);
            if (isDispatch(set, before.value())) {
              refDelta.merge(chainOf(before.value()), -1, Integer::sum);
            }
          }
          if (after != null && (before == null || !before.value().equals(after.value()))) {
            adds.computeIfAbsent(set, x -> new LinkedHashMap<>()).put(k, after.value());
            if (isDispatch(set, after.value())) {
              refDelta.merge(chainOf(after.value()), 1, Integer::sum);
            }
          }
        }
      }
      // Dispatch chains: the closure of what the verdict maps reference (a handful).
      newChains = new LinkedHashSet<>();
      Set<String> direct = new TreeSet<>();
      if (!full) {
        direct.addAll(chainRefs.keySet());
      }
      direct.addAll(refDelta.keySet());
      for (String c : direct) {
        int n = (full ? 0 : chainRefs.getOrDefault(c, 0)) + refDelta.getOrDefault(c, 0);
        if (n > 0) {
          closure(c, newChains);
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

    private List<ServicePortName> perPortOf(String svc) {
      List<ServicePortName> out = new ArrayList<>();
      ServiceTable t = table;
      if (t != null) {
        for (ServicePortInfo p : t.servicePorts(svc)) {
          out.add(p.name());
        }
      }
      return out;
    }

    /** Whether a verdict-map value refers to a shared dispatch chain. */
    private boolean isDispatch(String set, String value) {
      return (set.equals("service-ips") || set.equals("service-nodeports"))
          && !NftLayout.isPortObject(chainOf(value));
    }

    private String chainOf(String verdict) {
      return verdict.substring("goto ".length());
    }

    private Ref current(String set, String k) {
      Map<String, Ref> d = delta.get(set);
      Ref r = d == null ? null : d.get(k);
      if (r != null) {
        return r.count() == 0 ? null : r;
      }
      return full ? null : elements.getOrDefault(set, Map.of()).get(k);
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

    private void acquire(Set<String> touched, String set, String k, String v) {
      touched.add(set + '\0' + k);
      Ref r = current(set, k);
      delta
          .computeIfAbsent(set, x -> new HashMap<>())
          .put(k, r == null ? new Ref(v, 1) : new Ref(v, r.count() + 1));
    }

    private void release(Set<String> touched, String set, String k) {
      touched.add(set + '\0' + k);
      Ref r = current(set, k);
      if (r == null) {
        return;
      }
      delta
          .computeIfAbsent(set, x -> new HashMap<>())
          .put(k, r.count() <= 1 ? GONE : new Ref(r.value(), r.count() - 1));
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
          && npDeletes.isEmpty()
          && objectWrites.isEmpty()
          && objectDeletes.isEmpty();
    }

    public int elementsAdded() {
      return adds.values().stream().mapToInt(Map::size).sum() + npAdds.size();
    }

    public int elementsDeleted() {
      return deletes.values().stream().mapToInt(List::size).sum() + npDeletes.size();
    }

    public int chainsAdded() {
      int n = addChains.size();
      for (Map.Entry<String, Boolean> w : objectWrites.values()) {
        n += w.getKey().startsWith("chain\n") && !w.getValue() ? 1 : 0;
      }
      return n;
    }

    public int chainsDeleted() {
      return deleteChains.size()
          + (int) objectDeletes.stream().filter(o -> !isSetObject(o)).count();
    }

    private boolean isSetObject(String name) {
      for (Map<String, String> m : portObjects.values()) {
        String d = m.get(name);
        if (d != null) {
          return d.startsWith("set\n");
        }
      }
      return false;
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
      objectWrites.forEach(
          (name, w) -> sb.append(nextLayout.portObjectCommands(name, w.getKey(), w.getValue())));
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
      for (String o : objectDeletes) {
        sb.append(isSetObject(o) ? "delete set " : "delete chain ")
            .append(q)
            .append(' ')
            .append(o)
            .append('\n');
      }
      if (sb.length() > 0) {
        out.add(sb.toString());
      }
      return out;
    }

    /** Makes the plan the committed state (after the kernel accepted it). */
    public void commit() {
      if (full) {
        elements = new HashMap<>();
        perPort = new HashMap<>();
        portObjects = new HashMap<>();
        chainRefs = new HashMap<>();
      }
      objectDelta.forEach(
          (n, o) -> {
            if (o.isEmpty()) {
              portObjects.remove(n);
            } else {
              portObjects.put(n, o);
            }
          });
      delta.forEach(
          (set, m) -> {
            Map<String, Ref> into = elements.computeIfAbsent(set, x -> new HashMap<>());
            m.forEach(
                (k, r) -> {
                  if (r.count() == 0) {
                    into.remove(k);
                  } else {
                    into.put(k, r);
                  }
                });
          });
      portDelta.forEach(
          (n, els) -> {
            if (els.isEmpty()) {
              perPort.remove(n);
            } else {
              perPort.put(n, els);
            }
          });
      refDelta.forEach(
          (c, d) -> {
            int n = chainRefs.getOrDefault(c, 0) + d;
            if (n > 0) {
              chainRefs.put(c, n);
            } else {
              chainRefs.remove(c);
            }
          });
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
