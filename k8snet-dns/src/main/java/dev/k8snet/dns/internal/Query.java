package dev.k8snet.dns.internal;

import io.netty.buffer.ByteBuf;

/**
 * A parsed DNS query: the header fields, the question and the EDNS(0) OPT record. Parsing reads the
 * buffer with absolute indexes and never moves its reader index. Mutable, one per packet.
 */
public final class Query {
  /** Parse outcome: answer normally. */
  public static final int OK = 0;

  /** Parse outcome: send nothing (a response, or fewer than 12 bytes). */
  public static final int DROP = 1;

  /** Parse outcome: answer FORMERR without a question. */
  public static final int FORMERR = 2;

  /** Parse outcome: answer NOTIMP (opcode other than QUERY). */
  public static final int NOTIMP = 3;

  /** Parse outcome: answer BADVERS (EDNS version above 0). */
  public static final int BADVERS = 4;

  int id;
  int flags;
  int qtype;
  int qclass;
  WireName qname;
  int questionEnd; // offset after QCLASS
  boolean edns;
  int udpSize;
  boolean dnssecOk;

  /** Returns the message ID. */
  public int id() {
    return id;
  }

  /** Returns the question type. */
  public int qtype() {
    return qtype;
  }

  /** Returns the question class. */
  public int qclass() {
    return qclass;
  }

  /** Returns the canonical question name. */
  public WireName qname() {
    return qname;
  }

  /** Returns whether the query carried an OPT record. */
  public boolean edns() {
    return edns;
  }

  /** Returns the requestor's UDP payload size (512 without EDNS). */
  public int udpSize() {
    return udpSize;
  }

  /** Returns whether recursion was desired. */
  public boolean recursionDesired() {
    return (flags & 0x0100) != 0;
  }

  /** Parses {@code buf} from its reader index; returns one of the outcome constants. */
  public int parse(ByteBuf buf) {
    int base = buf.readerIndex();
    int end = buf.writerIndex();
    int len = end - base;
    if (len < 12) {
      return DROP;
    }
    id = buf.getUnsignedShort(base);
    flags = buf.getUnsignedShort(base + 2);
    edns = false;
    udpSize = 512;
    dnssecOk = false;
    if ((flags & 0x8000) != 0) {
      return DROP;
    }
    if (((flags >> 11) & 0xF) != 0) {
      return NOTIMP;
    }
    int qd = buf.getUnsignedShort(base + 4);
    int an = buf.getUnsignedShort(base + 6);
    int ns = buf.getUnsignedShort(base + 8);
    int ar = buf.getUnsignedShort(base + 10);
    if (qd != 1) {
      return FORMERR;
    }
    // question name: uncompressed labels, lowercased; first pass validates and measures
    int p = base + 12;
    int n = 0;
    while (true) {
      if (p >= end) {
        return FORMERR;
      }
      int l = buf.getUnsignedByte(p);
      if (l == 0) {
        n++;
        p++;
        break;
      }
      if (l > 63 || n + l + 2 > 255 || p + 1 + l > end) {
        return FORMERR; // a pointer or an over-long name
      }
      n += 1 + l;
      p += 1 + l;
    }
    byte[] name = new byte[n];
    buf.getBytes(base + 12, name);
    for (int i = 0; i < n; ) {
      int l = name[i];
      for (int j = i + 1; j <= i + l; j++) {
        byte c = name[j];
        if (c >= 'A' && c <= 'Z') {
          name[j] = (byte) (c + 32);
        }
      }
      i += 1 + l;
    }
    if (p + 4 > end) {
      return FORMERR;
    }
    qtype = buf.getUnsignedShort(p);
    qclass = buf.getUnsignedShort(p + 2);
    p += 4;
    questionEnd = p - base;
    qname = WireName.ofCanonicalWire(name);
    if (an == 0 && ns == 0 && ar == 0) {
      return OK;
    }
    // skip answer and authority records, find OPT in the additional section
    for (int i = 0; i < an + ns + ar; i++) {
      int nameStart = p;
      p = skipName(buf, p, end);
      if (p < 0 || p + 10 > end) {
        return FORMERR;
      }
      int type = buf.getUnsignedShort(p);
      int rdlen = buf.getUnsignedShort(p + 8);
      if (i >= an + ns && type == Rr.OPT) {
        if (edns || p - nameStart != 1) {
          return FORMERR; // two OPT records, or an OPT not owned by the root
        }
        edns = true;
        udpSize = Math.max(512, buf.getUnsignedShort(p + 2));
        int version = buf.getUnsignedByte(p + 5);
        dnssecOk = (buf.getUnsignedShort(p + 6) & 0x8000) != 0;
        if (version != 0) {
          p += 10 + rdlen;
          if (p > end) {
            return FORMERR;
          }
          return BADVERS;
        }
      }
      p += 10 + rdlen;
      if (p > end) {
        return FORMERR;
      }
    }
    return OK;
  }

  private static int skipName(ByteBuf buf, int p, int end) {
    for (int guard = 0; guard < 128; guard++) {
      if (p >= end) {
        return -1;
      }
      int l = buf.getUnsignedByte(p);
      if (l == 0) {
        return p + 1;
      }
      if ((l & 0xC0) == 0xC0) {
        return p + 2 <= end ? p + 2 : -1;
      }
      if (l > 63) {
        return -1;
      }
      p += 1 + l;
    }
    return -1;
  }
}
