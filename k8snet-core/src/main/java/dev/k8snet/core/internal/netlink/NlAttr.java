package dev.k8snet.core.internal.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One decoded netlink attribute: its type (without the NESTED and NET_BYTEORDER flag bits), its
 * flags, and where its payload lies in the message buffer ({@code length} bytes from {@code
 * offset}). Decoding allocates one object per attribute and copies nothing.
 */
public record NlAttr(int type, int flags, ByteBuffer buf, int offset, int length) {

  /** Returns whether the NLA_F_NESTED bit was set. */
  public boolean nested() {
    return (flags & Nl.NLA_F_NESTED) != 0;
  }

  /** Returns a read-only view of the payload in native byte order, positioned at 0. */
  public ByteBuffer payload() {
    return buf.duplicate()
        .limit(offset + length)
        .position(offset)
        .slice()
        .asReadOnlyBuffer()
        .order(ByteOrder.nativeOrder());
  }

  /** Returns a copy of the payload's bytes. */
  public byte[] bytes() {
    byte[] out = new byte[length];
    buf.get(offset, out, 0, length);
    return out;
  }

  public int u8() {
    need(1);
    return buf.get(offset) & 0xff;
  }

  public int u16() {
    need(2);
    return buf.getShort(offset) & 0xffff;
  }

  public int u16Be() {
    need(2);
    return ((buf.get(offset) & 0xff) << 8) | (buf.get(offset + 1) & 0xff);
  }

  public int u32() {
    need(4);
    return buf.getInt(offset);
  }

  /** The payload as a string, up to the first NUL. */
  public String string() {
    int n = 0;
    while (n < length && buf.get(offset + n) != 0) {
      n++;
    }
    byte[] b = new byte[n];
    buf.get(offset, b, 0, n);
    return new String(b, StandardCharsets.UTF_8);
  }

  /** Decodes the payload as a sequence of attributes. */
  public List<NlAttr> children() {
    return parse(buf, offset, offset + length);
  }

  private void need(int n) {
    if (length < n) {
      throw new NetlinkCodecException(
          "attribute " + type + ": " + length + " bytes, expected " + n);
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
    ByteBuffer b =
        buf.order() == ByteOrder.nativeOrder()
            ? buf
            : buf.duplicate().order(ByteOrder.nativeOrder());
    List<NlAttr> out = new ArrayList<>();
    int pos = from;
    while (pos < to) {
      if (to - pos < Nl.NLA_HDRLEN) {
        throw new NetlinkCodecException("trailing " + (to - pos) + " bytes at offset " + pos);
      }
      int len = b.getShort(pos) & 0xffff;
      int rawType = b.getShort(pos + 2) & 0xffff;
      if (len < Nl.NLA_HDRLEN || len > to - pos) {
        throw new NetlinkCodecException(
            "attribute length " + len + " at offset " + pos + " (remaining " + (to - pos) + ")");
      }
      out.add(
          new NlAttr(
              rawType & Nl.NLA_TYPE_MASK,
              rawType & ~Nl.NLA_TYPE_MASK,
              b,
              pos + Nl.NLA_HDRLEN,
              len - Nl.NLA_HDRLEN));
      pos = Math.min(to, pos + Nl.align(len));
    }
    return out;
  }
}
