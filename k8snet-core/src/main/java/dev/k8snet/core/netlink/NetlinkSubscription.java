package dev.k8snet.core.netlink;

import dev.k8snet.core.internal.netlink.NetlinkSocket;
import dev.k8snet.core.internal.netlink.NlMessage;
import dev.k8snet.core.internal.netlink.Rtnl;
import dev.k8snet.core.internal.sys.Sys;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.Set;

/**
 * A stream of change notifications of one namespace, from {@link Netlink#subscribe(Set)}.
 *
 * <p>Read it with {@link #poll(Duration)} from one thread at a time. Notifications queue in the
 * socket's receive buffer (1 MiB) until read; when it overflows, the next poll returns {@link
 * NetlinkEvent.Overflow} and the caller should list the objects again. Close it to leave the
 * groups.
 *
 * @since 0.1
 */
public final class NetlinkSubscription implements AutoCloseable {
  private final NetlinkSocket socket;
  private final Set<NetlinkGroup> groups;
  private final ArrayDeque<NetlinkEvent> pending = new ArrayDeque<>();

  NetlinkSubscription(NetlinkSocket socket, Set<NetlinkGroup> groups) {
    this.socket = socket;
    this.groups = Set.copyOf(groups);
  }

  /**
   * Returns the groups joined.
   *
   * @return the groups given when subscribing
   */
  public Set<NetlinkGroup> groups() {
    return groups;
  }

  /**
   * Returns the next notification, waiting at most {@code timeout}.
   *
   * @return the event, or empty when none arrived in time
   * @param timeout the longest time to wait
   * @throws NetlinkException when the socket fails
   */
  public synchronized Optional<NetlinkEvent> poll(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (pending.isEmpty()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return Optional.empty();
      }
      try {
        for (NlMessage m : socket.receiveNotifications(Duration.ofNanos(left))) {
          NetlinkEvent e = toEvent(m);
          if (e != null) {
            pending.add(e);
          }
        }
      } catch (NetlinkException e) {
        if (e.errno() != Sys.ENOBUFS) {
          throw e;
        }
        pending.add(new NetlinkEvent.Overflow());
      }
    }
    return Optional.of(pending.poll());
  }

  private static NetlinkEvent toEvent(NlMessage m) {
    NetlinkEvent.Change change =
        (m.type() & 3) == 1 ? NetlinkEvent.Change.DELETED : NetlinkEvent.Change.NEW;
    return switch (m.type()) {
      case Rtnl.RTM_NEWLINK, Rtnl.RTM_DELLINK ->
          new NetlinkEvent.LinkEvent(change, Netlink.decode(m, Rtnl::link));
      case Rtnl.RTM_NEWADDR, Rtnl.RTM_DELADDR ->
          new NetlinkEvent.AddressEvent(change, Netlink.decode(m, Rtnl::address));
      case Rtnl.RTM_NEWROUTE, Rtnl.RTM_DELROUTE ->
          new NetlinkEvent.RouteEvent(change, Netlink.decode(m, Rtnl::route));
      case Rtnl.RTM_NEWNEIGH, Rtnl.RTM_DELNEIGH ->
          new NetlinkEvent.NeighbourEvent(change, Netlink.decode(m, Rtnl::neighbour));
      default -> null;
    };
  }

  /** Closes the subscription's socket; idempotent. */
  @Override
  public void close() {
    socket.close();
  }
}
