package dev.k8snet.dns.internal;

import io.netty.buffer.ByteBuf;

/** Small buffer helpers. */
final class ByteBufUtil2 {
  private ByteBufUtil2() {}

  /** Copies the readable bytes. */
  static byte[] bytes(ByteBuf b) {
    byte[] out = new byte[b.readableBytes()];
    b.getBytes(b.readerIndex(), out);
    return out;
  }
}
