package dev.k8snet.core.netlink;

import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.MacAddress;
import dev.k8snet.core.internal.netlink.NetlinkCodecException;
import dev.k8snet.core.internal.netlink.NetlinkSocket;
import dev.k8snet.core.internal.netlink.Nl;
import dev.k8snet.core.internal.netlink.NlMessage;
import dev.k8snet.core.internal.netlink.NlWriter;
import dev.k8snet.core.internal.netlink.Rtnl;
import dev.k8snet.core.internal.sys.Sys;
import dev.k8snet.core.netns.NetworkNamespace;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * An rtnetlink handle bound to one network namespace: links, addresses, routes and neighbours, read
 * and changed through one netlink socket, plus change notifications.
 *
 * <p>Obtain one with {@link NetworkNamespace#netlink()} (or {@link #open()} for the calling
 * thread's namespace). The socket is opened on a short-lived platform thread inside the namespace
 * and stays bound to it, so the handle may be used from any thread, including virtual and pooled
 * ones; requests are serialised. Every request waits for the kernel's answer for at most the
 * handle's timeout (default 10 s) and then fails with errno {@code ETIMEDOUT}.
 *
 * <pre>{@code
 * try (NetworkNamespace ns = NetworkNamespace.create("pod-1");
 *     Netlink nl = ns.netlink()) {
 *   Link lo = nl.link("lo").orElseThrow();
 *   nl.setUp(lo);
 *   nl.addLink(LinkSpec.of("br0", LinkKind.bridge()));
 *   Link br0 = nl.link("br0").orElseThrow();
 *   nl.addAddress(Address.of(br0, InterfaceAddress.parse("10.244.0.1/24")));
 *   nl.setUp(br0);
 *   nl.addRoute(Route.builder(Cidr.parse("10.96.0.0/12")).device(br0).build());
 * }
 * }</pre>
 *
 * <p>Kernel refusals throw {@link NetlinkException} with errno, operation, object and the kernel's
 * extended-ACK text; bad arguments throw {@link IllegalArgumentException} before anything is sent.
 * Lookups that find nothing return an empty {@code Optional}.
 *
 * @since 0.1
 */
public final class Netlink implements AutoCloseable {
  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  /** The default deadline of each request. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private final NetworkNamespace namespace;
  private final boolean ownsNamespace;
  private final NetlinkSocket socket;
  private final Duration timeout;

  private Netlink(
      NetworkNamespace namespace, boolean ownsNamespace, NetlinkSocket socket, Duration timeout) {
    this.namespace = namespace;
    this.ownsNamespace = ownsNamespace;
    this.socket = socket;
    this.timeout = timeout;
  }

  /**
   * Opens a handle bound to the calling thread's current network namespace.
   *
   * @return a handle that must be closed
   */
  public static Netlink open() {
    NetworkNamespace ns = NetworkNamespace.current();
    try {
      return new Netlink(ns, true, openSocket(new int[0], DEFAULT_TIMEOUT), DEFAULT_TIMEOUT);
    } catch (RuntimeException e) {
      ns.close();
      throw e;
    }
  }

  /**
   * Opens a handle bound to {@code ns} with the default timeout; {@code ns} must stay open while
   * the handle is used. Same as {@link NetworkNamespace#netlink()}.
   *
   * @param ns the namespace; must stay open while the handle is used
   * @return a handle that must be closed
   */
  public static Netlink open(NetworkNamespace ns) {
    return open(ns, DEFAULT_TIMEOUT);
  }

  /**
   * Opens a handle bound to {@code ns} whose requests each wait at most {@code timeout}.
   *
   * @param ns the namespace; must stay open while the handle is used
   * @param timeout the longest time each request waits for the kernel's answer
   * @return a handle that must be closed
   */
  public static Netlink open(NetworkNamespace ns, Duration timeout) {
    Objects.requireNonNull(ns, "ns");
    checkTimeout(timeout);
    return new Netlink(ns, false, socketIn(ns, new int[0], timeout), timeout);
  }

  private static void checkTimeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
    }
  }

  private static NetlinkSocket socketIn(NetworkNamespace ns, int[] groups, Duration timeout) {
    if (ns.inode() == Sys.currentThreadNamespaceInode()) {
      return openSocket(groups, timeout);
    }
    return ns.run(() -> openSocket(groups, timeout));
  }

  private static NetlinkSocket openSocket(int[] groups, Duration timeout) {
    return NetlinkSocket.open(Nl.NETLINK_ROUTE, groups, timeout, Rtnl::attributeName);
  }

  /**
   * Returns the namespace this handle is bound to.
   *
   * @return the namespace given to {@code open}, or the calling thread's namespace when opened
   */
  public NetworkNamespace namespace() {
    return namespace;
  }

  // ---------------------------------------------------------------- links

  /**
   * Looks up a link by name with one kernel request (no dump).
   *
   * @return the link, or empty when there is none of that name
   * @param name the interface name
   */
  public Optional<Link> link(String name) {
    LinkSpec.checkName("name", name);
    return getLink(
        w -> {
          ifinfo(w, Rtnl.AF_UNSPEC, 0, 0, 0);
          w.attrString(Rtnl.IFLA_IFNAME, name);
          w.attrU32(Rtnl.IFLA_EXT_MASK, Rtnl.RTEXT_FILTER_SKIP_STATS);
        },
        name);
  }

  /**
   * Looks up a link by index with one kernel request (no dump).
   *
   * @return the link, or empty when there is none with that index
   * @param index the interface index in this namespace
   */
  public Optional<Link> link(int index) {
    if (index <= 0) {
      throw new IllegalArgumentException("index: " + index + " (expected: > 0)");
    }
    return getLink(
        w -> {
          ifinfo(w, Rtnl.AF_UNSPEC, index, 0, 0);
          w.attrU32(Rtnl.IFLA_EXT_MASK, Rtnl.RTEXT_FILTER_SKIP_STATS);
        },
        index);
  }

  private Optional<Link> getLink(NetlinkSocket.Encoder enc, Object subject) {
    try {
      return Optional.of(
          decode(socket.get(Rtnl.RTM_GETLINK, enc, "get link", subject), Rtnl::link));
    } catch (NetlinkException e) {
      if (e.errno() == Sys.ENODEV) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * Lists all links of the namespace.
   *
   * @return every link of the namespace, as one dump read them
   */
  public List<Link> links() {
    List<Link> out = new ArrayList<>();
    for (NlMessage m :
        socket.dump(
            Rtnl.RTM_GETLINK,
            w -> {
              ifinfo(w, Rtnl.AF_UNSPEC, 0, 0, 0);
              w.attrU32(Rtnl.IFLA_EXT_MASK, Rtnl.RTEXT_FILTER_SKIP_STATS);
            },
            "list links",
            null)) {
      if (m.type() == Rtnl.RTM_NEWLINK) {
        out.add(decode(m, Rtnl::link));
      }
    }
    return List.copyOf(out);
  }

  /**
   * Creates a link. A veth peer can be created directly in another namespace ({@link
   * LinkKind.Veth#peerNamespace(NetworkNamespace)}), and the link itself too ({@link
   * LinkSpec.Builder#namespace(NetworkNamespace)}).
   *
   * @param spec the name, kind and settings of the link
   * @throws NetlinkException e.g. {@code EEXIST} when the name is taken, {@code EOPNOTSUPP} when
   *     the kernel lacks the kind
   */
  public void addLink(LinkSpec spec) {
    Objects.requireNonNull(spec, "spec");
    socket.ack(
        Rtnl.RTM_NEWLINK,
        Nl.NLM_F_CREATE | Nl.NLM_F_EXCL,
        w -> {
          int up = spec.up() ? Link.IFF_UP : 0;
          ifinfo(w, Rtnl.AF_UNSPEC, 0, up, up);
          w.attrString(Rtnl.IFLA_IFNAME, spec.name());
          spec.mtu().ifPresent(mtu -> w.attrU32(Rtnl.IFLA_MTU, mtu));
          spec.mac().ifPresent(mac -> w.attr(Rtnl.IFLA_ADDRESS, mac.toBytes()));
          spec.masterIndex().ifPresent(i -> w.attrU32(Rtnl.IFLA_MASTER, i));
          spec.namespace().ifPresent(ns -> w.attrU32(Rtnl.IFLA_NET_NS_FD, ns.descriptor()));
          if (spec.kind() instanceof LinkKind.Macvlan mv) {
            w.attrU32(Rtnl.IFLA_LINK, mv.parentIndex());
          } else if (spec.kind() instanceof LinkKind.Vlan vlan) {
            w.attrU32(Rtnl.IFLA_LINK, vlan.parentIndex());
          }
          int info = w.beginNest(Rtnl.IFLA_LINKINFO);
          w.attrString(Rtnl.IFLA_INFO_KIND, spec.kind().name());
          encodeKindData(w, spec.kind());
          w.endNest(info);
        },
        "add link",
        spec.name());
  }

  private static void encodeKindData(NlWriter w, LinkKind kind) {
    if (kind instanceof LinkKind.Veth veth) {
      int data = w.beginNest(Rtnl.IFLA_INFO_DATA);
      int peer = w.beginNest(Rtnl.VETH_INFO_PEER);
      ifinfo(w, Rtnl.AF_UNSPEC, 0, 0, 0);
      w.attrString(Rtnl.IFLA_IFNAME, veth.peerName());
      veth.peerMtu().ifPresent(mtu -> w.attrU32(Rtnl.IFLA_MTU, mtu));
      veth.peerMac().ifPresent(mac -> w.attr(Rtnl.IFLA_ADDRESS, mac.toBytes()));
      veth.peerNamespace().ifPresent(ns -> w.attrU32(Rtnl.IFLA_NET_NS_FD, ns.descriptor()));
      w.endNest(peer);
      w.endNest(data);
    } else if (kind instanceof LinkKind.Vxlan vx) {
      int data = w.beginNest(Rtnl.IFLA_INFO_DATA);
      w.attrU32(Rtnl.IFLA_VXLAN_ID, vx.vni());
      vx.local()
          .ifPresent(
              ip ->
                  w.attr(
                      ip.isIpv4() ? Rtnl.IFLA_VXLAN_LOCAL : Rtnl.IFLA_VXLAN_LOCAL6, ip.toBytes()));
      vx.deviceIndex().ifPresent(i -> w.attrU32(Rtnl.IFLA_VXLAN_LINK, i));
      w.attrU16Be(Rtnl.IFLA_VXLAN_PORT, vx.port());
      w.attrU8(Rtnl.IFLA_VXLAN_LEARNING, vx.learning() ? 1 : 0);
      w.endNest(data);
    } else if (kind instanceof LinkKind.Vlan vlan) {
      int data = w.beginNest(Rtnl.IFLA_INFO_DATA);
      w.attrU16(Rtnl.IFLA_VLAN_ID, vlan.id());
      w.endNest(data);
    } else if (kind instanceof LinkKind.Macvlan mv) {
      int data = w.beginNest(Rtnl.IFLA_INFO_DATA);
      w.attrU32(Rtnl.IFLA_MACVLAN_MODE, mv.mode().code());
      w.endNest(data);
    }
  }

  /**
   * Brings a link administratively up.
   *
   * @param link the link
   */
  public void setUp(Link link) {
    setFlags(link, Link.IFF_UP, "set link up");
  }

  /**
   * Brings a link administratively down.
   *
   * @param link the link
   */
  public void setDown(Link link) {
    setFlags(link, 0, "set link down");
  }

  private void setFlags(Link link, int flags, String op) {
    int index = index(link);
    socket.ack(
        Rtnl.RTM_NEWLINK,
        0,
        w -> ifinfo(w, Rtnl.AF_UNSPEC, index, flags, Link.IFF_UP),
        op,
        link.name());
  }

  /**
   * Sets a link's MTU (68 to 65535; the device may allow less).
   *
   * @param link the link
   * @param mtu the MTU in bytes, 68 to 65535
   */
  public void setMtu(Link link, int mtu) {
    LinkSpec.checkMtu(mtu);
    setAttr(link, "set link mtu", w -> w.attrU32(Rtnl.IFLA_MTU, mtu));
  }

  /**
   * Sets a link's MAC address.
   *
   * @param link the link
   * @param mac the new address
   */
  public void setMac(Link link, MacAddress mac) {
    Objects.requireNonNull(mac, "mac");
    setAttr(link, "set link address", w -> w.attr(Rtnl.IFLA_ADDRESS, mac.toBytes()));
  }

  /**
   * Renames a link (it must be down).
   *
   * @param link the link, down
   * @param newName the new interface name
   */
  public void rename(Link link, String newName) {
    LinkSpec.checkName("newName", newName);
    setAttr(link, "rename link", w -> w.attrString(Rtnl.IFLA_IFNAME, newName));
  }

  /**
   * Enslaves {@code link} to the bridge (or bond) {@code master}.
   *
   * @param link the link to enslave
   * @param master the bridge or bond
   */
  public void setMaster(Link link, Link master) {
    int m = index(master);
    setAttr(link, "set link master", w -> w.attrU32(Rtnl.IFLA_MASTER, m));
  }

  /**
   * Releases {@code link} from its bridge or bond.
   *
   * @param link the enslaved link
   */
  public void setNoMaster(Link link) {
    setAttr(link, "set link nomaster", w -> w.attrU32(Rtnl.IFLA_MASTER, 0));
  }

  /**
   * Sets a flag of a bridge port, i.e. of a link enslaved to a bridge.
   *
   * @param port the bridge port
   * @param flag the flag
   * @param on whether to set or clear the flag
   * @throws NetlinkException e.g. {@code EOPNOTSUPP} when {@code port} is not on a bridge
   */
  public void setBridgePortFlag(Link port, BridgePortFlag flag, boolean on) {
    Objects.requireNonNull(flag, "flag");
    int index = index(port);
    int attr =
        switch (flag) {
          case HAIRPIN -> Rtnl.IFLA_BRPORT_MODE;
          case ISOLATED -> Rtnl.IFLA_BRPORT_ISOLATED;
        };
    socket.ack(
        Rtnl.RTM_SETLINK,
        0,
        w -> {
          ifinfo(w, Rtnl.AF_BRIDGE, index, 0, 0);
          int nest = w.beginNest(Rtnl.IFLA_PROTINFO | Nl.NLA_F_NESTED);
          w.attrU8(attr, on ? 1 : 0);
          w.endNest(nest);
        },
        "set bridge port " + flag.name().toLowerCase(Locale.ROOT),
        port.name());
  }

  /**
   * Turns VLAN filtering of a bridge on or off ({@code ip link set BRIDGE type bridge
   * vlan_filtering 1}); with it on, each port forwards only the VLANs added to it.
   *
   * @param bridge the bridge
   * @param on whether filtering is on
   */
  public void setVlanFiltering(Link bridge, boolean on) {
    int index = index(bridge);
    socket.ack(
        Rtnl.RTM_NEWLINK,
        0,
        w -> {
          ifinfo(w, Rtnl.AF_UNSPEC, index, 0, 0);
          int info = w.beginNest(Rtnl.IFLA_LINKINFO);
          w.attrString(Rtnl.IFLA_INFO_KIND, "bridge");
          int data = w.beginNest(Rtnl.IFLA_INFO_DATA);
          w.attrU8(Rtnl.IFLA_BR_VLAN_FILTERING, on ? 1 : 0);
          w.endNest(data);
          w.endNest(info);
        },
        "set bridge vlan_filtering",
        bridge.name());
  }

  /**
   * Adds VLANs {@code from}–{@code to} to a bridge port ({@code bridge vlan add dev PORT vid
   * FROM-TO [pvid] [untagged]}); {@code pvid} (untagged frames entering the port join that VLAN)
   * needs {@code from == to}.
   *
   * @param port the bridge port
   * @param from the first VLAN id, 1–4094
   * @param to the last VLAN id, 1–4094, at least {@code from}
   * @param pvid whether untagged frames entering the port join the VLAN
   * @param untagged whether frames of these VLANs leave the port untagged
   * @throws IllegalArgumentException for ids outside 1–4094, {@code from > to}, or a PVID range
   */
  public void addBridgeVlans(Link port, int from, int to, boolean pvid, boolean untagged) {
    changeBridgeVlans(port, from, to, pvid, untagged, Rtnl.RTM_SETLINK, "add bridge vlan");
  }

  /**
   * Removes VLANs {@code from}–{@code to} from a bridge port ({@code bridge vlan del}).
   *
   * @param port the bridge port
   * @param from the first VLAN id
   * @param to the last VLAN id
   * @throws NetlinkException {@code ENOENT} when the port does not have them
   */
  public void deleteBridgeVlans(Link port, int from, int to) {
    changeBridgeVlans(port, from, to, false, false, Rtnl.RTM_DELLINK, "delete bridge vlan");
  }

  private void changeBridgeVlans(
      Link port, int from, int to, boolean pvid, boolean untagged, int type, String op) {
    int index = index(port);
    if (from < 1 || to > 4094 || from > to) {
      throw new IllegalArgumentException(
          "vlans: " + from + "-" + to + " (expected: 1 <= from <= to <= 4094)");
    }
    if (pvid && from != to) {
      throw new IllegalArgumentException("pvid: " + from + "-" + to + " (expected: one vlan)");
    }
    int flags =
        (pvid ? Rtnl.BRIDGE_VLAN_INFO_PVID : 0) | (untagged ? Rtnl.BRIDGE_VLAN_INFO_UNTAGGED : 0);
    socket.ack(
        type,
        0,
        w -> {
          // AF_BRIDGE: a bridge request; RTM_DELLINK then removes VLANs, not the link.
          ifinfo(w, Rtnl.AF_BRIDGE, index, 0, 0);
          int spec = w.beginNest(Rtnl.IFLA_AF_SPEC);
          if (from == to) {
            w.attr(Rtnl.IFLA_BRIDGE_VLAN_INFO, vlanInfo(flags, from));
          } else {
            w.attr(
                Rtnl.IFLA_BRIDGE_VLAN_INFO,
                vlanInfo(flags | Rtnl.BRIDGE_VLAN_INFO_RANGE_BEGIN, from));
            w.attr(
                Rtnl.IFLA_BRIDGE_VLAN_INFO, vlanInfo(flags | Rtnl.BRIDGE_VLAN_INFO_RANGE_END, to));
          }
          w.endNest(spec);
        },
        op,
        port.name() + " vid " + from + (from == to ? "" : "-" + to));
  }

  private static byte[] vlanInfo(int flags, int vid) {
    // struct bridge_vlan_info { __u16 flags; __u16 vid; } in host byte order
    return ByteBuffer.allocate(4)
        .order(ByteOrder.nativeOrder())
        .putShort((short) flags)
        .putShort((short) vid)
        .array();
  }

  /**
   * Moves {@code link} into another namespace; its index there may differ.
   *
   * @param link the link
   * @param target the namespace to move it into
   */
  public void moveTo(Link link, NetworkNamespace target) {
    Objects.requireNonNull(target, "target");
    setAttr(link, "move link", w -> w.attrU32(Rtnl.IFLA_NET_NS_FD, target.descriptor()));
  }

  private void setAttr(Link link, String op, NetlinkSocket.Encoder attrs) {
    int index = index(link);
    socket.ack(
        Rtnl.RTM_NEWLINK,
        0,
        w -> {
          ifinfo(w, Rtnl.AF_UNSPEC, index, 0, 0);
          attrs.encode(w);
        },
        op,
        link.name());
  }

  /**
   * Deletes a link (for a veth, both ends). This takes ≈16 ms in the kernel; to remove many links
   * at once, delete their namespace instead.
   *
   * @param link the link
   */
  public void deleteLink(Link link) {
    int index = index(link);
    socket.ack(
        Rtnl.RTM_DELLINK,
        0,
        w -> ifinfo(w, Rtnl.AF_UNSPEC, index, 0, 0),
        "delete link",
        link.name());
  }

  /**
   * Deletes several links with one kernel unregistration, which is much cheaper than deleting them
   * one by one (the kernel waits for an RCU grace period per unregistration, ≈16 ms). The links are
   * first moved into a fresh link group, then the group is deleted ({@code ip link del group N}).
   * Deleting one end of a veth pair deletes both.
   *
   * @param links the links to delete, all of this namespace
   * @throws NetlinkException when a link cannot be regrouped (nothing is deleted then) or the
   *     deletion fails
   */
  public void deleteLinks(Collection<Link> links) {
    List<Link> copy = List.copyOf(links);
    if (copy.isEmpty()) {
      return;
    }
    int group = 0x6b380000 | RANDOM.nextInt(0x10000);
    for (Link link : copy) {
      setAttr(link, "regroup link", w -> w.attrU32(Rtnl.IFLA_GROUP, group));
    }
    socket.ack(
        Rtnl.RTM_DELLINK,
        0,
        w -> {
          ifinfo(w, Rtnl.AF_UNSPEC, 0, 0, 0);
          w.attrU32(Rtnl.IFLA_GROUP, group);
        },
        "delete links",
        copy.size() + " links (group " + group + ")");
  }

  private static int index(Link link) {
    Objects.requireNonNull(link, "link");
    return link.index();
  }

  private static void ifinfo(NlWriter w, int family, int index, int flags, int change) {
    w.u8(family).u8(0).u16(0).u32(index).u32(flags).u32(change);
  }

  // ---------------------------------------------------------------- addresses

  /**
   * Adds an address.
   *
   * @param address the address and the interface that gets it
   * @throws NetlinkException {@code EEXIST} when the interface has it already
   */
  public void addAddress(Address address) {
    changeAddress(address, Rtnl.RTM_NEWADDR, Nl.NLM_F_CREATE | Nl.NLM_F_EXCL, "add address");
  }

  /**
   * Adds an address, or updates its flags, scope and label when the interface has it already.
   *
   * @param address the address and the interface that gets it
   */
  public void replaceAddress(Address address) {
    changeAddress(address, Rtnl.RTM_NEWADDR, Nl.NLM_F_CREATE | Nl.NLM_F_REPLACE, "replace address");
  }

  /**
   * Deletes an address (matched by interface, address and prefix length).
   *
   * @param address the address and the interface that has it
   * @throws NetlinkException {@code EADDRNOTAVAIL} when the interface does not have it
   */
  public void deleteAddress(Address address) {
    changeAddress(address, Rtnl.RTM_DELADDR, 0, "delete address");
  }

  private void changeAddress(Address a, int type, int flags, String op) {
    Objects.requireNonNull(a, "address");
    InterfaceAddress ia = a.address();
    byte[] ip = ia.address().toBytes();
    int bits = Rtnl.flagBits(a.flags());
    socket.ack(
        type,
        flags,
        w -> {
          w.u8(Rtnl.family(ia.family()))
              .u8(ia.prefixLength())
              .u8(bits & 0xff)
              .u8(a.scope().value())
              .u32(a.linkIndex());
          w.attr(Rtnl.IFA_LOCAL, ip);
          w.attr(Rtnl.IFA_ADDRESS, ip);
          if (type == Rtnl.RTM_NEWADDR) {
            w.attrU32(Rtnl.IFA_FLAGS, bits);
            a.label().ifPresent(l -> w.attrString(Rtnl.IFA_LABEL, l));
          }
        },
        op,
        ia + " dev " + a.linkIndex());
  }

  /**
   * Lists the addresses of all links, both families.
   *
   * @return the addresses of every link
   */
  public List<Address> addresses() {
    return dumpAddresses(Rtnl.AF_UNSPEC, 0);
  }

  /**
   * Lists the addresses of one family.
   *
   * @param family the family
   * @return the addresses of that family on every link
   */
  public List<Address> addresses(IpFamily family) {
    return dumpAddresses(Rtnl.family(Objects.requireNonNull(family, "family")), 0);
  }

  /**
   * Lists the addresses of one link (filtered in the kernel).
   *
   * @param link the link
   * @return the addresses of both families on that link
   */
  public List<Address> addresses(Link link) {
    return dumpAddresses(Rtnl.AF_UNSPEC, index(link));
  }

  private List<Address> dumpAddresses(int family, int index) {
    List<Address> out = new ArrayList<>();
    for (NlMessage m :
        socket.dump(
            Rtnl.RTM_GETADDR,
            w -> w.u8(family).u8(0).u8(0).u8(0).u32(index),
            "list addresses",
            index > 0 ? "dev " + index : null)) {
      if (m.type() == Rtnl.RTM_NEWADDR) {
        Address a = decode(m, Rtnl::address);
        if (index == 0 || a.linkIndex() == index) {
          out.add(a);
        }
      }
    }
    return List.copyOf(out);
  }

  // ---------------------------------------------------------------- routes

  /**
   * Adds a route.
   *
   * @param route the route
   * @throws NetlinkException {@code EEXIST} when the table has it already, {@code ENETUNREACH} when
   *     the gateway is not reachable
   */
  public void addRoute(Route route) {
    changeRoute(route, Rtnl.RTM_NEWROUTE, Nl.NLM_F_CREATE | Nl.NLM_F_EXCL, "add route");
  }

  /**
   * Adds a route, or replaces the one with the same destination, table and metric.
   *
   * @param route the route
   */
  public void replaceRoute(Route route) {
    changeRoute(route, Rtnl.RTM_NEWROUTE, Nl.NLM_F_CREATE | Nl.NLM_F_REPLACE, "replace route");
  }

  /**
   * Deletes a route, matched by destination, table, metric and the gateway and device if given.
   *
   * @param route the route
   * @throws NetlinkException {@code ESRCH} when there is no such route
   */
  public void deleteRoute(Route route) {
    changeRoute(route, Rtnl.RTM_DELROUTE, 0, "delete route");
  }

  private void changeRoute(Route r, int type, int flags, String op) {
    Objects.requireNonNull(r, "route");
    boolean delete = type == Rtnl.RTM_DELROUTE;
    int family = Rtnl.family(r.family());
    socket.ack(
        type,
        flags,
        w -> {
          w.u8(family)
              .u8(r.destination().prefixLength())
              .u8(0)
              .u8(0)
              .u8(r.table() < 256 ? r.table() : 0)
              .u8(delete ? 0 : r.protocol().value())
              .u8(delete ? RouteScope.NOWHERE.value() : r.scope().value())
              .u8(r.type().value())
              .u32(r.onlink() ? Rtnl.RTNH_F_ONLINK : 0);
          w.attr(Rtnl.RTA_DST, r.destination().address().toBytes());
          w.attrU32(Rtnl.RTA_TABLE, r.table());
          r.gateway().ifPresent(g -> w.attr(Rtnl.RTA_GATEWAY, g.toBytes()));
          r.linkIndex().ifPresent(i -> w.attrU32(Rtnl.RTA_OIF, i));
          r.preferredSource().ifPresent(s -> w.attr(Rtnl.RTA_PREFSRC, s.toBytes()));
          r.priority().ifPresent(p -> w.attrU32(Rtnl.RTA_PRIORITY, p));
          if (r.mtu().isPresent()) {
            int metrics = w.beginNest(Rtnl.RTA_METRICS);
            w.attrU32(Rtnl.RTAX_MTU, r.mtu().getAsInt());
            w.endNest(metrics);
          }
          if (!r.nexthops().isEmpty()) {
            encodeMultipath(w, r.nexthops());
          }
        },
        op,
        r.destination() + " table " + r.table());
  }

  private static void encodeMultipath(NlWriter w, List<Nexthop> hops) {
    // RTA_MULTIPATH holds rtnexthop structs, each followed by its own attributes; the struct's
    // length is patched after its attributes are written, like an attribute's.
    int mp = w.beginNest(Rtnl.RTA_MULTIPATH);
    for (Nexthop h : hops) {
      int start = w.length();
      w.u16(0).u8(0).u8(h.weight() - 1).u32(h.linkIndex());
      h.gateway().ifPresent(g -> w.attr(Rtnl.RTA_GATEWAY, g.toBytes()));
      w.buffer().putShort(start, (short) (w.length() - start));
    }
    w.endNest(mp);
  }

  /**
   * Lists the routes of one family in the main table (cached routes excluded).
   *
   * @param family the family
   * @return the routes of that family in {@link Route#TABLE_MAIN}
   */
  public List<Route> routes(IpFamily family) {
    return routes(family, Route.TABLE_MAIN);
  }

  /**
   * Lists the routes of one family in one table (filtered in the kernel).
   *
   * @param family the family
   * @param table the table id
   * @return the routes of that family in that table
   */
  public List<Route> routes(IpFamily family, int table) {
    Objects.requireNonNull(family, "family");
    if (table < 1) {
      throw new IllegalArgumentException("table: " + table + " (expected: >= 1)");
    }
    int f = Rtnl.family(family);
    List<Route> out = new ArrayList<>();
    for (NlMessage m :
        socket.dump(
            Rtnl.RTM_GETROUTE,
            w -> {
              w.u8(f).u8(0).u8(0).u8(0).u8(table < 256 ? table : 0).u8(0).u8(0).u8(0).u32(0);
              w.attrU32(Rtnl.RTA_TABLE, table);
            },
            "list routes",
            family + " table " + table)) {
      if (m.type() == Rtnl.RTM_NEWROUTE && !Rtnl.cloned(m)) {
        Route r = decode(m, Rtnl::route);
        if (r.table() == table) {
          out.add(r);
        }
      }
    }
    return List.copyOf(out);
  }

  // ---------------------------------------------------------------- neighbours

  /**
   * Adds a neighbour or FDB entry; an FDB entry is appended, so that one MAC may have several
   * remote endpoints (as {@code bridge fdb append}).
   *
   * @param n the entry
   * @throws NetlinkException {@code EEXIST} when the ARP/NDP entry exists
   */
  public void addNeighbour(Neighbour n) {
    int flags = Nl.NLM_F_CREATE | (n.bridge() ? Nl.NLM_F_APPEND : Nl.NLM_F_EXCL);
    changeNeighbour(n, Rtnl.RTM_NEWNEIGH, flags, "add neighbour");
  }

  /**
   * Adds a neighbour entry or replaces the existing one.
   *
   * @param n the entry
   */
  public void replaceNeighbour(Neighbour n) {
    changeNeighbour(n, Rtnl.RTM_NEWNEIGH, Nl.NLM_F_CREATE | Nl.NLM_F_REPLACE, "replace neighbour");
  }

  /**
   * Deletes a neighbour or FDB entry.
   *
   * @param n the entry
   */
  public void deleteNeighbour(Neighbour n) {
    changeNeighbour(n, Rtnl.RTM_DELNEIGH, 0, "delete neighbour");
  }

  private void changeNeighbour(Neighbour n, int type, int flags, String op) {
    Objects.requireNonNull(n, "neighbour");
    int family = n.bridge() ? Rtnl.AF_BRIDGE : Rtnl.family(n.address().orElseThrow().family());
    socket.ack(
        type,
        flags,
        w -> {
          w.u8(family).u8(0).u16(0).u32(n.linkIndex()).u16(n.state()).u8(n.flags()).u8(0);
          n.address().ifPresent(a -> w.attr(Rtnl.NDA_DST, a.toBytes()));
          n.mac().ifPresent(m -> w.attr(Rtnl.NDA_LLADDR, m.toBytes()));
          n.vni().ifPresent(v -> w.attrU32(Rtnl.NDA_VNI, v));
        },
        op,
        n.address().map(IpAddress::toString).orElse("")
            + " "
            + n.mac().map(Object::toString).orElse("")
            + " dev "
            + n.linkIndex());
  }

  /**
   * Lists the ARP (IPv4) or NDP (IPv6) entries.
   *
   * @param family the family; IPv4 lists ARP, IPv6 lists NDP entries
   * @return the entries of that family on every link
   */
  public List<Neighbour> neighbours(IpFamily family) {
    return dumpNeighbours(Rtnl.family(Objects.requireNonNull(family, "family")), 0);
  }

  /**
   * Lists the FDB entries of one device (a bridge port or a VXLAN device).
   *
   * @param link the bridge port or VXLAN device
   * @return the FDB entries of that device
   */
  public List<Neighbour> fdb(Link link) {
    return dumpNeighbours(Rtnl.AF_BRIDGE, index(link));
  }

  private List<Neighbour> dumpNeighbours(int family, int index) {
    List<Neighbour> out = new ArrayList<>();
    for (NlMessage m :
        socket.dump(
            Rtnl.RTM_GETNEIGH,
            w -> w.u8(family).u8(0).u16(0).u32(index).u16(0).u8(0).u8(0),
            "list neighbours",
            null)) {
      if (m.type() == Rtnl.RTM_NEWNEIGH) {
        Neighbour n = decode(m, Rtnl::neighbour);
        if (index == 0 || n.linkIndex() == index) {
          out.add(n);
        }
      }
    }
    return List.copyOf(out);
  }

  // ---------------------------------------------------------------- events

  /**
   * Subscribes to change notifications of this namespace. The subscription has its own socket
   * (opened inside the namespace) and must be closed. To build a view without missing changes,
   * subscribe first, then list, then apply the notifications (some may repeat what the list
   * showed); on {@link NetlinkEvent.Overflow} list again.
   *
   * <pre>{@code
   * try (NetlinkSubscription sub = nl.subscribe(EnumSet.of(NetlinkGroup.LINK))) {
   *   nl.addLink(LinkSpec.of("br0", LinkKind.bridge()));
   *   Optional<NetlinkEvent> e = sub.poll(Duration.ofSeconds(1));
   * }
   * }</pre>
   *
   * @param groups the notification groups, at least one
   * @return a subscription that must be closed
   */
  public NetlinkSubscription subscribe(Set<NetlinkGroup> groups) {
    if (groups.isEmpty()) {
      throw new IllegalArgumentException("groups: [] (expected: at least one)");
    }
    EnumSet<NetlinkGroup> copy = EnumSet.copyOf(groups);
    int[] numbers = copy.stream().mapToInt(NetlinkGroup::number).toArray();
    return new NetlinkSubscription(socketIn(namespace, numbers, timeout), copy);
  }

  static <T> T decode(NlMessage m, Function<NlMessage, T> decoder) {
    try {
      return decoder.apply(m);
    } catch (NetlinkCodecException | IllegalArgumentException e) {
      throw new NetlinkException(
          Sys.EPROTO, "EPROTO", "decode message type " + m.type(), null, e.getMessage(), null);
    }
  }

  /** Closes the socket. Subscriptions have their own sockets and stay open. */
  @Override
  public void close() {
    socket.close();
    if (ownsNamespace) {
      namespace.close();
    }
  }

  @Override
  public String toString() {
    return "Netlink[" + namespace + "]";
  }
}
