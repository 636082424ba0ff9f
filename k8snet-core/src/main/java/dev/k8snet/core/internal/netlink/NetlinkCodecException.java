package dev.k8snet.core.internal.netlink;

/**
 * A netlink message or attribute that does not parse: a length field shorter than its header,
 * longer than the bytes that remain, or trailing bytes that are not a whole attribute. It is the
 * only exception the decoder throws for bad input.
 */
public final class NetlinkCodecException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NetlinkCodecException(String message) {
    super(message);
  }
}
