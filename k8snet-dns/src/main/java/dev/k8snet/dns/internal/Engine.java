package dev.k8snet.dns.internal;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetAddress;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one query packet: parsing, access control, the authoritative index, the forwarder.
 * Thread-safe; shared by every channel.
 */
public final class Engine {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);

  private final Supplier<ZoneIndex> index;
  private final WireName[] apexes;
  private final Forwarder forwarder;
  private final List<Cidr> allowed;
  private final Metrics metrics;
  private final int maxUdp;

  /** Creates an engine; {@code forwarder} may be null (then REFUSED outside the zones). */
  public Engine(
      Supplier<ZoneIndex> index,
      WireName zone,
      Forwarder forwarder,
      List<Cidr> allowed,
      Metrics metrics,
      int maxUdp) {
    this.index = index;
    this.apexes = new WireName[] {zone, WireName.parse("in-addr.arpa"), WireName.parse("ip6.arpa")};
    this.forwarder = forwarder;
    this.allowed = List.copyOf(allowed);
    this.metrics = metrics;
    this.maxUdp = maxUdp;
  }

  /** Returns the metrics. */
  public Metrics metrics() {
    return metrics;
  }

  // the last client found allowed: most packets come from a few clients
  private volatile InetAddress lastAllowed;

  boolean allowed(InetAddress client) {
    if (allowed.isEmpty() || client.equals(lastAllowed)) {
      return true;
    }
    IpAddress ip = IpAddress.of(client);
    for (Cidr c : allowed) {
      if (c.contains(ip)) {
        lastAllowed = client;
        return true;
      }
    }
    return false;
  }

  /**
   * Answers {@code in}; returns the response, or null when the packet is dropped or the answer will
   * come later through {@code reply} (forwarding).
   */
  public ByteBuf handle(
      ByteBufAllocator alloc,
      ByteBuf in,
      InetAddress client,
      boolean tcp,
      Consumer<ByteBuf> reply) {
    long t0 = System.nanoTime();
    Query q = new Query();
    int st;
    try {
      st = q.parse(in);
    } catch (RuntimeException e) {
      log.debug("unparseable query from {}", client, e);
      st = Query.FORMERR;
    }
    ByteBuf out;
    switch (st) {
      case Query.OK -> {
        out = answer(alloc, in, q, client, tcp, t0, reply);
        if (out == null) {
          return null;
        }
      }
      case Query.DROP -> {
        metrics.dropped.increment();
        return null;
      }
      case Query.NOTIMP -> out = Responder.error(alloc, in, q, Result.NOTIMP, false);
      case Query.BADVERS -> out = Responder.error(alloc, in, q, 16, true);
      default -> out = Responder.error(alloc, in, q, Result.FORMERR, false);
    }
    record(st == Query.OK ? q.qtype : 0, out, t0);
    return out;
  }

  void record(int qtype, ByteBuf out, long t0) {
    int flags = out.getUnsignedShort(out.readerIndex() + 2);
    if ((flags & 0x0200) != 0) {
      metrics.truncated.increment();
    }
    metrics.query(qtype, flags & 0xF, System.nanoTime() - t0);
  }

  private ByteBuf answer(
      ByteBufAllocator alloc,
      ByteBuf in,
      Query q,
      InetAddress client,
      boolean tcp,
      long t0,
      Consumer<ByteBuf> reply) {
    if (!allowed(client)) {
      return Responder.error(alloc, in, q, Result.REFUSED, true);
    }
    if (q.qtype == Rr.OPT) {
      return Responder.error(alloc, in, q, Result.FORMERR, true);
    }
    if (q.qclass != 1 || q.qtype == 251 || q.qtype == 252) {
      return Responder.error(alloc, in, q, Result.REFUSED, true); // CHAOS, ANY class, IXFR, AXFR
    }
    int limit = tcp ? 65535 : Responder.udpLimit(q, maxUdp);
    boolean ra = forwarder != null;
    ZoneIndex idx = index.get();
    if (idx == null) {
      for (WireName a : apexes) {
        if (q.qname.isSubdomainOf(a)) {
          return Responder.error(alloc, in, q, Result.SERVFAIL, true);
        }
      }
    } else {
      Rendered r = idx.answer(q.qname, q.qtype);
      if (r != null) {
        if (r.chase != null && forwarder != null) {
          metrics.forwarded.increment();
          int qtype = q.qtype;
          forwarder.chase(
              q,
              in,
              r,
              limit,
              alloc,
              buf -> {
                record(qtype, buf, t0);
                reply.accept(buf);
              });
          return null;
        }
        return Responder.write(alloc, in, q, r, true, ra, limit);
      }
    }
    if (forwarder != null) {
      metrics.forwarded.increment();
      int qtype = q.qtype;
      forwarder.forward(
          q,
          in,
          limit,
          alloc,
          buf -> {
            record(qtype, buf, t0);
            reply.accept(buf);
          });
      return null;
    }
    if (idx != null && idx.isAuthoritativeFor(q.qname)) {
      return Responder.write(alloc, in, q, idx.reverseNxdomain(q.qname), true, false, limit);
    }
    return Responder.error(alloc, in, q, Result.REFUSED, true);
  }
}
