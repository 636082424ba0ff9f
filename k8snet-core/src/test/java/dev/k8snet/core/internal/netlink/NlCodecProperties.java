package dev.k8snet.core.internal.netlink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class NlCodecProperties {

  /** A model attribute: either a leaf with a payload or a nest with children. */
  @SuppressWarnings("ArrayRecordComponent") // compared element-wise by the properties
  record Attr(int type, byte[] payload, List<Attr> children) {
    boolean nest() {
      return children != null;
    }
  }

  @Provide
  Arbitrary<List<Attr>> trees() {
    return attrs(3).list().ofMaxSize(6);
  }

  private Arbitrary<Attr> attrs(int depth) {
    Arbitrary<Integer> types = Arbitraries.integers().between(1, Nl.NLA_TYPE_MASK);
    Arbitrary<Attr> leaf =
        types.flatMap(
            t ->
                Arbitraries.bytes()
                    .array(byte[].class)
                    .ofMaxSize(300)
                    .map(b -> new Attr(t, b, null)));
    if (depth == 0) {
      return leaf;
    }
    Arbitrary<Attr> nest =
        types.flatMap(t -> attrs(depth - 1).list().ofMaxSize(4).map(c -> new Attr(t, null, c)));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, leaf), net.jqwik.api.Tuple.of(1, nest));
  }

  private static void encode(NlWriter w, List<Attr> attrs) {
    for (Attr a : attrs) {
      if (a.nest()) {
        int n = w.beginNest(a.type() | Nl.NLA_F_NESTED);
        encode(w, a.children());
        w.endNest(n);
      } else {
        w.attr(a.type(), a.payload());
      }
    }
  }

  private static List<Attr> decode(List<NlAttr> attrs) {
    List<Attr> out = new ArrayList<>();
    for (NlAttr a : attrs) {
      out.add(
          a.nested()
              ? new Attr(a.type(), null, decode(a.children()))
              : new Attr(a.type(), a.bytes(), null));
    }
    return out;
  }

  private static void assertSame(List<Attr> expected, List<Attr> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      Attr e = expected.get(i);
      Attr a = actual.get(i);
      assertEquals(e.type(), a.type());
      assertEquals(e.nest(), a.nest());
      if (e.nest()) {
        assertSame(e.children(), a.children());
      } else {
        assertArrayEquals(e.payload(), a.payload());
      }
    }
  }

  private static ByteBuffer message(List<Attr> attrs, int type, int seq) {
    NlWriter w = new NlWriter(64);
    w.beginMessage(type, Nl.NLM_F_REQUEST, seq, 0);
    w.u32(0xdeadbeef);
    encode(w, attrs);
    w.endMessage();
    ByteBuffer copy = ByteBuffer.allocate(w.length()).order(ByteOrder.nativeOrder());
    for (int i = 0; i < w.length(); i++) {
      copy.put(i, w.buffer().get(i));
    }
    return copy;
  }

  @Property
  void encodeThenDecodeIsIdentity(@ForAll("trees") List<Attr> attrs) {
    ByteBuffer buf = message(attrs, 20, 7);
    List<NlMessage> msgs = NlMessage.parseAll(buf, buf.capacity());
    assertEquals(1, msgs.size());
    NlMessage m = msgs.get(0);
    assertEquals(20, m.type());
    assertEquals(7, m.seq());
    assertEquals(0xdeadbeef, m.payload().getInt(0));
    assertSame(attrs, decode(m.attributes(4)));
  }

  @Property
  void everyMessageAndAttributeIsFourByteAligned(@ForAll("trees") List<Attr> attrs) {
    ByteBuffer buf = message(attrs, 16, 1);
    assertEquals(0, buf.capacity() % 4);
    assertEquals(buf.capacity(), buf.getInt(0), "nlmsg_len covers the padded message");
    checkAligned(buf, Nl.HDRLEN + 4, buf.capacity());
  }

  /** Walks the raw bytes: every attribute header starts on a 4-byte boundary. */
  private static void checkAligned(ByteBuffer buf, int from, int to) {
    int pos = from;
    while (pos < to) {
      assertEquals(0, pos % 4, "attribute at offset " + pos);
      int len = buf.getShort(pos) & 0xffff;
      int type = buf.getShort(pos + 2) & 0xffff;
      assertTrue(len >= Nl.NLA_HDRLEN && pos + len <= to);
      if ((type & Nl.NLA_F_NESTED) != 0) {
        checkAligned(buf, pos + Nl.NLA_HDRLEN, pos + len);
      }
      pos += Nl.align(len);
    }
    assertEquals(to, pos);
  }

  @Property
  void nlaLenExcludesTrailingPaddingButNestLengthIncludesChildrenPadding(
      @ForAll @Size(max = 40) byte[] payload) {
    NlWriter w = new NlWriter(64);
    int nest = w.beginNest(1);
    w.attr(2, payload);
    w.endNest(nest);
    ByteBuffer b = w.buffer();
    assertEquals(4 + payload.length, b.getShort(4) & 0xffff);
    assertEquals(4 + Nl.align(4 + payload.length), b.getShort(0) & 0xffff);
    assertEquals(0, w.length() % 4);
    for (int i = 8 + payload.length; i < w.length(); i++) {
      assertEquals(0, b.get(i), "padding is zero");
    }
  }

  @Property
  void lastAttributeWithoutPaddingIsAccepted(@ForAll @Size(min = 1, max = 20) byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(4 + payload.length).order(ByteOrder.nativeOrder());
    b.putShort(0, (short) (4 + payload.length));
    b.putShort(2, (short) 9);
    for (int i = 0; i < payload.length; i++) {
      b.put(4 + i, payload[i]);
    }
    List<NlAttr> attrs = NlAttr.parse(b, 0, b.capacity());
    assertEquals(1, attrs.size());
    assertArrayEquals(payload, attrs.get(0).bytes());
  }

  @Property
  void truncatedMessagesAreRejectedOrParsedNeverReadOutOfBounds(
      @ForAll("trees") List<Attr> attrs, @ForAll @IntRange(min = 0, max = 10_000) int cut) {
    ByteBuffer full = message(attrs, 24, 3);
    int len = Math.min(cut, full.capacity());
    ByteBuffer truncated = ByteBuffer.allocate(len).order(ByteOrder.nativeOrder());
    for (int i = 0; i < len; i++) {
      truncated.put(i, full.get(i));
    }
    decodeAll(truncated);
  }

  @Property(tries = 2000)
  void corruptedMessagesAreRejectedOrParsedNeverReadOutOfBounds(
      @ForAll("trees") List<Attr> attrs,
      @ForAll @IntRange(min = 0, max = 4096) int at,
      @ForAll byte value) {
    ByteBuffer buf = message(attrs, 24, 3);
    buf.put(at % buf.capacity(), value);
    decodeAll(buf);
  }

  @Property(tries = 2000)
  void arbitraryBytesAreRejectedOrParsed(@ForAll @Size(max = 200) byte[] bytes) {
    decodeAll(ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()));
  }

  /** Decodes everything reachable; only NetlinkCodecException may escape. */
  private static void decodeAll(ByteBuffer buf) {
    try {
      for (NlMessage m : NlMessage.parseAll(buf, buf.capacity())) {
        if (m.payload().limit() >= 4) {
          walk(m.attributes(4));
        }
      }
    } catch (NetlinkCodecException expected) {
      assertTrue(expected.getMessage() != null);
    }
  }

  private static void walk(List<NlAttr> attrs) {
    for (NlAttr a : attrs) {
      if (a.nested() || a.payload().remaining() >= 4) {
        try {
          walk(a.children());
        } catch (NetlinkCodecException notNested) {
          assertTrue(notNested.getMessage() != null);
        }
      }
    }
  }

  @Property(tries = 3000)
  void rtnetlinkDecodersRejectGarbageWithTypedExceptionsOnly(
      @ForAll @IntRange(min = 16, max = 31) int type, @ForAll @Size(max = 160) byte[] bytes) {
    NlMessage m =
        new NlMessage(type, 0, 0, 0, ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()));
    try {
      switch ((type - 16) / 4) {
        case 0 -> Rtnl.link(m);
        case 1 -> Rtnl.address(m);
        case 2 -> Rtnl.route(m);
        default -> Rtnl.neighbour(m);
      }
    } catch (NetlinkCodecException | IllegalArgumentException expected) {
      assertTrue(expected.getMessage() != null);
    }
  }

  @Property
  void batchOfMessagesParsesBackInOrder(@ForAll @IntRange(min = 1, max = 20) int count) {
    NlWriter w = new NlWriter(16);
    for (int i = 0; i < count; i++) {
      w.beginMessage(100 + i, 0, i, 0);
      w.attrString(3, "m" + i);
      w.endMessage();
    }
    List<NlMessage> msgs = NlMessage.parseAll(w.buffer(), w.length());
    assertEquals(count, msgs.size());
    for (int i = 0; i < count; i++) {
      assertEquals(100 + i, msgs.get(i).type());
      assertEquals("m" + i, msgs.get(i).attributes(0).get(0).string());
    }
  }
}
