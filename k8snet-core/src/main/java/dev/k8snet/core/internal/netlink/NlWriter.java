package dev.k8snet.core.internal.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Encodes netlink messages and attributes into a growable direct buffer in native byte order. A
 * writer holds any number of messages back to back (a batch); each message and attribute starts on
 * a 4-byte boundary and padding bytes are zero. Not thread-safe.
 *
 * <p>The writer records where each attribute of the current message starts, so that the offset in
 * an extended ACK can be mapped back to the attribute that caused it.
 */
public final class NlWriter {
  private ByteBuffer buf;
  private int pos;
  private int msgStart = -1;
  private int[] attrOffsets = new int[32];
  private int[] attrTypes = new int[32];
  private int[] attrDepths = new int[32];
  private int attrCount;
  private int depth;

  public NlWriter(int initialCapacity) {
    buf = ByteBuffer.allocateDirect(Math.max(64, initialCapacity)).order(ByteOrder.nativeOrder());
  }

  /** Returns the buffer; bytes {@code [0, length())} are the encoded messages. */
  public ByteBuffer buffer() {
    return buf;
  }

  /** Returns the number of encoded bytes. */
  public int length() {
    return pos;
  }

  /** Forgets all messages. */
  public NlWriter reset() {
    pos = 0;
    msgStart = -1;
    attrCount = 0;
    depth = 0;
    return this;
  }

  /** Starts a message; {@link #endMessage()} fills in its length. */
  public NlWriter beginMessage(int type, int flags, int seq, int portId) {
    if (msgStart >= 0) {
      throw new IllegalStateException("message not ended");
    }
    ensure(Nl.HDRLEN);
    msgStart = pos;
    attrCount = 0;
    buf.putInt(pos, 0);
    buf.putShort(pos + 4, (short) type);
    buf.putShort(pos + 6, (short) flags);
    buf.putInt(pos + 8, seq);
    buf.putInt(pos + 12, portId);
    pos += Nl.HDRLEN;
    return this;
  }

  /** Ends the current message and returns its offset in the buffer. */
  public int endMessage() {
    if (msgStart < 0 || depth != 0) {
      throw new IllegalStateException("no message or unclosed nest");
    }
    pad();
    buf.putInt(msgStart, pos - msgStart);
    int start = msgStart;
    msgStart = -1;
    return start;
  }

  /** Returns the offset of the message being written, or of the last one ended. */
  public int messageStart() {
    return msgStart;
  }

  public NlWriter u8(int v) {
    ensure(1);
    buf.put(pos++, (byte) v);
    return this;
  }

  public NlWriter u16(int v) {
    ensure(2);
    buf.putShort(pos, (short) v);
    pos += 2;
    return this;
  }

  public NlWriter u32(int v) {
    ensure(4);
    buf.putInt(pos, v);
    pos += 4;
    return this;
  }

  public NlWriter bytes(byte[] v) {
    ensure(v.length);
    for (int i = 0; i < v.length; i++) {
      buf.put(pos + i, v[i]);
    }
    pos += v.length;
    return this;
  }

  /** Writes zero bytes up to the next 4-byte boundary. */
  public NlWriter pad() {
    int target = Nl.align(pos);
    ensure(target - pos);
    while (pos < target) {
      buf.put(pos++, (byte) 0);
    }
    return this;
  }

  public NlWriter attr(int type, byte[] payload) {
    int start = attrHeader(type);
    bytes(payload);
    return attrEnd(start);
  }

  public NlWriter attrU8(int type, int v) {
    int start = attrHeader(type);
    u8(v);
    return attrEnd(start);
  }

  public NlWriter attrU16(int type, int v) {
    int start = attrHeader(type);
    u16(v);
    return attrEnd(start);
  }

  /** A 16-bit attribute in network byte order (ports). */
  public NlWriter attrU16Be(int type, int v) {
    int start = attrHeader(type);
    u8(v >>> 8);
    u8(v);
    return attrEnd(start);
  }

  public NlWriter attrU32(int type, int v) {
    int start = attrHeader(type);
    u32(v);
    return attrEnd(start);
  }

  public NlWriter attrFlag(int type) {
    return attrEnd(attrHeader(type));
  }

  /** A NUL-terminated string attribute. */
  public NlWriter attrString(int type, String v) {
    int start = attrHeader(type);
    bytes(v.getBytes(StandardCharsets.UTF_8));
    u8(0);
    return attrEnd(start);
  }

  /** Starts a nested attribute; pass the result to {@link #endNest(int)}. */
  public int beginNest(int type) {
    int start = attrHeader(type);
    depth++;
    return start;
  }

  public NlWriter endNest(int start) {
    if (depth == 0) {
      throw new IllegalStateException("no open nest");
    }
    depth--;
    return attrEnd(start);
  }

  private int attrHeader(int type) {
    pad();
    ensure(Nl.NLA_HDRLEN);
    int start = pos;
    recordAttr(start, type);
    buf.putShort(pos, (short) 0);
    buf.putShort(pos + 2, (short) type);
    pos += Nl.NLA_HDRLEN;
    return start;
  }

  private NlWriter attrEnd(int start) {
    int len = pos - start;
    if (len > 0xffff) {
      throw new IllegalArgumentException("attribute length: " + len + " (expected: <= 65535)");
    }
    buf.putShort(start, (short) len);
    pad();
    return this;
  }

  private void recordAttr(int start, int type) {
    if (msgStart < 0) {
      return;
    }
    if (attrCount == attrOffsets.length) {
      attrOffsets = Arrays.copyOf(attrOffsets, attrCount * 2);
      attrTypes = Arrays.copyOf(attrTypes, attrCount * 2);
      attrDepths = Arrays.copyOf(attrDepths, attrCount * 2);
    }
    attrOffsets[attrCount] = start - msgStart;
    attrTypes[attrCount] = type & Nl.NLA_TYPE_MASK;
    attrDepths[attrCount] = depth;
    attrCount++;
  }

  /**
   * Describes the attribute of the last message that starts at {@code offset} bytes from the start
   * of the message, as the path of attribute types from the top level, e.g. {@code "18/2/1"}.
   *
   * @return the path, or {@code null} when no attribute starts there
   */
  public String attributePathAt(int offset) {
    int[] path = new int[16];
    for (int i = 0; i < attrCount; i++) {
      int d = attrDepths[i];
      if (d < path.length) {
        path[d] = attrTypes[i];
      }
      if (attrOffsets[i] == offset) {
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j <= Math.min(d, path.length - 1); j++) {
          if (j > 0) {
            sb.append('/');
          }
          sb.append(path[j]);
        }
        return sb.toString();
      }
    }
    return null;
  }

  private void ensure(int n) {
    if (pos + n <= buf.capacity()) {
      return;
    }
    int cap = buf.capacity();
    while (cap < pos + n) {
      cap *= 2;
    }
    ByteBuffer bigger = ByteBuffer.allocateDirect(cap).order(ByteOrder.nativeOrder());
    for (int i = 0; i < pos; i++) {
      bigger.put(i, buf.get(i));
    }
    buf = bigger;
  }
}
