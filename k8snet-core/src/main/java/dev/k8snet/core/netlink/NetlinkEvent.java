package dev.k8snet.core.netlink;

import java.util.Objects;

/**
 * A change notification from a {@link NetlinkSubscription}.
 *
 * @since 0.1
 */
public sealed interface NetlinkEvent {

  /**
   * Whether the object was created/changed or deleted.
   *
   * @since 0.1
   */
  enum Change {
    /** Created or changed ({@code RTM_NEW*}). */
    NEW,
    /** Deleted ({@code RTM_DEL*}). */
    DELETED
  }

  /**
   * A link was created, changed or deleted.
   *
   * @param change new/changed or deleted
   * @param link the link's state
   * @since 0.1
   */
  record LinkEvent(Change change, Link link) implements NetlinkEvent {
    /**
     * Checks for nulls.
     *
     * @param change new/changed or deleted
     * @param link the link's state
     */
    public LinkEvent {
      Objects.requireNonNull(change, "change");
      Objects.requireNonNull(link, "link");
    }
  }

  /**
   * An address was added or removed.
   *
   * @param change new or deleted
   * @param address the address
   * @since 0.1
   */
  record AddressEvent(Change change, Address address) implements NetlinkEvent {
    /**
     * Checks for nulls.
     *
     * @param change new or deleted
     * @param address the address
     */
    public AddressEvent {
      Objects.requireNonNull(change, "change");
      Objects.requireNonNull(address, "address");
    }
  }

  /**
   * A route was added or removed.
   *
   * @param change new or deleted
   * @param route the route
   * @since 0.1
   */
  record RouteEvent(Change change, Route route) implements NetlinkEvent {
    /**
     * Checks for nulls.
     *
     * @param change new or deleted
     * @param route the route
     */
    public RouteEvent {
      Objects.requireNonNull(change, "change");
      Objects.requireNonNull(route, "route");
    }
  }

  /**
   * A neighbour or FDB entry was added, changed or removed.
   *
   * @param change new/changed or deleted
   * @param neighbour the entry
   * @since 0.1
   */
  record NeighbourEvent(Change change, Neighbour neighbour) implements NetlinkEvent {
    /**
     * Checks for nulls.
     *
     * @param change new/changed or deleted
     * @param neighbour the entry
     */
    public NeighbourEvent {
      Objects.requireNonNull(change, "change");
      Objects.requireNonNull(neighbour, "neighbour");
    }
  }

  /**
   * The kernel dropped notifications because the subscriber was too slow (ENOBUFS). The caller's
   * view may be stale: list the objects again (resync).
   *
   * @since 0.1
   */
  record Overflow() implements NetlinkEvent {}
}
