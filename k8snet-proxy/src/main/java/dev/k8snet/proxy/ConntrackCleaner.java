package dev.k8snet.proxy;

import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.netlink.Conntrack;
import dev.k8snet.core.netlink.ConntrackEntry;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes stale UDP and SCTP connection-tracking entries after a sync, as kube-proxy's conntrack
 * reconciler does: without it a datagram flow keeps going to the endpoint it was first DNATed to,
 * long after that endpoint left the service (blackholed DNS and the like).
 *
 * <p>An entry is stale when (kube-proxy's rule) its original destination is a frontend of a UDP or
 * SCTP service port ({@code ClusterIP:port}, {@code externalIP:port}, {@code loadBalancerIP:port},
 * or a node port on one of the node's node-port addresses) and its reply comes from an address that
 * is not a serving endpoint of that port. Traffic policies, topology and terminating state are
 * deliberately ignored, so a policy change does not cut existing flows. Unlike kube-proxy before
 * its fix for scale-to-zero, a port with no serving endpoint at all loses every flow. Also stale:
 * DNATed entries to a frontend that the previous clean saw and that no longer exists (a deleted
 * service, a changed ClusterIP or node port). TCP is left to its own state machine. A restart keeps
 * healthy flows: a flow answered by a serving endpoint is never removed, the first clean included.
 *
 * <p>Not thread-safe: call it from the thread that syncs, after each successful sync.
 *
 * @since 0.1.0
 */
public final class ConntrackCleaner {
  private static final Logger log = LoggerFactory.getLogger(ConntrackCleaner.class);
  private static final List<Protocol> CLEANED = List.of(Protocol.UDP, Protocol.SCTP);

  private final Conntrack conntrack;
  private final Map<IpFamily, ServiceTable> previous = new EnumMap<>(IpFamily.class);

  private ConntrackCleaner(Conntrack conntrack) {
    this.conntrack = conntrack;
  }

  /**
   * Creates a cleaner working on the table of {@code conntrack}'s namespace.
   *
   * @param conntrack the connection-tracking handle (not closed by the cleaner)
   * @return the cleaner
   */
  public static ConntrackCleaner create(Conntrack conntrack) {
    return new ConntrackCleaner(Objects.requireNonNull(conntrack, "conntrack"));
  }

  /**
   * Deletes the stale entries for the tables just programmed and remembers them for the next clean.
   * A family whose tables (this time and last time) have no UDP or SCTP port is not even listed.
   *
   * @param tables the tables of the last successful sync, one per family
   * @return the number of entries deleted
   * @throws dev.k8snet.core.netlink.NetlinkException if the kernel refused a listing or a delete;
   *     the tables are remembered all the same
   */
  public int clean(List<ServiceTable> tables) {
    int deleted = 0;
    try {
      for (ServiceTable t : tables) {
        ServiceTable before = previous.get(t.family());
        if (!usesCleanedProtocols(t) && (before == null || !usesCleanedProtocols(before))) {
          continue;
        }
        Predicate<ConntrackEntry> stale = staleFlows(before, t);
        for (Protocol p : CLEANED) {
          deleted += conntrack.delete(t.family(), OptionalInt.of(p.number()), stale);
        }
      }
    } finally {
      for (ServiceTable t : tables) {
        previous.put(t.family(), t);
      }
    }
    if (deleted > 0) {
      log.debug("deleted {} stale conntrack entries", deleted);
    }
    return deleted;
  }

  private static boolean usesCleanedProtocols(ServiceTable t) {
    for (ServicePortInfo p : t.ports().values()) {
      if (CLEANED.contains(p.protocol())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns the rule that decides which entries are stale (pure; see the class description).
   *
   * @param previous the table of the previous clean, if any (null for none)
   * @param current the table now programmed
   * @return true for an entry to delete
   */
  static Predicate<ConntrackEntry> staleFlows(ServiceTable previous, ServiceTable current) {
    return e -> {
      Optional<Protocol> proto = e.serviceProtocol();
      if (proto.isEmpty() || !CLEANED.contains(proto.get()) || e.family() != current.family()) {
        return false;
      }
      IpAddress dst = e.original().destination();
      int dport = e.original().destinationPort();
      IpAddress replySrc = e.reply().source();
      Optional<ServicePortInfo> p = current.frontend(dst, proto.get(), dport);
      if (p.isEmpty() && current.isNodePortAddress(dst)) {
        p = current.nodePort(proto.get(), dport);
      }
      if (p.isPresent()) {
        return p.get().servingEndpoints().stream().noneMatch(s -> s.ip().equals(replySrc));
      }
      if (previous == null || replySrc.equals(dst)) {
        return false; // not ours, or never DNATed
      }
      // A frontend that went away since the last clean.
      return previous.frontend(dst, proto.get(), dport).isPresent()
          || (previous.isNodePortAddress(dst) && previous.nodePort(proto.get(), dport).isPresent());
    };
  }

  @Override
  public String toString() {
    return "ConntrackCleaner[" + conntrack + "]";
  }
}
