package dev.k8snet.core.internal.netlink;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.MacAddress;
import dev.k8snet.core.netlink.Address;
import dev.k8snet.core.netlink.AddressFlag;
import dev.k8snet.core.netlink.InterfaceAddress;
import dev.k8snet.core.netlink.Link;
import dev.k8snet.core.netlink.LinkKind;
import dev.k8snet.core.netlink.Neighbour;
import dev.k8snet.core.netlink.Nexthop;
import dev.k8snet.core.netlink.Route;
import dev.k8snet.core.netlink.RouteProtocol;
import dev.k8snet.core.netlink.RouteScope;
import dev.k8snet.core.netlink.RouteType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/** rtnetlink constants and the decoders of link, address, route and neighbour messages. */
public final class Rtnl {
  public static final int AF_UNSPEC = 0;
  public static final int AF_INET = 2;
  public static final int AF_BRIDGE = 7;
  public static final int AF_INET6 = 10;

  public static final int RTM_NEWLINK = 16;
  public static final int RTM_DELLINK = 17;
  public static final int RTM_GETLINK = 18;
  public static final int RTM_SETLINK = 19;
  public static final int RTM_NEWADDR = 20;
  public static final int RTM_DELADDR = 21;
  public static final int RTM_GETADDR = 22;
  public static final int RTM_NEWROUTE = 24;
  public static final int RTM_DELROUTE = 25;
  public static final int RTM_GETROUTE = 26;
  public static final int RTM_NEWNEIGH = 28;
  public static final int RTM_DELNEIGH = 29;
  public static final int RTM_GETNEIGH = 30;

  public static final int IFINFOMSG_LEN = 16;
  public static final int IFADDRMSG_LEN = 8;
  public static final int RTMSG_LEN = 12;
  public static final int NDMSG_LEN = 12;

  public static final int IFLA_ADDRESS = 1;
  public static final int IFLA_IFNAME = 3;
  public static final int IFLA_MTU = 4;
  public static final int IFLA_LINK = 5;
  public static final int IFLA_MASTER = 10;
  public static final int IFLA_OPERSTATE = 16;
  public static final int IFLA_LINKINFO = 18;
  public static final int IFLA_GROUP = 27;
  public static final int IFLA_NET_NS_FD = 28;
  public static final int IFLA_EXT_MASK = 29;
  public static final int IFLA_PROTINFO = 12;
  public static final int IFLA_AF_SPEC = 26;
  public static final int IFLA_BRPORT_MODE = 4;
  public static final int IFLA_BRPORT_ISOLATED = 33;
  public static final int IFLA_BRIDGE_VLAN_INFO = 2;
  public static final int BRIDGE_VLAN_INFO_PVID = 2;
  public static final int BRIDGE_VLAN_INFO_UNTAGGED = 4;
  public static final int BRIDGE_VLAN_INFO_RANGE_BEGIN = 8;
  public static final int BRIDGE_VLAN_INFO_RANGE_END = 16;
  public static final int IFLA_BR_VLAN_FILTERING = 7;
  public static final int IFLA_INFO_KIND = 1;
  public static final int IFLA_INFO_DATA = 2;
  public static final int VETH_INFO_PEER = 1;
  public static final int IFLA_VXLAN_ID = 1;
  public static final int IFLA_VXLAN_LINK = 3;
  public static final int IFLA_VXLAN_LOCAL = 4;
  public static final int IFLA_VXLAN_LEARNING = 7;
  public static final int IFLA_VXLAN_PORT = 15;
  public static final int IFLA_VXLAN_LOCAL6 = 17;
  public static final int IFLA_VXLAN_REMOTE = 2;
  public static final int IFLA_MACVLAN_MODE = 1;
  public static final int IFLA_VLAN_ID = 1;
  public static final int RTEXT_FILTER_SKIP_STATS = 8;

  public static final int IFA_ADDRESS = 1;
  public static final int IFA_LOCAL = 2;
  public static final int IFA_LABEL = 3;
  public static final int IFA_FLAGS = 8;

  public static final int RTA_DST = 1;
  public static final int RTA_OIF = 4;
  public static final int RTA_GATEWAY = 5;
  public static final int RTA_PRIORITY = 6;
  public static final int RTA_PREFSRC = 7;
  public static final int RTA_METRICS = 8;
  public static final int RTA_MULTIPATH = 9;
  public static final int RTA_TABLE = 15;
  public static final int RTAX_MTU = 2;
  public static final int RTM_F_CLONED = 0x200;
  public static final int RTNH_F_ONLINK = 4;

  public static final int NDA_DST = 1;
  public static final int NDA_LLADDR = 2;
  public static final int NDA_VNI = 7;

  public static final int RTNLGRP_LINK = 1;
  public static final int RTNLGRP_NEIGH = 3;
  public static final int RTNLGRP_IPV4_IFADDR = 5;
  public static final int RTNLGRP_IPV4_ROUTE = 7;
  public static final int RTNLGRP_IPV6_IFADDR = 9;
  public static final int RTNLGRP_IPV6_ROUTE = 11;

  private static final String[] OPERSTATES = {
    "UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"
  };

  private static final Map<Integer, String> LINK_ATTRS =
      Map.of(
          1, "IFLA_ADDRESS",
          3, "IFLA_IFNAME",
          4, "IFLA_MTU",
          5, "IFLA_LINK",
          10, "IFLA_MASTER",
          18, "IFLA_LINKINFO",
          28, "IFLA_NET_NS_FD",
          29, "IFLA_EXT_MASK");
  private static final Map<Integer, String> ADDR_ATTRS =
      Map.of(1, "IFA_ADDRESS", 2, "IFA_LOCAL", 3, "IFA_LABEL", 8, "IFA_FLAGS");
  private static final Map<Integer, String> ROUTE_ATTRS =
      Map.of(
          1, "RTA_DST",
          4, "RTA_OIF",
          5, "RTA_GATEWAY",
          6, "RTA_PRIORITY",
          7, "RTA_PREFSRC",
          8, "RTA_METRICS",
          9, "RTA_MULTIPATH",
          15, "RTA_TABLE");
  private static final Map<Integer, String> NEIGH_ATTRS =
      Map.of(1, "NDA_DST", 2, "NDA_LLADDR", 7, "NDA_VNI");

  private Rtnl() {}

  /**
   * Names the first element of an attribute path, e.g. {@code "18/2"} → {@code IFLA_LINKINFO/2}.
   */
  public static String attributeName(int messageType, String path) {
    Map<Integer, String> names =
        messageType >= 16 && messageType <= 19
            ? LINK_ATTRS
            : messageType >= 20 && messageType <= 23
                ? ADDR_ATTRS
                : messageType >= 24 && messageType <= 27
                    ? ROUTE_ATTRS
                    : messageType >= 28 && messageType <= 31 ? NEIGH_ATTRS : Map.of();
    int slash = path.indexOf('/');
    String first = slash < 0 ? path : path.substring(0, slash);
    String name;
    try {
      name = names.get(Integer.parseInt(first));
    } catch (NumberFormatException e) {
      name = null;
    }
    return name == null ? path : name + (slash < 0 ? "" : path.substring(slash));
  }

  public static int family(IpFamily f) {
    return f == IpFamily.IPV4 ? AF_INET : AF_INET6;
  }

  static IpAddress ip(NlAttr a) {
    byte[] b = a.bytes();
    if (b.length != 4 && b.length != 16) {
      throw new NetlinkCodecException("attribute " + a.type() + ": " + b.length + "-byte address");
    }
    return IpAddress.fromBytes(b);
  }

  private static int u8(ByteBuffer p, int i) {
    return p.get(i) & 0xff;
  }

  /** Decodes an RTM_NEWLINK message. */
  public static Link link(NlMessage m) {
    ByteBuffer p = m.payload();
    if (p.limit() < IFINFOMSG_LEN) {
      throw new NetlinkCodecException("short ifinfomsg");
    }
    int index = p.getInt(4);
    int flags = p.getInt(8);
    String name = null;
    String kind = null;
    int mtu = 0;
    MacAddress mac = null;
    OptionalInt master = OptionalInt.empty();
    OptionalInt parent = OptionalInt.empty();
    String oper = "UNKNOWN";
    LinkKind.Vxlan vxlan = null;
    for (NlAttr a : m.attributes(IFINFOMSG_LEN)) {
      switch (a.type()) {
        case IFLA_IFNAME -> name = a.string();
        case IFLA_MTU -> mtu = a.u32();
        case IFLA_ADDRESS -> {
          if (a.length() == 6) {
            mac = MacAddress.fromBytes(a.bytes());
          }
        }
        case IFLA_MASTER -> master = OptionalInt.of(a.u32());
        case IFLA_LINK -> parent = OptionalInt.of(a.u32());
        case IFLA_OPERSTATE -> {
          int s = a.u8();
          oper = s < OPERSTATES.length ? OPERSTATES[s] : Integer.toString(s);
        }
        case IFLA_LINKINFO -> {
          NlAttr data = null;
          for (NlAttr c : a.children()) {
            if (c.type() == IFLA_INFO_KIND) {
              kind = c.string();
            } else if (c.type() == IFLA_INFO_DATA) {
              data = c;
            }
          }
          if ("vxlan".equals(kind) && data != null) {
            vxlan = vxlan(data);
          }
        }
        default -> {}
      }
    }
    if (name == null) {
      throw new NetlinkCodecException("link " + index + " without IFLA_IFNAME");
    }
    return new Link(
        index,
        name,
        Optional.ofNullable(kind),
        flags,
        mtu,
        Optional.ofNullable(mac),
        master,
        parent,
        oper,
        Optional.ofNullable(vxlan));
  }

  private static LinkKind.Vxlan vxlan(NlAttr data) {
    int vni = 0;
    int port = 8472;
    boolean learning = true;
    IpAddress local = null;
    int dev = 0;
    for (NlAttr c : data.children()) {
      switch (c.type()) {
        case IFLA_VXLAN_ID -> vni = c.u32();
        case IFLA_VXLAN_LINK -> dev = c.u32();
        case IFLA_VXLAN_LOCAL, IFLA_VXLAN_LOCAL6 -> local = ip(c);
        case IFLA_VXLAN_LEARNING -> learning = c.u8() != 0;
        case IFLA_VXLAN_PORT -> port = c.u16Be();
        default -> {}
      }
    }
    LinkKind.Vxlan v = LinkKind.vxlan(vni).port(port).learning(learning);
    if (local != null) {
      v = v.local(local);
    }
    return dev > 0 ? v.deviceIndex(dev) : v;
  }

  /** Decodes an RTM_NEWADDR message. */
  public static Address address(NlMessage m) {
    ByteBuffer p = m.payload();
    if (p.limit() < IFADDRMSG_LEN) {
      throw new NetlinkCodecException("short ifaddrmsg");
    }
    int prefix = u8(p, 1);
    int flags = u8(p, 2);
    int scope = u8(p, 3);
    int index = p.getInt(4);
    IpAddress local = null;
    IpAddress address = null;
    String label = null;
    for (NlAttr a : m.attributes(IFADDRMSG_LEN)) {
      switch (a.type()) {
        case IFA_LOCAL -> local = ip(a);
        case IFA_ADDRESS -> address = ip(a);
        case IFA_LABEL -> label = a.string();
        case IFA_FLAGS -> flags = a.u32();
        default -> {}
      }
    }
    IpAddress ip = local != null ? local : address;
    if (ip == null) {
      throw new NetlinkCodecException("address without IFA_LOCAL/IFA_ADDRESS");
    }
    Set<AddressFlag> set = EnumSet.noneOf(AddressFlag.class);
    for (AddressFlag f : AddressFlag.values()) {
      if ((flags & f.bit()) != 0) {
        set.add(f);
      }
    }
    return new Address(
        index,
        new InterfaceAddress(ip, prefix),
        RouteScope.valueOf(scope),
        set,
        Optional.ofNullable(label));
  }

  /** Returns the address flag bits. */
  public static int flagBits(Set<AddressFlag> flags) {
    int bits = 0;
    for (AddressFlag f : flags) {
      bits |= f.bit();
    }
    return bits;
  }

  /** Returns whether a route message describes a cached (cloned) route, which lists skip. */
  public static boolean cloned(NlMessage m) {
    return m.payload().limit() >= RTMSG_LEN && (m.payload().getInt(8) & RTM_F_CLONED) != 0;
  }

  /** Decodes an RTM_NEWROUTE message. */
  public static Route route(NlMessage m) {
    ByteBuffer p = m.payload();
    if (p.limit() < RTMSG_LEN) {
      throw new NetlinkCodecException("short rtmsg");
    }
    int family = u8(p, 0);
    int dstLen = u8(p, 1);
    int table = u8(p, 4);
    int protocol = u8(p, 5);
    int scope = u8(p, 6);
    int type = u8(p, 7);
    IpAddress dst = null;
    Route.Builder b;
    IpAddress gateway = null;
    int oif = 0;
    IpAddress prefsrc = null;
    OptionalInt priority = OptionalInt.empty();
    OptionalInt mtu = OptionalInt.empty();
    List<Nexthop> hops = new ArrayList<>();
    for (NlAttr a : m.attributes(RTMSG_LEN)) {
      switch (a.type()) {
        case RTA_DST -> dst = ip(a);
        case RTA_GATEWAY -> gateway = ip(a);
        case RTA_OIF -> oif = a.u32();
        case RTA_PREFSRC -> prefsrc = ip(a);
        case RTA_PRIORITY -> priority = OptionalInt.of(a.u32());
        case RTA_TABLE -> table = a.u32();
        case RTA_METRICS -> {
          for (NlAttr c : a.children()) {
            if (c.type() == RTAX_MTU) {
              mtu = OptionalInt.of(c.u32());
            }
          }
        }
        case RTA_MULTIPATH -> hops.addAll(nexthops(a));
        default -> {}
      }
    }
    if (dst == null) {
      dst = family == AF_INET ? IpAddress.parse("0.0.0.0") : IpAddress.parse("::");
    }
    if (dstLen > dst.family().bitLength()) {
      throw new NetlinkCodecException("route prefix length " + dstLen);
    }
    b = Route.builder(Cidr.containing(dst, dstLen));
    if (gateway != null) {
      b.gateway(gateway);
    }
    if (oif > 0) {
      b.device(oif);
    }
    b.table(table)
        .scope(RouteScope.valueOf(scope))
        .protocol(RouteProtocol.valueOf(protocol))
        .type(RouteType.valueOf(type));
    if (prefsrc != null) {
      b.preferredSource(prefsrc);
    }
    priority.ifPresent(b::priority);
    for (Nexthop h : hops) {
      b.nexthop(h);
    }
    if ((p.getInt(8) & RTNH_F_ONLINK) != 0 && gateway != null && oif > 0) {
      b.onlink(true);
    }
    return b.build().withMtu(mtu);
  }

  private static List<Nexthop> nexthops(NlAttr a) {
    ByteBuffer p = a.buf();
    List<Nexthop> out = new ArrayList<>();
    int pos = a.offset();
    int end = a.offset() + a.length();
    while (pos < end) {
      if (end - pos < 8) {
        throw new NetlinkCodecException("short rtnexthop");
      }
      int len = p.getShort(pos) & 0xffff;
      if (len < 8 || len > end - pos) {
        throw new NetlinkCodecException("rtnexthop length " + len);
      }
      int hops = p.get(pos + 3) & 0xff;
      int ifindex = p.getInt(pos + 4);
      IpAddress gw = null;
      for (NlAttr c : NlAttr.parse(p, pos + 8, pos + len)) {
        if (c.type() == RTA_GATEWAY) {
          gw = ip(c);
        }
      }
      out.add(new Nexthop(Optional.ofNullable(gw), ifindex, hops + 1));
      pos = Math.min(end, pos + Nl.align(len));
    }
    return out;
  }

  /** Decodes an RTM_NEWNEIGH message. */
  public static Neighbour neighbour(NlMessage m) {
    ByteBuffer p = m.payload();
    if (p.limit() < NDMSG_LEN) {
      throw new NetlinkCodecException("short ndmsg");
    }
    int family = u8(p, 0);
    int index = p.getInt(4);
    int state = p.getShort(8) & 0xffff;
    int flags = u8(p, 10);
    IpAddress dst = null;
    MacAddress mac = null;
    OptionalInt vni = OptionalInt.empty();
    for (NlAttr a : m.attributes(NDMSG_LEN)) {
      switch (a.type()) {
        case NDA_DST -> dst = ip(a);
        case NDA_LLADDR -> {
          if (a.length() == 6) {
            mac = MacAddress.fromBytes(a.bytes());
          }
        }
        case NDA_VNI -> vni = OptionalInt.of(a.u32());
        default -> {}
      }
    }
    return new Neighbour(
        index,
        family == AF_BRIDGE,
        Optional.ofNullable(dst),
        Optional.ofNullable(mac),
        state,
        flags,
        vni);
  }
}
