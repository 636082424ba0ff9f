package dev.k8snet.proxy;

import dev.k8snet.core.IpFamily;
import dev.k8snet.core.nftables.NftRuleset;
import dev.k8snet.core.nftables.Nftables;
import dev.k8snet.core.nftables.NftablesException;
import dev.k8snet.proxy.internal.NftMirror;
import dev.k8snet.proxy.internal.NftReconcile;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Programs service tables into nftables: one table per family ({@code ip k8snet-proxy}, {@code ip6
 * k8snet-proxy}) in the namespace of the given {@link Nftables} session.
 *
 * <p>Layout: base chains at kube-proxy's hooks and priorities (filter -110 pre-DNAT, dstnat, filter
 * 0, srcnat); every service is elements of a few named maps and sets, and endpoints are chosen by a
 * shared chain per endpoint count ({@code numgen random mod N} over the frontend's slot elements).
 * There are no per-service chains or anonymous maps, so a change of one service is a handful of
 * element updates whatever the table size.
 *
 * <p>Syncs are incremental: the proxy keeps an in-memory mirror of what it committed and sends only
 * the difference; a partial sync never lists the kernel table. A full sync (the first one, the one
 * after a failed transaction, and the periodic reconcile the caller asks for) reads the table back
 * and repairs what drifted from the desired state, keeping what did not (an existing table from a
 * previous run is adopted, so a restart neither flushes the rules nor forgets affinity clients). A
 * missing table is built in bounded transactions ordered so that nothing is referenced before it
 * exists and the REJECT entries come last. A failed transaction throws and leaves the previous
 * rules in force.
 *
 * <p>Not thread-safe: one thread syncs. Closing does not remove the rules (so traffic keeps flowing
 * across restarts); {@link #delete()} does.
 *
 * <pre>{@code
 * try (Nftables nft = ns.nftables(); NftablesProxy proxy = NftablesProxy.create(nft)) {
 *   proxy.sync(List.of(ServiceTable.build(state, node, config, IpFamily.IPV4)));
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class NftablesProxy implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NftablesProxy.class);

  /** The default table name, {@value}. */
  public static final String DEFAULT_TABLE = "k8snet-proxy";

  /** The default bound of elements per cold-start transaction, {@value}. */
  public static final int DEFAULT_MAX_ELEMENTS_PER_TRANSACTION = 100_000;

  private final Nftables nft;
  private final String tableName;
  private final int maxElements;
  private final Map<IpFamily, NftMirror> mirrors = new EnumMap<>(IpFamily.class);
  private boolean needFull = true;

  private NftablesProxy(Nftables nft, String tableName, int maxElements) {
    this.nft = nft;
    this.tableName = tableName;
    this.maxElements = maxElements;
  }

  /**
   * Creates a proxy writing the default table through {@code nft}; touches nothing until the first
   * sync.
   *
   * @param nft the session (not closed by the proxy)
   * @return the proxy
   */
  public static NftablesProxy create(Nftables nft) {
    return create(nft, DEFAULT_TABLE, DEFAULT_MAX_ELEMENTS_PER_TRANSACTION);
  }

  /**
   * Creates a proxy with a table name and a cold-start transaction bound.
   *
   * @param nft the session (not closed by the proxy)
   * @param tableName the table name in each family
   * @param maxElementsPerTransaction the most elements in one cold-start transaction
   * @return the proxy
   */
  public static NftablesProxy create(
      Nftables nft, String tableName, int maxElementsPerTransaction) {
    Objects.requireNonNull(nft, "nft");
    Objects.requireNonNull(tableName, "tableName");
    if (!tableName.matches("[A-Za-z][A-Za-z0-9_-]{0,63}")) {
      throw new IllegalArgumentException(
          "tableName: " + tableName + " (expected: letters, digits, '_' or '-')");
    }
    if (maxElementsPerTransaction < 1) {
      throw new IllegalArgumentException(
          "maxElementsPerTransaction: " + maxElementsPerTransaction + " (expected: >= 1)");
    }
    return new NftablesProxy(nft, tableName, maxElementsPerTransaction);
  }

  /**
   * Renders the tables as one nft script that creates them from scratch (loadable with {@code nft
   * -f}; an existing table of the same name is replaced).
   *
   * @param tables one table per family
   * @return the script
   */
  public static String render(List<ServiceTable> tables) {
    StringBuilder sb = new StringBuilder();
    for (ServiceTable t : tables) {
      NftMirror m = new NftMirror(DEFAULT_TABLE);
      for (String s : m.plan(t, Set.of(), true).scripts(true, Integer.MAX_VALUE)) {
        sb.append(s);
      }
    }
    return sb.toString();
  }

  /**
   * Brings the kernel to {@code tables}: a diff against what this proxy committed before, or a full
   * sync the first time and after a failure.
   *
   * @param tables one table per family; a family left out is not touched
   * @return what was done
   * @throws NftablesException if the kernel rejected a transaction; the rules in force are those
   *     before the failed transaction, and the next sync is a full one
   */
  public SyncResult sync(List<ServiceTable> tables) {
    return sync(tables, false);
  }

  /**
   * Like {@link #sync(List)}, optionally as a full sync (the start-up and periodic reconcile): the
   * table is read back from the kernel and compared with the desired state; what drifted (elements,
   * chains or sets missing, extra or changed, by anyone) is repaired in one transaction, and the
   * rest, including the clients remembered for session affinity, is left alone. A table of another
   * structure (other settings, a fixed chain changed) is replaced atomically; a missing one is
   * built in bounded transactions. A partial sync never reads the kernel.
   *
   * @param tables one table per family
   * @param full whether to make a full sync
   * @return what was done
   */
  public SyncResult sync(List<ServiceTable> tables, boolean full) {
    long start = System.nanoTime();
    boolean reconcile = full || needFull;
    int tx = 0;
    int added = 0;
    int deleted = 0;
    int chainsAdded = 0;
    int chainsDeleted = 0;
    int repairs = 0;
    boolean rebuilt = false;
    try {
      for (ServiceTable t : tables) {
        NftMirror m = mirrors.computeIfAbsent(t.family(), f -> new NftMirror(tableName));
        if (reconcile) {
          NftMirror.Plan desired = m.plan(t, Set.of(), true);
          Optional<NftRuleset> actual = readBack(t.family());
          Optional<NftReconcile> repair = NftReconcile.of(desired, actual);
          if (repair.isEmpty()) {
            boolean exists = actual.isPresent();
            for (String s : desired.scripts(exists, exists ? Integer.MAX_VALUE : maxElements)) {
              nft.apply(s);
              tx++;
            }
            rebuilt = true;
            repairs += exists ? 1 : 0;
            added += desired.elementsAdded();
            chainsAdded += desired.chainsAdded();
          } else if (!repair.get().script().isEmpty()) {
            log.info(
                "{} table {}: repairing {} drifted object(s)",
                t.family().kubernetesName(),
                tableName,
                repair.get().repairs());
            nft.apply(repair.get().script());
            tx++;
            repairs += repair.get().repairs();
          }
          desired.commit();
          continue;
        }
        Set<String> changed = m.table() == null ? Set.of() : t.changedServices(m.table());
        NftMirror.Plan plan = m.plan(t, changed, false);
        if (plan.isEmpty()) {
          plan.commit();
          continue;
        }
        List<String> scripts;
        if (plan.full()) {
          // The settings changed the table's structure: replace it atomically.
          rebuilt = true;
          boolean exists = readBack(t.family()).isPresent();
          scripts = plan.scripts(exists, exists ? Integer.MAX_VALUE : maxElements);
        } else {
          scripts = plan.scripts(false, Integer.MAX_VALUE);
        }
        for (String s : scripts) {
          nft.apply(s);
          tx++;
        }
        plan.commit();
        added += plan.elementsAdded();
        deleted += plan.elementsDeleted();
        chainsAdded += plan.chainsAdded();
        chainsDeleted += plan.chainsDeleted();
      }
      needFull = false;
    } catch (RuntimeException e) {
      needFull = true;
      throw e;
    }
    int elements = mirrors.values().stream().mapToInt(NftMirror::elementCount).sum();
    int chains = mirrors.values().stream().mapToInt(NftMirror::chainCount).sum();
    SyncResult r =
        new SyncResult(
            reconcile,
            rebuilt,
            repairs,
            tx,
            added,
            deleted,
            chainsAdded,
            chainsDeleted,
            elements,
            chains,
            Duration.ofNanos(System.nanoTime() - start));
    log.debug("sync: {}", r);
    return r;
  }

  /** Reads one family's table back; empty when there is none. */
  private Optional<NftRuleset> readBack(IpFamily family) {
    String af = family == IpFamily.IPV4 ? "ip" : "ip6";
    try {
      NftRuleset rs = nft.table(af, tableName);
      return rs.table(af, tableName).isPresent() ? Optional.of(rs) : Optional.empty();
    } catch (NftablesException e) {
      return Optional.empty();
    }
  }

  /**
   * Returns the elements this proxy believes are committed in one set or map of a family's table
   * (key to value; value empty for sets), for inspection and tests.
   *
   * @param family the family
   * @param set the set or map name
   * @return the elements
   */
  public Map<String, String> committedElements(IpFamily family, String set) {
    NftMirror m = mirrors.get(family);
    return m == null ? Map.of() : m.elements(set);
  }

  /**
   * Returns the dispatch chains this proxy believes are committed in a family's table.
   *
   * @param family the family
   * @return chain names, sorted
   */
  public List<String> committedChains(IpFamily family) {
    NftMirror m = mirrors.get(family);
    return m == null ? List.of() : m.chains().stream().sorted().collect(Collectors.toList());
  }

  /**
   * Returns the sets and chains this proxy believes are committed for single service ports in a
   * family's table (those of ClientIP affinity: per endpoint a client set and a chain, per port its
   * pick and frontend chains), as name to definition ({@code set} or {@code chain} on the first
   * line, then the set's properties or the chain's rules), for inspection and tests.
   *
   * @param family the family
   * @return the objects, by name
   */
  public Map<String, String> committedPortObjects(IpFamily family) {
    NftMirror m = mirrors.get(family);
    return m == null ? Map.of() : m.portObjects();
  }

  /** Removes this proxy's tables from the kernel and forgets them. */
  public void delete() {
    StringBuilder sb = new StringBuilder();
    for (String af : List.of("ip", "ip6")) {
      sb.append("table ").append(af).append(' ').append(tableName).append(" {}\n");
      sb.append("delete table ").append(af).append(' ').append(tableName).append('\n');
    }
    nft.apply(sb.toString());
    mirrors.values().forEach(NftMirror::reset);
    needFull = true;
  }

  /** Forgets the mirror; the rules stay in force. */
  @Override
  public void close() {
    mirrors.clear();
  }

  @Override
  public String toString() {
    return "NftablesProxy[" + tableName + "]";
  }
}
