package dev.k8snet.dns.internal;

import dev.k8snet.core.IpAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A domain name in canonical (lowercase) uncompressed wire form, with a cached hash; the key of the
 * record index. Immutable.
 */
public final class WireName {
  /** The root name. */
  public static final WireName ROOT = new WireName(new byte[] {0});

  private final byte[] wire;
  private final int hash;

  private WireName(byte[] wire) {
    this.wire = wire;
    this.hash = hash(wire, 0, wire.length);
  }

  /** Wraps canonical wire bytes that the caller will not modify. */
  public static WireName ofCanonicalWire(byte[] wire) {
    return new WireName(wire);
  }

  static int hash(byte[] b, int from, int to) {
    int h = 1;
    for (int i = from; i < to; i++) {
      h = 31 * h + b[i];
    }
    return h;
  }

  /**
   * Parses a dotted name (trailing dot optional, no escapes), lowercasing it.
   *
   * @throws IllegalArgumentException if a label is empty or longer than 63 bytes, or the name is
   *     longer than 255 bytes
   */
  public static WireName parse(String text) {
    String t = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    if (t.isEmpty()) {
      return ROOT;
    }
    String[] labels = t.toLowerCase(Locale.ROOT).split("\\.", -1);
    byte[] out = new byte[256];
    int n = 0;
    for (String l : labels) {
      byte[] b = l.getBytes(StandardCharsets.UTF_8);
      if (b.length == 0 || b.length > 63) {
        throw new IllegalArgumentException(
            "name: " + text + " (expected: labels of 1 to 63 bytes)");
      }
      if (n + 1 + b.length + 1 > 255) {
        throw new IllegalArgumentException("name: " + text + " (expected: at most 255 bytes)");
      }
      out[n++] = (byte) b.length;
      System.arraycopy(b, 0, out, n, b.length);
      n += b.length;
    }
    out[n++] = 0;
    return new WireName(Arrays.copyOf(out, n));
  }

  /** Returns {@code label.this}. */
  public WireName prepend(String label) {
    byte[] b = label.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
    if (b.length == 0 || b.length > 63 || b.length + 1 + wire.length > 255) {
      throw new IllegalArgumentException("label: " + label + " (expected: 1 to 63 bytes)");
    }
    byte[] out = new byte[1 + b.length + wire.length];
    out[0] = (byte) b.length;
    System.arraycopy(b, 0, out, 1, b.length);
    System.arraycopy(wire, 0, out, 1 + b.length, wire.length);
    return new WireName(out);
  }

  /** Returns the name without its first label; the root's parent is the root. */
  public WireName parent() {
    if (wire.length == 1) {
      return this;
    }
    return new WireName(Arrays.copyOfRange(wire, 1 + (wire[0] & 0xff), wire.length));
  }

  /** Returns whether this name equals {@code ancestor} or lies below it. */
  public boolean isSubdomainOf(WireName ancestor) {
    int off = wire.length - ancestor.wire.length;
    if (off < 0) {
      return false;
    }
    int i = 0;
    while (i < off) {
      i += 1 + (wire[i] & 0xff);
    }
    return i == off
        && Arrays.equals(wire, off, wire.length, ancestor.wire, 0, ancestor.wire.length);
  }

  /** Returns the number of labels, not counting the root. */
  public int labelCount() {
    int n = 0;
    for (int i = 0; wire[i] != 0; i += 1 + (wire[i] & 0xff)) {
      n++;
    }
    return n;
  }

  /** Returns the labels, leftmost first. */
  public List<String> labels() {
    List<String> out = new ArrayList<>();
    for (int i = 0; wire[i] != 0; i += 1 + (wire[i] & 0xff)) {
      out.add(new String(wire, i + 1, wire[i] & 0xff, StandardCharsets.UTF_8));
    }
    return out;
  }

  /** Returns the wire bytes; callers must not modify them. */
  public byte[] wire() {
    return wire;
  }

  /** Returns the wire length in bytes. */
  public int length() {
    return wire.length;
  }

  /** Returns the reverse-lookup name of {@code ip} (in-addr.arpa or 32-nibble ip6.arpa). */
  public static WireName reverse(IpAddress ip) {
    byte[] b = ip.toBytes();
    StringBuilder sb = new StringBuilder();
    if (ip.isIpv4()) {
      for (int i = 3; i >= 0; i--) {
        sb.append(b[i] & 0xff).append('.');
      }
      sb.append("in-addr.arpa.");
    } else {
      for (int i = 15; i >= 0; i--) {
        sb.append(Character.forDigit(b[i] & 0xf, 16)).append('.');
        sb.append(Character.forDigit((b[i] >> 4) & 0xf, 16)).append('.');
      }
      sb.append("ip6.arpa.");
    }
    return parse(sb.toString());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WireName other && hash == other.hash && Arrays.equals(wire, other.wire);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  /** Returns the dotted form with a trailing dot. */
  @Override
  public String toString() {
    if (wire.length == 1) {
      return ".";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; wire[i] != 0; i += 1 + (wire[i] & 0xff)) {
      sb.append(new String(wire, i + 1, wire[i] & 0xff, StandardCharsets.UTF_8)).append('.');
    }
    return sb.toString();
  }
}
