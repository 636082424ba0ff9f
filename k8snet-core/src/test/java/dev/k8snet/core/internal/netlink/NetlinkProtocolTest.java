package dev.k8snet.core.internal.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.internal.sys.LibC;
import dev.k8snet.core.internal.sys.Sys;
import dev.k8snet.core.netlink.NetlinkException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The request/reply engine against a scripted peer that plays the kernel over a UNIX datagram
 * socket pair: sequence and port checks, multi-part dumps, NLM_F_DUMP_INTR, errors with extended
 * ACK in NLMSG_ERROR and NLMSG_DONE, and deadlines. Needs no privileges.
 */
class NetlinkProtocolTest {
  private static final int AF_UNIX = 1;
  private static final int SOCK_DGRAM = 2;
  private static final int PORT = 4242;

  private final LibC libc = Sys.libc();
  private int peer;
  private NetlinkSocket socket;
  private Thread kernel;

  @BeforeEach
  void open() {
    int[] sv = new int[2];
    assertEquals(0, libc.socketpair(AF_UNIX, SOCK_DGRAM | Sys.SOCK_CLOEXEC, 0, sv));
    peer = sv[1];
    socket = NetlinkSocket.wrap(sv[0], PORT, Duration.ofMillis(500));
  }

  @AfterEach
  void close() throws InterruptedException {
    socket.close();
    libc.close(peer);
    if (kernel != null) {
      kernel.join(2000);
    }
  }

  /** Serves {@code requests} requests: reads each and lets {@code reply} answer it by seq. */
  private void serve(int requests, BiConsumer<Integer, NlWriter> reply) {
    kernel =
        new Thread(
            () -> {
              ByteBuffer in = ByteBuffer.allocateDirect(65536).order(ByteOrder.nativeOrder());
              ByteBuffer addr = ByteBuffer.allocateDirect(128);
              ByteBuffer len = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
              for (int i = 0; i < requests; i++) {
                len.putInt(0, 128);
                long n = libc.recvfrom(peer, in, in.capacity(), 0, addr, len);
                if (n < 16) {
                  return;
                }
                int seq = in.getInt(8);
                NlWriter out = new NlWriter(256);
                reply.accept(seq, out);
                // One datagram per message, as the kernel may split a dump.
                int pos = 0;
                while (pos < out.length()) {
                  // A corrupted length never makes the datagram longer than what was written.
                  int mlen = Math.min(out.buffer().getInt(pos), out.length() - pos);
                  ByteBuffer one = ByteBuffer.allocateDirect(mlen).order(ByteOrder.nativeOrder());
                  for (int b = 0; b < mlen; b++) {
                    one.put(b, out.buffer().get(pos + b));
                  }
                  libc.send(peer, one, mlen, 0);
                  pos += Math.max(Nl.HDRLEN, Nl.align(mlen));
                }
              }
            },
            "fake-kernel");
    kernel.setDaemon(true);
    kernel.start();
  }

  private static void link(NlWriter w, int seq, int flags, String name) {
    w.beginMessage(Rtnl.RTM_NEWLINK, flags, seq, PORT);
    w.u8(0).u8(0).u16(0).u32(1).u32(0).u32(0);
    w.attrString(Rtnl.IFLA_IFNAME, name);
    w.endMessage();
  }

  private static void done(NlWriter w, int seq, int error) {
    w.beginMessage(Nl.NLMSG_DONE, Nl.NLM_F_MULTI, seq, PORT);
    w.u32(error);
    w.endMessage();
  }

  private static void ack(NlWriter w, int seq, int error, String extAck, Integer offset) {
    int flags = Nl.NLM_F_CAPPED | (extAck != null ? Nl.NLM_F_ACK_TLVS : 0);
    w.beginMessage(Nl.NLMSG_ERROR, flags, seq, PORT);
    w.u32(error);
    w.u32(16).u16(Rtnl.RTM_NEWLINK).u16(0).u32(seq).u32(0); // the request's header, capped
    if (extAck != null) {
      w.attrString(Nl.NLMSGERR_ATTR_MSG, extAck);
      if (offset != null) {
        w.attrU32(Nl.NLMSGERR_ATTR_OFFS, offset);
      }
    }
    w.endMessage();
  }

  private static void ifinfo(NlWriter w) {
    w.u8(0).u8(0).u16(0).u32(0).u32(0).u32(0);
  }

  @Test
  void dropsRepliesWithAnotherSequenceNumberOrPort() {
    serve(
        1,
        (seq, w) -> {
          link(w, seq - 1, 0, "stale"); // an old request's late reply
          w.beginMessage(Rtnl.RTM_NEWLINK, 0, seq, PORT + 1); // another socket's
          w.u8(0).u8(0).u16(0).u32(1).u32(0).u32(0);
          w.attrString(Rtnl.IFLA_IFNAME, "foreign");
          w.endMessage();
          link(w, seq, 0, "mine");
        });
    NlMessage m = socket.get(Rtnl.RTM_GETLINK, NetlinkProtocolTest::ifinfo, "get link", "x");
    assertEquals("mine", Rtnl.link(m).name());
  }

  @Test
  void collectsAMultiPartDumpUntilDone() {
    serve(
        1,
        (seq, w) -> {
          for (int i = 0; i < 5; i++) {
            link(w, seq, Nl.NLM_F_MULTI, "l" + i);
          }
          done(w, seq, 0);
        });
    List<NlMessage> all = socket.dump(Rtnl.RTM_GETLINK, NetlinkProtocolTest::ifinfo, "dump", null);
    List<String> names = new ArrayList<>();
    all.forEach(m -> names.add(Rtnl.link(m).name()));
    assertEquals(List.of("l0", "l1", "l2", "l3", "l4"), names);
  }

  @Test
  void repeatsAnInterruptedDumpAndReturnsTheConsistentOne() {
    AtomicInteger served = new AtomicInteger();
    serve(
        2,
        (seq, w) -> {
          boolean first = served.getAndIncrement() == 0;
          link(w, seq, Nl.NLM_F_MULTI | (first ? Nl.NLM_F_DUMP_INTR : 0), first ? "old" : "new");
          done(w, seq, 0);
        });
    List<NlMessage> all = socket.dump(Rtnl.RTM_GETLINK, NetlinkProtocolTest::ifinfo, "dump", null);
    assertEquals(1, all.size());
    assertEquals("new", Rtnl.link(all.get(0)).name());
    assertEquals(2, served.get());
  }

  @Test
  void reportsADumpThatKeepsBeingInterruptedWithEintr() {
    serve(
        5,
        (seq, w) -> {
          link(w, seq, Nl.NLM_F_MULTI, "x");
          done(w, seq, 0);
          // DUMP_INTR on DONE only, as the kernel sets it on the message where it noticed.
          w.buffer().putShort(w.length() - 20 + 6, (short) (Nl.NLM_F_MULTI | Nl.NLM_F_DUMP_INTR));
        });
    NetlinkException e =
        assertThrows(
            NetlinkException.class,
            () -> socket.dump(Rtnl.RTM_GETLINK, NetlinkProtocolTest::ifinfo, "list links", null));
    assertEquals("EINTR", e.errnoName());
    assertEquals("list links", e.operation());
  }

  @Test
  void turnsAnErrorWithExtendedAckIntoAnExceptionNamingTheAttribute() {
    serve(1, (seq, w) -> ack(w, seq, -34, "Attribute failed policy validation", 32));
    NetlinkException e =
        assertThrows(
            NetlinkException.class,
            () ->
                socket.ack(
                    Rtnl.RTM_NEWLINK,
                    0,
                    w -> {
                      ifinfo(w);
                      w.attrString(Rtnl.IFLA_IFNAME, "very-long-name-x");
                    },
                    "add link",
                    "very-long-name-x"));
    assertEquals(34, e.errno());
    assertEquals("ERANGE", e.errnoName());
    assertEquals("Attribute failed policy validation", e.extAckMessage().orElseThrow());
    assertEquals("IFLA_IFNAME", e.attribute().orElseThrow());
    assertEquals(
        "add link very-long-name-x: ERANGE: Attribute failed policy validation"
            + " (attribute IFLA_IFNAME)",
        e.getMessage());
  }

  @Test
  void reportsAnErrorInDoneWithItsExtendedAck() {
    serve(
        1,
        (seq, w) -> {
          w.beginMessage(Nl.NLMSG_DONE, Nl.NLM_F_MULTI | Nl.NLM_F_ACK_TLVS, seq, PORT);
          w.u32(-22);
          w.attrString(Nl.NLMSGERR_ATTR_MSG, "Invalid header for dump request");
          w.endMessage();
        });
    NetlinkException e =
        assertThrows(
            NetlinkException.class,
            () -> socket.dump(Rtnl.RTM_GETLINK, NetlinkProtocolTest::ifinfo, "dump", null));
    assertEquals("EINVAL", e.errnoName());
    assertEquals("Invalid header for dump request", e.extAckMessage().orElseThrow());
  }

  @Test
  void acknowledgementCompletesARequest() {
    serve(1, (seq, w) -> ack(w, seq, 0, null, null));
    socket.ack(Rtnl.RTM_NEWLINK, 0, NetlinkProtocolTest::ifinfo, "set link", "x");
  }

  @Test
  void silenceFailsAtTheDeadlineWithEtimedout() {
    serve(1, (seq, w) -> {});
    long start = System.nanoTime();
    NetlinkException e =
        assertThrows(
            NetlinkException.class,
            () -> socket.ack(Rtnl.RTM_NEWLINK, 0, NetlinkProtocolTest::ifinfo, "set link", "x"));
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertEquals(110, e.errno());
    assertTrue(ms >= 400 && ms < 5000, "waited " + ms + " ms");
  }

  @Test
  void malformedReplyFailsWithEprotoInsteadOfHanging() {
    serve(
        1,
        (seq, w) -> {
          link(w, seq, 0, "x");
          w.buffer().putInt(0, 4000); // nlmsg_len beyond the datagram
        });
    NetlinkException e =
        assertThrows(
            NetlinkException.class,
            () -> socket.get(Rtnl.RTM_GETLINK, NetlinkProtocolTest::ifinfo, "get link", "x"));
    assertEquals("EPROTO", e.errnoName());
    assertTrue(e.getMessage().contains("message length 4000"), e.getMessage());
  }
}
