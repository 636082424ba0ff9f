package dev.k8snet.core.netlink;

import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.internal.netlink.Ctnl;
import dev.k8snet.core.internal.netlink.NetlinkCodecException;
import dev.k8snet.core.internal.netlink.NetlinkSocket;
import dev.k8snet.core.internal.netlink.Nl;
import dev.k8snet.core.internal.netlink.NlAttr;
import dev.k8snet.core.internal.netlink.NlMessage;
import dev.k8snet.core.internal.netlink.NlWriter;
import dev.k8snet.core.internal.sys.Sys;
import dev.k8snet.core.netns.NetworkNamespace;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Predicate;

/**
 * The connection-tracking table of one network namespace over ctnetlink ({@code
 * NETLINK_NETFILTER}), what the {@code conntrack} tool does with {@code -L} and {@code -D}: list
 * entries of a family (optionally only one protocol, filtered by the kernel) and delete entries by
 * their original tuple.
 *
 * <p>Obtain one with {@link #open(NetworkNamespace)}. The socket is opened on a short-lived
 * platform thread inside the namespace and stays bound to it, so the handle may be used from any
 * thread; requests are serialised and each waits at most the handle's timeout (default 10 s).
 *
 * <pre>{@code
 * try (Conntrack ct = Conntrack.open(ns)) {
 *   // Forget UDP flows to 10.96.0.10:53 that were DNATed to an endpoint that is gone.
 *   int n = ct.delete(IpFamily.IPV4, OptionalInt.of(17), e ->
 *       e.original().destination().equals(vip) && e.original().destinationPort() == 53
 *           && !e.reply().source().equals(liveEndpoint));
 * }
 * }</pre>
 *
 * <p>Kernel refusals throw {@link NetlinkException} with errno and the kernel's message; an entry
 * that disappeared before it could be deleted is not an error.
 *
 * @since 0.1
 */
public final class Conntrack implements AutoCloseable {
  private static final int AF_INET = 2;
  private static final int AF_INET6 = 10;

  private final NetlinkSocket socket;
  private boolean kernelFilter = true;

  private Conntrack(NetlinkSocket socket) {
    this.socket = socket;
  }

  /**
   * Opens a handle bound to {@code ns} with the default timeout; {@code ns} must stay open while
   * the handle is used.
   *
   * @param ns the namespace whose table to read and change
   * @return the handle, to be closed
   */
  public static Conntrack open(NetworkNamespace ns) {
    return open(ns, Netlink.DEFAULT_TIMEOUT);
  }

  /**
   * Opens a handle bound to {@code ns} whose requests each wait at most {@code timeout}.
   *
   * @param ns the namespace
   * @param timeout the deadline of each request, positive
   * @return the handle, to be closed
   */
  public static Conntrack open(NetworkNamespace ns, Duration timeout) {
    Objects.requireNonNull(ns, "ns");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
    }
    if (ns.inode() == Sys.currentThreadNamespaceInode()) {
      return new Conntrack(openSocket(timeout));
    }
    return new Conntrack(ns.run(() -> openSocket(timeout)));
  }

  private static NetlinkSocket openSocket(Duration timeout) {
    return NetlinkSocket.open(Nl.NETLINK_NETFILTER, new int[0], timeout, Ctnl::attributeName);
  }

  /**
   * Lists every entry of one family.
   *
   * @param family the family
   * @return the entries, in the kernel's order
   */
  public List<ConntrackEntry> list(IpFamily family) {
    return list(family, OptionalInt.empty());
  }

  /**
   * Lists the entries of one family and, optionally, one IP protocol. The protocol is filtered by
   * the kernel where it can ({@code CTA_FILTER}, Linux 5.8 and later), so a large TCP table costs
   * little when only UDP entries are wanted.
   *
   * @param family the family
   * @param protocol an IP protocol number (0 ~ 255), or empty for every protocol
   * @return the entries
   */
  public List<ConntrackEntry> list(IpFamily family, OptionalInt protocol) {
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(protocol, "protocol");
    protocol.ifPresent(
        p -> {
          if (p < 0 || p > 255) {
            throw new IllegalArgumentException("protocol: " + p + " (expected: 0 ~ 255)");
          }
        });
    List<NlMessage> msgs;
    if (protocol.isPresent() && kernelFilter) {
      try {
        msgs = dump(family, protocol);
      } catch (NetlinkException e) {
        if (e.errno() != Sys.EINVAL && e.errno() != 95 /* EOPNOTSUPP */) {
          throw e;
        }
        kernelFilter = false; // an older kernel: filter here instead
        msgs = dump(family, OptionalInt.empty());
      }
    } else {
      msgs = dump(family, OptionalInt.empty());
    }
    List<ConntrackEntry> out = new ArrayList<>(msgs.size());
    for (NlMessage m : msgs) {
      if (m.type() != Ctnl.type(Ctnl.IPCTNL_MSG_CT_NEW)) {
        continue;
      }
      ConntrackEntry e = decode(m);
      if (e != null
          && e.family() == family
          && (protocol.isEmpty() || e.protocol() == protocol.getAsInt())) {
        out.add(e);
      }
    }
    return out;
  }

  private List<NlMessage> dump(IpFamily family, OptionalInt protocol) {
    return socket.dump(
        Ctnl.type(Ctnl.IPCTNL_MSG_CT_GET),
        w -> {
          nfgen(w, family);
          if (protocol.isPresent()) {
            // The kernel keeps only entries whose original tuple has this protocol number.
            int f = w.beginNest(Ctnl.CTA_FILTER | Nl.NLA_F_NESTED);
            w.attrU32(Ctnl.CTA_FILTER_ORIG_FLAGS, Ctnl.CTA_FILTER_F_CTA_PROTO_NUM);
            w.attrU32(Ctnl.CTA_FILTER_REPLY_FLAGS, 0);
            w.endNest(f);
            int t = w.beginNest(Ctnl.CTA_TUPLE_ORIG | Nl.NLA_F_NESTED);
            int p = w.beginNest(Ctnl.CTA_TUPLE_PROTO | Nl.NLA_F_NESTED);
            w.attrU8(Ctnl.CTA_PROTO_NUM, protocol.getAsInt());
            w.endNest(p);
            w.endNest(t);
          }
        },
        "list conntrack entries",
        family);
  }

  /**
   * Deletes one entry, found by its original tuple and zone.
   *
   * @param entry an entry of a protocol with ports ({@link ConntrackEntry#hasPorts()})
   * @return true if deleted, false if there was no such entry (any more)
   * @throws IllegalArgumentException for a protocol without ports
   */
  public boolean delete(ConntrackEntry entry) {
    Objects.requireNonNull(entry, "entry");
    if (!entry.hasPorts()) {
      throw new IllegalArgumentException(
          "entry: " + entry + " (expected: TCP, UDP, SCTP, DCCP or UDP-Lite)");
    }
    try {
      socket.ack(
          Ctnl.type(Ctnl.IPCTNL_MSG_CT_DELETE),
          0,
          w -> {
            nfgen(w, entry.family());
            tuple(w, Ctnl.CTA_TUPLE_ORIG, entry.protocol(), entry.original());
            if (entry.zone() != 0) {
              w.attrU16Be(Ctnl.CTA_ZONE, entry.zone());
            }
          },
          "delete conntrack entry",
          entry);
      return true;
    } catch (NetlinkException e) {
      if (e.errno() == Sys.ENOENT) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Deletes every entry of a family (and optionally a protocol) that {@code which} accepts: one
   * listing, then one delete per match.
   *
   * @param family the family
   * @param protocol an IP protocol number with ports, or empty for every such protocol
   * @param which chooses the entries to delete
   * @return the number of entries deleted (entries gone in the meantime are not counted)
   */
  public int delete(IpFamily family, OptionalInt protocol, Predicate<ConntrackEntry> which) {
    Objects.requireNonNull(which, "which");
    int n = 0;
    for (ConntrackEntry e : list(family, protocol)) {
      if (e.hasPorts() && which.test(e) && delete(e)) {
        n++;
      }
    }
    return n;
  }

  private static void nfgen(NlWriter w, IpFamily family) {
    w.u8(family == IpFamily.IPV4 ? AF_INET : AF_INET6).u8(0).u16(0);
  }

  private static void tuple(NlWriter w, int type, int protocol, ConntrackEntry.Tuple t) {
    boolean v4 = t.source().isIpv4();
    int nest = w.beginNest(type | Nl.NLA_F_NESTED);
    int ip = w.beginNest(Ctnl.CTA_TUPLE_IP | Nl.NLA_F_NESTED);
    w.attr(v4 ? Ctnl.CTA_IP_V4_SRC : Ctnl.CTA_IP_V6_SRC, t.source().toBytes());
    w.attr(v4 ? Ctnl.CTA_IP_V4_DST : Ctnl.CTA_IP_V6_DST, t.destination().toBytes());
    w.endNest(ip);
    int p = w.beginNest(Ctnl.CTA_TUPLE_PROTO | Nl.NLA_F_NESTED);
    w.attrU8(Ctnl.CTA_PROTO_NUM, protocol);
    w.attrU16Be(Ctnl.CTA_PROTO_SRC_PORT, t.sourcePort());
    w.attrU16Be(Ctnl.CTA_PROTO_DST_PORT, t.destinationPort());
    w.endNest(p);
    w.endNest(nest);
  }

  /** Decodes one entry; null when it lacks a tuple (not expected from the kernel). */
  static ConntrackEntry decode(NlMessage m) {
    try {
      int af = m.payload().limit() >= 1 ? m.payload().get(0) & 0xff : 0;
      IpFamily family = af == AF_INET6 ? IpFamily.IPV6 : IpFamily.IPV4;
      int[] proto = {-1};
      ConntrackEntry.Tuple orig = null;
      ConntrackEntry.Tuple reply = null;
      int zone = 0;
      int mark = 0;
      Optional<Duration> timeout = Optional.empty();
      long id = 0;
      for (NlAttr a : m.attributes(4)) {
        switch (a.type()) {
          case Ctnl.CTA_TUPLE_ORIG -> orig = tuple(a, proto);
          case Ctnl.CTA_TUPLE_REPLY -> reply = tuple(a, new int[] {-1});
          case Ctnl.CTA_ZONE -> zone = a.u16Be();
          case Ctnl.CTA_MARK -> mark = be32(a);
          case Ctnl.CTA_TIMEOUT -> timeout = Optional.of(Duration.ofSeconds(be32(a) & 0xffffffffL));
          case Ctnl.CTA_ID -> id = be32(a) & 0xffffffffL;
          default -> {}
        }
      }
      if (orig == null || reply == null || proto[0] < 0) {
        return null;
      }
      return new ConntrackEntry(family, proto[0], orig, reply, zone, mark, timeout, id);
    } catch (NetlinkCodecException | IllegalArgumentException e) {
      throw new NetlinkException(
          Sys.EPROTO, "EPROTO", "decode conntrack entry", null, e.getMessage(), null);
    }
  }

  private static ConntrackEntry.Tuple tuple(NlAttr t, int[] proto) {
    IpAddress src = null;
    IpAddress dst = null;
    int sport = 0;
    int dport = 0;
    for (NlAttr a : t.children()) {
      if (a.type() == Ctnl.CTA_TUPLE_IP) {
        for (NlAttr i : a.children()) {
          switch (i.type()) {
            case Ctnl.CTA_IP_V4_SRC, Ctnl.CTA_IP_V6_SRC -> src = IpAddress.fromBytes(i.bytes());
            case Ctnl.CTA_IP_V4_DST, Ctnl.CTA_IP_V6_DST -> dst = IpAddress.fromBytes(i.bytes());
            default -> {}
          }
        }
      } else if (a.type() == Ctnl.CTA_TUPLE_PROTO) {
        for (NlAttr p : a.children()) {
          switch (p.type()) {
            case Ctnl.CTA_PROTO_NUM -> proto[0] = p.u8();
            case Ctnl.CTA_PROTO_SRC_PORT -> sport = p.u16Be();
            case Ctnl.CTA_PROTO_DST_PORT -> dport = p.u16Be();
            default -> {}
          }
        }
      }
    }
    if (src == null || dst == null) {
      throw new NetlinkCodecException("conntrack tuple without addresses");
    }
    if (proto[0] >= 0 && !ConntrackEntry.hasPorts(proto[0])) {
      sport = 0;
      dport = 0;
    }
    return new ConntrackEntry.Tuple(src, dst, sport, dport);
  }

  private static int be32(NlAttr a) {
    return ByteBuffer.wrap(a.bytes()).getInt();
  }

  /** Closes the socket. */
  @Override
  public void close() {
    socket.close();
  }

  @Override
  public String toString() {
    return "Conntrack[port " + socket.portId() + "]";
  }
}
