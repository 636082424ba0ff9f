package dev.k8snet.core.internal.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class NlWriterTest {

  @Test
  void mapsExtendedAckOffsetsToAttributePaths() {
    NlWriter w = new NlWriter(64);
    w.beginMessage(16, 0, 1, 0);
    w.u32(0).u32(0).u32(0).u32(0); // ifinfomsg
    w.attrString(3, "eth0"); // offset 32
    int li = w.beginNest(18); // offset 44
    w.attrString(1, "veth"); // offset 48
    int data = w.beginNest(2); // offset 60
    w.attrU32(1, 7); // offset 64
    w.endNest(data);
    w.endNest(li);
    w.endMessage();
    assertEquals("3", w.attributePathAt(32));
    assertEquals("18", w.attributePathAt(44));
    assertEquals("18/1", w.attributePathAt(48));
    assertEquals("18/2", w.attributePathAt(60));
    assertEquals("18/2/1", w.attributePathAt(64));
    assertNull(w.attributePathAt(33));
    assertEquals("IFLA_LINKINFO/2/1", Rtnl.attributeName(16, "18/2/1"));
    assertEquals("RTA_GATEWAY", Rtnl.attributeName(24, "5"));
  }

  @Test
  void growsBeyondItsInitialCapacity() {
    NlWriter w = new NlWriter(64);
    w.beginMessage(1, 0, 1, 0);
    w.attr(1, new byte[5000]);
    w.endMessage();
    assertEquals(16 + 5004, w.length());
    assertEquals(16 + 5004, w.buffer().getInt(0));
  }

  @Test
  void rejectsUnbalancedNestsAndOversizedAttributes() {
    NlWriter w = new NlWriter(64);
    w.beginMessage(1, 0, 1, 0);
    w.beginNest(1);
    assertThrows(IllegalStateException.class, w::endMessage);
    NlWriter big = new NlWriter(64);
    assertThrows(IllegalArgumentException.class, () -> big.attr(1, new byte[70_000]));
  }

  @Test
  void rejectsLengthsOutsideTheBuffer() {
    ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder());
    b.putInt(0, 24);
    assertThrows(NetlinkCodecException.class, () -> NlMessage.parseAll(b, 20));
    b.putInt(0, 8);
    assertThrows(NetlinkCodecException.class, () -> NlMessage.parseAll(b, 20));
    ByteBuffer a = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
    a.putShort(0, (short) 3);
    assertThrows(NetlinkCodecException.class, () -> NlAttr.parse(a, 0, 8));
    a.putShort(0, (short) 12);
    assertThrows(NetlinkCodecException.class, () -> NlAttr.parse(a, 0, 8));
    assertThrows(NetlinkCodecException.class, () -> NlAttr.parse(a, 0, 9));
  }
}
