package dev.k8snet.dns.internal;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a response with name compression (RFC 1035 §4.1.4) into a growable array. Used to
 * pre-render answers and, rarely, at query time. Not thread-safe; one instance per message.
 */
final class WireWriter {
  private byte[] buf = new byte[512];
  private int pos;
  private final Map<WireName, Integer> offsets = new HashMap<>();

  private void ensure(int n) {
    if (pos + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
    }
  }

  void u8(int v) {
    ensure(1);
    buf[pos++] = (byte) v;
  }

  void u16(int v) {
    ensure(2);
    buf[pos++] = (byte) (v >> 8);
    buf[pos++] = (byte) v;
  }

  void u32(long v) {
    ensure(4);
    buf[pos++] = (byte) (v >> 24);
    buf[pos++] = (byte) (v >> 16);
    buf[pos++] = (byte) (v >> 8);
    buf[pos++] = (byte) v;
  }

  void bytes(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, buf, pos, len);
    pos += len;
  }

  int position() {
    return pos;
  }

  /** Writes a name, compressing against names written before when {@code compress}. */
  void name(WireName name, boolean compress) {
    byte[] w = name.wire();
    int i = 0;
    WireName suffix = name;
    while (w[i] != 0) {
      Integer at = compress ? offsets.get(suffix) : null;
      if (at != null) {
        u16(0xC000 | at);
        return;
      }
      if (pos < 0x3FFF) {
        offsets.putIfAbsent(suffix, pos);
      }
      int len = w[i] & 0xff;
      bytes(w, i, len + 1);
      i += len + 1;
      suffix = suffix.parent();
    }
    u8(0);
  }

  void record(Rr rr) {
    name(rr.owner(), true);
    u16(rr.type());
    u16(1);
    u32(rr.ttl());
    int lenAt = pos;
    u16(0);
    int start = pos;
    Rr.Rdata d = rr.data();
    if (d instanceof Rr.Address a) {
      byte[] b = a.ip().toBytes();
      bytes(b, 0, b.length);
    } else if (d instanceof Rr.Srv s) {
      u16(s.priority());
      u16(s.weight());
      u16(s.port());
      name(s.target(), false);
    } else if (d instanceof Rr.Target t) {
      name(t.target(), true);
    } else if (d instanceof Rr.Txt t) {
      for (byte[] b : t.bytes()) {
        u8(b.length);
        bytes(b, 0, b.length);
      }
    } else if (d instanceof Rr.Soa s) {
      name(s.mname(), true);
      name(s.rname(), true);
      u32(s.serial());
      u32(s.refresh());
      u32(s.retry());
      u32(s.expire());
      u32(s.minimum());
    }
    int len = pos - start;
    buf[lenAt] = (byte) (len >> 8);
    buf[lenAt + 1] = (byte) len;
  }

  /**
   * Renders {@code result} after a question for {@code qname} and returns the body with its cut
   * points.
   */
  static Rendered render(WireName qname, int qtype, Result result) {
    WireWriter w = new WireWriter();
    w.pos = 12;
    w.name(qname, true);
    w.u16(qtype);
    w.u16(1);
    int bodyStart = w.pos;
    int sets = result.answer().size() + result.authority().size() + result.additional().size();
    int[] cutEnd = new int[sets];
    short[] cutAn = new short[sets];
    short[] cutNs = new short[sets];
    short[] cutAr = new short[sets];
    int[] counts = new int[3];
    int k = 0;
    List<List<List<Rr>>> sections =
        List.of(result.answer(), result.authority(), result.additional());
    for (int s = 0; s < 3; s++) {
      for (List<Rr> set : sections.get(s)) {
        for (Rr rr : set) {
          w.record(rr);
          counts[s]++;
        }
        cutEnd[k] = w.pos - bodyStart;
        cutAn[k] = (short) counts[0];
        cutNs[k] = (short) counts[1];
        cutAr[k] = (short) counts[2];
        k++;
      }
    }
    Rendered r =
        new Rendered(
            result.rcode(),
            Arrays.copyOfRange(w.buf, bodyStart, w.pos),
            counts[0],
            counts[1],
            counts[2],
            cutEnd,
            cutAn,
            cutNs,
            cutAr);
    if (result.chase().isPresent()) {
      r.chase = result.chase().get();
      List<Rr> chain = new java.util.ArrayList<>();
      result.answer().forEach(chain::addAll);
      r.chain = List.copyOf(chain);
    }
    return r;
  }
}
