package dev.k8snet.dns.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** Writes responses: header, the echoed question and a pre-rendered body, truncated to a limit. */
public final class Responder {
  /** The UDP payload size this server advertises in its OPT record: {@value}. */
  public static final int ADVERTISED_UDP_SIZE = 1232;

  private static final int OPT_LENGTH = 11;

  private Responder() {}

  /** Returns the response size limit for a query: 512 without EDNS, else the client's size. */
  public static int udpLimit(Query q, int maxUdpPayload) {
    return q.edns ? Math.min(q.udpSize, Math.max(512, maxUdpPayload)) : 512;
  }

  /**
   * Writes the response for {@code r} to a query; truncates at an RRset boundary when the response
   * would exceed {@code limit}, setting TC=1 only when answer or authority records were left out.
   */
  public static ByteBuf write(
      ByteBufAllocator alloc,
      ByteBuf query,
      Query q,
      Rendered r,
      boolean authoritative,
      boolean recursionAvailable,
      int limit) {
    int qlen = q.questionEnd - 12;
    int fixed = 12 + qlen + (q.edns ? OPT_LENGTH : 0);
    int budget = limit - fixed;
    int bodyLen = r.body.length;
    int an = r.an;
    int ns = r.ns;
    int ar = r.ar;
    boolean tc = false;
    if (bodyLen > budget) {
      int k = r.cutEnd.length - 1;
      while (k >= 0 && r.cutEnd[k] > budget) {
        k--;
      }
      if (k < 0) {
        bodyLen = 0;
        an = 0;
        ns = 0;
        ar = 0;
      } else {
        bodyLen = r.cutEnd[k];
        an = r.cutAn[k];
        ns = r.cutNs[k];
        ar = r.cutAr[k];
      }
      tc = an < r.an || ns < r.ns;
    }
    ByteBuf out = alloc.directBuffer(fixed + bodyLen);
    int flags =
        0x8000
            | (q.flags & 0x0110) // RD, CD
            | (authoritative ? 0x0400 : 0)
            | (tc ? 0x0200 : 0)
            | (recursionAvailable ? 0x0080 : 0)
            | (r.rcode & 0xF);
    out.writeShort(q.id);
    out.writeShort(flags);
    out.writeShort(1);
    out.writeShort(an);
    out.writeShort(ns);
    out.writeShort(ar + (q.edns ? 1 : 0));
    out.writeBytes(query, query.readerIndex() + 12, qlen);
    out.writeBytes(r.body, 0, bodyLen);
    if (q.edns) {
      writeOpt(out, r.rcode >> 4);
    }
    return out;
  }

  /** Writes the OPT pseudo-record advertising {@link #ADVERTISED_UDP_SIZE}. */
  static void writeOpt(ByteBuf out, int extendedRcode) {
    out.writeByte(0);
    out.writeShort(Rr.OPT);
    out.writeShort(ADVERTISED_UDP_SIZE);
    out.writeByte(extendedRcode);
    out.writeByte(0); // version
    out.writeShort(0); // flags (DO clear: no DNSSEC)
    out.writeShort(0);
  }

  /**
   * Writes a response without records: the question echoed when it was parsed ({@code
   * withQuestion}), else none.
   */
  public static ByteBuf error(
      ByteBufAllocator alloc, ByteBuf query, Query q, int rcode, boolean withQuestion) {
    int qlen = withQuestion ? q.questionEnd - 12 : 0;
    boolean opt = withQuestion && q.edns;
    ByteBuf out = alloc.directBuffer(12 + qlen + (opt ? OPT_LENGTH : 0));
    int id = query.getUnsignedShort(query.readerIndex());
    int inFlags = query.getUnsignedShort(query.readerIndex() + 2);
    out.writeShort(id);
    out.writeShort(0x8000 | (inFlags & 0x7910) | (rcode & 0xF)); // opcode, RD, CD kept
    out.writeShort(withQuestion ? 1 : 0);
    out.writeShort(0);
    out.writeShort(0);
    out.writeShort(opt ? 1 : 0);
    if (withQuestion) {
      out.writeBytes(query, query.readerIndex() + 12, qlen);
    }
    if (opt) {
      writeOpt(out, rcode >> 4);
    }
    return out;
  }
}
