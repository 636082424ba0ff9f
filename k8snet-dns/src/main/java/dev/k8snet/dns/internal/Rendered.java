package dev.k8snet.dns.internal;

/**
 * A pre-rendered response body: the answer, authority and additional sections as wire bytes that
 * follow a question of a known length at offset 12, plus the cut points at RRset boundaries for
 * truncation. Immutable.
 */
public final class Rendered {
  final int rcode;
  final byte[] body;
  final int an;
  final int ns;
  final int ar;
  // after each RRset: body length so far and the section counts so far
  final int[] cutEnd;
  final short[] cutAn;
  final short[] cutNs;
  final short[] cutAr;
  // a CNAME chain that leaves the zones: the last target and the chain, for the forwarder
  WireName chase;
  java.util.List<Rr> chain = java.util.List.of();

  Rendered(
      int rcode,
      byte[] body,
      int an,
      int ns,
      int ar,
      int[] cutEnd,
      short[] cutAn,
      short[] cutNs,
      short[] cutAr) {
    this.rcode = rcode;
    this.body = body;
    this.an = an;
    this.ns = ns;
    this.ar = ar;
    this.cutEnd = cutEnd;
    this.cutAn = cutAn;
    this.cutNs = cutNs;
    this.cutAr = cutAr;
  }

  /** Returns an empty body with an rcode. */
  static Rendered empty(int rcode) {
    return new Rendered(
        rcode, new byte[0], 0, 0, 0, new int[0], new short[0], new short[0], new short[0]);
  }

  /** Returns the response code. */
  public int rcode() {
    return rcode;
  }

  /** Returns a copy of the body with the section counts in front (for comparisons). */
  public byte[] bytes() {
    byte[] out = new byte[body.length + 7];
    out[0] = (byte) rcode;
    out[1] = (byte) (an >> 8);
    out[2] = (byte) an;
    out[3] = (byte) (ns >> 8);
    out[4] = (byte) ns;
    out[5] = (byte) ar;
    out[6] = (byte) (ar >> 8);
    System.arraycopy(body, 0, out, 7, body.length);
    return out;
  }

  /** Returns the body length in bytes. */
  public int length() {
    return body.length;
  }
}
