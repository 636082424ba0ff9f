package dev.k8snet.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.cluster.ClusterUpdate;
import dev.k8snet.dns.internal.Engine;
import dev.k8snet.dns.internal.Metrics;
import dev.k8snet.dns.internal.WireName;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Fuzzing: random and mutated packets never crash the engine or the server, responses are
 * well-formed, valid queries keep being answered, and wire answers equal the records index.
 */
class DnsServerProperties {
  static ClusterDns dns;
  static Engine engine;
  static DnsServer server;
  static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  @BeforeContainer
  static void start() {
    dns =
        ClusterDns.create(
            DnsConfig.builder("cluster.local").podRecords(PodRecords.INSECURE).build());
    dns.onUpdate(
        ClusterUpdate.between(
            ClusterState.EMPTY, ClusterState.of(1, DnsServerInteropTest.objects())));
    engine =
        new Engine(
            dns::index,
            WireName.parse("cluster.local"),
            null,
            DnsServer.DEFAULT_ALLOWED_CLIENTS,
            new Metrics(),
            1232);
    server = DnsServer.builder(dns, new InetSocketAddress("127.0.0.1", 0)).eventLoops(2).build();
    server.start();
  }

  @AfterContainer
  static void stop() {
    server.close();
  }

  static List<String> knownNames() {
    List<String> names = new ArrayList<>();
    for (DnsRecord r : dns.records().orElseThrow().records()) {
      names.add(r.name());
    }
    names.add("nothere.default.svc.cluster.local.");
    names.add("10-1-2-3.ns.pod.cluster.local.");
    names.add("example.com.");
    return names;
  }

  @Provide
  Arbitrary<byte[]> validQueries() {
    Arbitrary<String> name = Arbitraries.of(knownNames());
    Arbitrary<Integer> type = Arbitraries.of(1, 2, 5, 6, 12, 15, 16, 28, 33, 255, 65, 99);
    Arbitrary<Boolean> edns = Arbitraries.of(true, false);
    Arbitrary<Boolean> upper = Arbitraries.of(true, false);
    return Combinators.combine(name, type, edns, upper)
        .as(
            (n, t, e, u) -> {
              try {
                String text = u ? n.toUpperCase(Locale.ROOT) : n;
                Message m = Message.newQuery(Record.newRecord(Name.fromString(text), t, 1));
                if (e) {
                  m.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
                }
                return m.toWire();
              } catch (IOException ex) {
                throw new IllegalStateException(ex);
              }
            });
  }

  @Provide
  Arbitrary<byte[]> mutatedQueries() {
    return validQueries()
        .flatMap(
            q ->
                Arbitraries.integers()
                    .between(0, 5)
                    .flatMap(
                        kind ->
                            Arbitraries.integers()
                                .between(0, q.length - 1)
                                .flatMap(
                                    pos ->
                                        Arbitraries.integers()
                                            .between(0, 255)
                                            .map(v -> mutate(q, kind, pos, v)))));
  }

  static byte[] mutate(byte[] q, int kind, int pos, int v) {
    byte[] b = q.clone();
    switch (kind) {
      case 0 -> b[pos] = (byte) v; // overwrite a byte
      case 1 -> b = java.util.Arrays.copyOf(b, pos); // truncate
      case 2 -> { // garbage appended
        b = java.util.Arrays.copyOf(b, b.length + v);
        for (int i = q.length; i < b.length; i++) {
          b[i] = (byte) (i * 31 + v);
        }
      }
      case 3 -> { // a count field set to something else
        int field = 4 + 2 * (pos % 4);
        b[field] = (byte) (v >> 4);
        b[field + 1] = (byte) v;
      }
      case 4 -> { // a compression pointer, possibly a loop
        if (b.length > 13) {
          int at = 12 + pos % (b.length - 13);
          b[at] = (byte) 0xC0;
          b[at + 1] = (byte) v;
        }
      }
      default -> b[2] = (byte) v; // opcode and flags
    }
    return b;
  }

  @Provide
  Arbitrary<byte[]> randomPackets() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(700);
  }

  static Message check(byte[] query, ByteBuf response) throws IOException {
    if (response == null) {
      return null;
    }
    try {
      byte[] out = new byte[response.readableBytes()];
      response.getBytes(response.readerIndex(), out);
      assertTrue(out.length >= 12);
      assertEquals(query[0], out[0]);
      assertEquals(query[1], out[1]);
      assertTrue((out[2] & 0x80) != 0, "QR set");
      return new Message(out); // well-formed
    } finally {
      response.release();
    }
  }

  @Property(tries = 3000)
  void randomPacketsNeverCrashTheEngine(@ForAll("randomPackets") byte[] packet) throws IOException {
    check(
        packet,
        engine.handle(
            UnpooledByteBufAllocator.DEFAULT,
            Unpooled.wrappedBuffer(packet),
            LOOPBACK,
            false,
            b -> {}));
  }

  @Property(tries = 3000)
  void mutatedQueriesGetWellFormedAnswersOrNone(@ForAll("mutatedQueries") byte[] packet)
      throws IOException {
    check(
        packet,
        engine.handle(
            UnpooledByteBufAllocator.DEFAULT,
            Unpooled.wrappedBuffer(packet),
            LOOPBACK,
            packet.length % 2 == 0,
            b -> {}));
  }

  @Property(tries = 1000)
  void wireAnswersEqualTheRecordsIndex(@ForAll("validQueries") byte[] packet) throws IOException {
    Message q = new Message(packet);
    Message r =
        check(
            packet,
            engine.handle(
                UnpooledByteBufAllocator.DEFAULT,
                Unpooled.wrappedBuffer(packet),
                LOOPBACK,
                true,
                b -> {}));
    assertNotNull(r);
    Record question = q.getQuestion();
    assertEquals(question.getName().toString(), r.getQuestion().getName().toString()); // 0x20
    var expected =
        dns.records()
            .orElseThrow()
            .lookup(question.getName().toString(), DnsType.valueOf(question.getType()));
    if (expected.isEmpty()) {
      assertEquals("REFUSED", org.xbill.DNS.Rcode.string(r.getRcode()));
      return;
    }
    DnsAnswer a = expected.get();
    assertEquals(a.rcode().code(), r.getRcode());
    assertTrue(r.getHeader().getFlag(Flags.AA));
    assertEquals(set(a.answer()), set(r, Section.ANSWER));
    assertEquals(set(a.authority()), set(r, Section.AUTHORITY));
    assertEquals(set(a.additional()), set(r, Section.ADDITIONAL));
  }

  static Set<String> set(List<DnsRecord> records) {
    Set<String> s = new TreeSet<>();
    for (DnsRecord r : records) {
      s.add(r.name() + " " + r.type() + " " + r.data());
    }
    return s;
  }

  static Set<String> set(Message m, int section) {
    Set<String> s = new TreeSet<>();
    for (Record r : m.getSection(section)) {
      if (r.getType() != Type.OPT) {
        s.add(
            r.getName().toString().toLowerCase(Locale.ROOT)
                + " "
                + Type.string(r.getType())
                + " "
                + (r.getType() == Type.AAAA
                    ? dev.k8snet.core.IpAddress.parse(r.rdataToString()).toString()
                    // RDATA names may be compressed into the 0x20 question
                    : r.rdataToString().toLowerCase(Locale.ROOT)));
      }
    }
    return s;
  }

  @Property(tries = 40)
  void theServerKeepsAnsweringAfterGarbage(
      @ForAll("randomPackets") byte[] garbage, @ForAll("mutatedQueries") byte[] mutated)
      throws IOException {
    InetSocketAddress addr = server.localAddress();
    try (DatagramSocket s = new DatagramSocket()) {
      s.setSoTimeout(2000);
      s.send(new DatagramPacket(garbage, garbage.length, addr));
      s.send(new DatagramPacket(mutated, mutated.length, addr));
      // garbage over TCP: a random length prefix and bytes, then the connection is dropped
      try (Socket t = new Socket(addr.getAddress(), addr.getPort())) {
        t.setSoTimeout(2000);
        DataOutputStream out = new DataOutputStream(t.getOutputStream());
        out.writeShort(garbage.length);
        out.write(garbage);
        out.writeShort(mutated.length);
        out.write(mutated);
        out.flush();
      }
      byte[] valid =
          Message.newQuery(
                  Record.newRecord(Name.fromString("web.default.svc.cluster.local."), Type.A, 1))
              .toWire();
      s.send(new DatagramPacket(valid, valid.length, addr));
      byte[] buf = new byte[2048];
      // skip answers to the fuzz packets; the valid query's answer must arrive
      for (int i = 0; i < 4; i++) {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.receive(p);
        if (p.getLength() >= 2 && buf[0] == valid[0] && buf[1] == valid[1]) {
          Message m = new Message(java.util.Arrays.copyOf(buf, p.getLength()));
          if (m.getSection(Section.ANSWER).size() == 1) {
            break;
          }
        }
        assertTrue(i < 3, "no answer to the valid query");
      }
    }
    // and over TCP, pipelined: two queries on one connection
    try (Socket t = new Socket(addr.getAddress(), addr.getPort())) {
      t.setSoTimeout(2000);
      DataOutputStream out = new DataOutputStream(t.getOutputStream());
      byte[] q1 =
          Message.newQuery(
                  Record.newRecord(Name.fromString("web.default.svc.cluster.local."), Type.A, 1))
              .toWire();
      byte[] q2 =
          Message.newQuery(Record.newRecord(Name.fromString("nothere.cluster.local."), Type.A, 1))
              .toWire();
      out.writeShort(q1.length);
      out.write(q1);
      out.writeShort(q2.length);
      out.write(q2);
      out.flush();
      DataInputStream in = new DataInputStream(t.getInputStream());
      for (int i = 0; i < 2; i++) {
        byte[] r = new byte[in.readUnsignedShort()];
        in.readFully(r);
        assertTrue((r[2] & 0x80) != 0);
      }
    }
  }
}
