package dev.k8snet.core.internal.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One decoded netlink attribute: its type (without the NESTED and NET_BYTEORDER flag bits), its
 * flags and a read-only view of its payload in native byte order.
 */
public record NlAttr(int type, int flags, ByteBuffer payload) {

  /** Returns whether the NLA_F_NESTED bit was set. */
  public boolean nested() {
    return (flags & Nl.NLA_F_NESTED) != 0;
  }

  /** Returns the payload's bytes. */
  public byte[] bytes() {
    byte[] out = new byte[payload.remaining()];
    payload.duplicate().get(out);
    return out;
  }

  public int u8() {
    need(1);
    return payload.get(payload.position()) & 0xff;
  }

  public int u16() {
    need(2);
    return payload.getShort(payload.position()) & 0xffff;
  }

  public int u16Be() {
    need(2);
    int p = payload.position();
    return ((payload.get(p) & 0xff) << 8) | (payload.get(p + 1) & 0xff);
  }

  public int u32() {
    need(4);
    return payload.getInt(payload.position());
  }

  /** The payload as a string, up to the first NUL. */
  public String string() {
    byte[] b = bytes();
    int n = 0;
    while (n < b.length && b[n] != 0) {
      n++;
    }
    return new String(b, 0, n, StandardCharsets.UTF_8);
  }

  /** Decodes the payload as a sequence of attributes. */
  public List<NlAttr> children() {
    return parse(payload, payload.position(), payload.limit());
  }

  private void need(int n) {
    if (payload.remaining() < n) {
      throw new NetlinkCodecException(
          "attribute " + type + ": " + payload.remaining() + " bytes, expected " + n);
    }
  }

  /**
   * Decodes the attributes in {@code buf[from, to)}. The last attribute may lack its padding.
   *
   * @throws NetlinkCodecException when a length is out of range or bytes are left over
   */
  public static List<NlAttr> parse(ByteBuffer buf, int from, int to) {
    if (from < 0 || to > buf.limit() || from > to) {
      throw new NetlinkCodecException("attribute range [" + from + ", " + to + ") out of bounds");
    }
    List<NlAttr> out = new ArrayList<>();
    int pos = from;
    while (pos < to) {
      if (to - pos < Nl.NLA_HDRLEN) {
        throw new NetlinkCodecException("trailing " + (to - pos) + " bytes at offset " + pos);
      }
      int len = buf.getShort(pos) & 0xffff;
      int rawType = buf.getShort(pos + 2) & 0xffff;
      if (len < Nl.NLA_HDRLEN || len > to - pos) {
        throw new NetlinkCodecException(
            "attribute length " + len + " at offset " + pos + " (remaining " + (to - pos) + ")");
      }
      ByteBuffer payload =
          buf.duplicate()
              .limit(pos + len)
              .position(pos + Nl.NLA_HDRLEN)
              .slice()
              .order(ByteOrder.nativeOrder())
              .asReadOnlyBuffer()
              .order(ByteOrder.nativeOrder());
      out.add(new NlAttr(rawType & Nl.NLA_TYPE_MASK, rawType & ~Nl.NLA_TYPE_MASK, payload));
      pos = Math.min(to, pos + Nl.align(len));
    }
    return out;
  }
}
