package dev.k8snet.core.internal.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One decoded netlink message: the header fields and its payload (everything after the 16-byte
 * header) as a buffer in native byte order positioned at 0.
 */
public record NlMessage(int type, int flags, int seq, int portId, ByteBuffer payload) {

  /** Decodes the attributes that follow a fixed header of {@code fixedLength} bytes. */
  public List<NlAttr> attributes(int fixedLength) {
    if (payload.limit() < fixedLength) {
      throw new NetlinkCodecException(
          "message type " + type + ": " + payload.limit() + " bytes, expected >= " + fixedLength);
    }
    return NlAttr.parse(payload, Nl.align(Math.min(fixedLength, payload.limit())), payload.limit());
  }

  /**
   * Decodes the messages in {@code buf[0, length)}, copying each payload out of {@code buf} so that
   * the buffer may be reused.
   *
   * @throws NetlinkCodecException when a length field is out of range
   */
  public static List<NlMessage> parseAll(ByteBuffer buf, int length) {
    if (length < 0 || length > buf.capacity()) {
      throw new NetlinkCodecException("length " + length + " out of bounds");
    }
    List<NlMessage> out = new ArrayList<>();
    int pos = 0;
    while (pos < length) {
      if (length - pos < Nl.HDRLEN) {
        throw new NetlinkCodecException("trailing " + (length - pos) + " bytes at offset " + pos);
      }
      int len = buf.getInt(pos);
      if (len < Nl.HDRLEN || len > length - pos) {
        throw new NetlinkCodecException(
            "message length " + len + " at offset " + pos + " (remaining " + (length - pos) + ")");
      }
      int type = buf.getShort(pos + 4) & 0xffff;
      int flags = buf.getShort(pos + 6) & 0xffff;
      int seq = buf.getInt(pos + 8);
      int port = buf.getInt(pos + 12);
      byte[] bytes = new byte[len - Nl.HDRLEN];
      buf.get(pos + Nl.HDRLEN, bytes, 0, bytes.length);
      ByteBuffer payload = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
      out.add(new NlMessage(type, flags, seq, port, payload));
      pos = Math.min(length, pos + Nl.align(len));
    }
    return out;
  }
}
