package dev.k8snet.core.netlink;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A route, as given to {@link Netlink#addRoute(Route)} or reported by {@link
 * Netlink#routes(IpFamily)}. Build one with {@link #builder(Cidr)}:
 *
 * <pre>{@code
 * nl.addRoute(Route.builder(Cidr.parse("10.244.1.0/24"))
 *     .gateway(IpAddress.parse("192.168.0.2"))
 *     .device(eth0)
 *     .protocol(RouteProtocol.STATIC)
 *     .build());
 * }</pre>
 *
 * @param destination the destination prefix ({@code 0.0.0.0/0} for a default route)
 * @param gateway the next hop, for single-path routes
 * @param linkIndex the output interface index, for single-path routes
 * @param table the routing table (default {@value #TABLE_MAIN})
 * @param scope the scope (default: LINK for a device route without gateway, otherwise UNIVERSE)
 * @param protocol who installed the route (default {@link RouteProtocol#BOOT}, as {@code ip})
 * @param type the route type (default {@link RouteType#UNICAST})
 * @param preferredSource the source address to prefer for traffic using this route
 * @param priority the metric
 * @param mtu the path MTU metric
 * @param nexthops the paths of a multipath route (empty for single-path)
 * @param onlink whether the gateway is taken as directly reachable on the device even though no
 *     address of the device covers it ({@code RTNH_F_ONLINK}, {@code ip route … onlink}); needs a
 *     gateway and a device
 * @since 0.1
 */
public record Route(
    Cidr destination,
    Optional<IpAddress> gateway,
    OptionalInt linkIndex,
    int table,
    RouteScope scope,
    RouteProtocol protocol,
    RouteType type,
    Optional<IpAddress> preferredSource,
    OptionalInt priority,
    OptionalInt mtu,
    List<Nexthop> nexthops,
    boolean onlink) {

  /** The main table. */
  public static final int TABLE_MAIN = 254;

  /** The local table (addresses of this host). */
  public static final int TABLE_LOCAL = 255;

  /**
   * Validates and copies the components.
   *
   * @param destination the destination prefix; not null
   * @param gateway the next hop; of the destination's family, absent when {@code nexthops} is given
   * @param linkIndex the output interface index; absent when {@code nexthops} is given
   * @param table the routing table, at least 1
   * @param scope the scope; not null
   * @param protocol who installed the route; not null
   * @param type the route type; not null
   * @param preferredSource the preferred source address; of the destination's family
   * @param priority the metric; not null
   * @param mtu the path MTU metric; not null
   * @param nexthops the paths of a multipath route; copied
   * @param onlink whether the gateway is on-link; needs both a gateway and a device
   */
  public Route {
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(gateway, "gateway");
    Objects.requireNonNull(linkIndex, "linkIndex");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(preferredSource, "preferredSource");
    Objects.requireNonNull(priority, "priority");
    Objects.requireNonNull(mtu, "mtu");
    nexthops = List.copyOf(nexthops);
    if (table < 1) {
      throw new IllegalArgumentException("table: " + table + " (expected: >= 1)");
    }
    IpFamily family = destination.family();
    gateway.ifPresent(g -> checkFamily("gateway", g, family));
    preferredSource.ifPresent(g -> checkFamily("preferredSource", g, family));
    if (!nexthops.isEmpty() && (gateway.isPresent() || linkIndex.isPresent())) {
      throw new IllegalArgumentException(
          "nexthops: " + nexthops + " (expected: no gateway or device besides nexthops)");
    }
    if (onlink && (gateway.isEmpty() || linkIndex.isEmpty())) {
      throw new IllegalArgumentException(
          "onlink: true (expected: a route with a gateway and a device)");
    }
  }

  /**
   * Returns a copy with the path MTU metric {@code value}, or none when empty.
   *
   * @param value the path MTU metric, or empty for none
   * @return a copy with the other components unchanged
   */
  public Route withMtu(OptionalInt value) {
    Objects.requireNonNull(value, "value");
    return new Route(
        destination,
        gateway,
        linkIndex,
        table,
        scope,
        protocol,
        type,
        preferredSource,
        priority,
        value,
        nexthops,
        onlink);
  }

  private static void checkFamily(String what, IpAddress a, IpFamily family) {
    if (a.family() != family) {
      throw new IllegalArgumentException(
          what + ": " + a + " (expected: an " + family + " address)");
    }
  }

  /**
   * Returns the address family of the destination.
   *
   * @return the family of {@link #destination()}
   */
  public IpFamily family() {
    return destination.family();
  }

  /**
   * Starts a route to {@code destination}.
   *
   * @param destination the destination prefix
   * @return a builder with the defaults documented on {@link Route}
   */
  public static Builder builder(Cidr destination) {
    return new Builder(destination);
  }

  /**
   * Builds a {@link Route}; not thread-safe.
   *
   * @since 0.1
   */
  public static final class Builder {
    private final Cidr destination;
    private Optional<IpAddress> gateway = Optional.empty();
    private OptionalInt linkIndex = OptionalInt.empty();
    private int table = TABLE_MAIN;
    private RouteScope scope;
    private RouteProtocol protocol = RouteProtocol.BOOT;
    private RouteType type = RouteType.UNICAST;
    private Optional<IpAddress> preferredSource = Optional.empty();
    private OptionalInt priority = OptionalInt.empty();
    private OptionalInt mtu = OptionalInt.empty();
    private final List<Nexthop> nexthops = new ArrayList<>();
    private boolean onlink;

    private Builder(Cidr destination) {
      this.destination = Objects.requireNonNull(destination, "destination");
    }

    /**
     * Sets the next hop.
     *
     * @param value the next hop, of the destination's family
     * @return this builder
     */
    public Builder gateway(IpAddress value) {
      this.gateway = Optional.of(value);
      return this;
    }

    /**
     * Sets the output interface.
     *
     * @param link the output interface
     * @return this builder
     */
    public Builder device(Link link) {
      return device(link.index());
    }

    /**
     * Sets the output interface by index.
     *
     * @param index the output interface index, &gt; 0
     * @return this builder
     */
    public Builder device(int index) {
      if (index <= 0) {
        throw new IllegalArgumentException("index: " + index + " (expected: > 0)");
      }
      this.linkIndex = OptionalInt.of(index);
      return this;
    }

    /**
     * Sets the table (1 to 2^32 − 1; {@value Route#TABLE_MAIN} is main).
     *
     * @param value the table id
     * @return this builder
     */
    public Builder table(int value) {
      this.table = value;
      return this;
    }

    /**
     * Sets the scope.
     *
     * @param value the scope
     * @return this builder
     */
    public Builder scope(RouteScope value) {
      this.scope = value;
      return this;
    }

    /**
     * Sets the protocol.
     *
     * @param value the protocol
     * @return this builder
     */
    public Builder protocol(RouteProtocol value) {
      this.protocol = value;
      return this;
    }

    /**
     * Sets the type.
     *
     * @param value the type
     * @return this builder
     */
    public Builder type(RouteType value) {
      this.type = value;
      return this;
    }

    /**
     * Sets the preferred source address.
     *
     * @param value the preferred source address, of the destination's family
     * @return this builder
     */
    public Builder preferredSource(IpAddress value) {
      this.preferredSource = Optional.of(value);
      return this;
    }

    /**
     * Sets the metric.
     *
     * @param value the metric, &gt;= 0
     * @return this builder
     */
    public Builder priority(int value) {
      if (value < 0) {
        throw new IllegalArgumentException("priority: " + value + " (expected: >= 0)");
      }
      this.priority = OptionalInt.of(value);
      return this;
    }

    /**
     * Sets the MTU metric.
     *
     * @param value the MTU, 68 to 65535
     * @return this builder
     */
    public Builder mtu(int value) {
      this.mtu = OptionalInt.of(LinkSpec.checkMtu(value));
      return this;
    }

    /**
     * Adds a path of a multipath route.
     *
     * @param value the path to add
     * @return this builder
     */
    public Builder nexthop(Nexthop value) {
      this.nexthops.add(Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Marks the gateway as directly reachable on the device ({@code onlink}), as for a VXLAN route
     * whose gateway is the remote tunnel address.
     *
     * @param value whether the gateway is on-link
     * @return this builder
     */
    public Builder onlink(boolean value) {
      this.onlink = value;
      return this;
    }

    /**
     * Returns the route.
     *
     * @return a new route; without a scope set: {@code HOST} for a local route, {@code LINK} for a
     *     unicast device route without gateway, otherwise {@code UNIVERSE}
     */
    public Route build() {
      RouteScope s = scope;
      if (s == null) {
        boolean onLink = gateway.isEmpty() && nexthops.isEmpty() && type.equals(RouteType.UNICAST);
        s =
            type.equals(RouteType.LOCAL)
                ? RouteScope.HOST
                : onLink && linkIndex.isPresent() ? RouteScope.LINK : RouteScope.UNIVERSE;
      }
      return new Route(
          destination,
          gateway,
          linkIndex,
          table,
          s,
          protocol,
          type,
          preferredSource,
          priority,
          mtu,
          nexthops,
          onlink);
    }
  }
}
