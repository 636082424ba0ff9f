package dev.k8snet.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.cluster.ClusterUpdate;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** The UDP side of the server: where answers come from, bursts, bad datagrams and closing. */
class DnsServerUdpTest {
  ClusterDns dns;

  @BeforeEach
  void setUp() {
    dns = ClusterDns.create(DnsConfig.of("cluster.local"));
    dns.onUpdate(ClusterUpdate.between(ClusterState.EMPTY, Fixtures.state()));
  }

  static byte[] query(int id, String name) throws IOException {
    Message m = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN));
    m.getHeader().setID(id);
    return m.toWire();
  }

  /** Sends one query from a socket connected to {@code to}: only answers from {@code to} count. */
  static Message ask(InetSocketAddress to, int id, String name) throws IOException {
    try (DatagramSocket s = new DatagramSocket()) {
      s.connect(to);
      s.setSoTimeout(3_000);
      byte[] q = query(id, name);
      s.send(new DatagramPacket(q, q.length));
      byte[] buf = new byte[4096];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      s.receive(p);
      assertEquals(to, p.getSocketAddress());
      byte[] wire = new byte[p.getLength()];
      System.arraycopy(buf, 0, wire, 0, wire.length);
      return new Message(wire);
    }
  }

  static String firstA(Message m) {
    return m.getSection(1).get(0).rdataToString();
  }

  @Test
  void aServerOnTheIpv4WildcardAnswersFromTheAddressEachQueryWasSentTo() throws Exception {
    try (DnsServer s = DnsServer.builder(dns, new InetSocketAddress("0.0.0.0", 0)).build()) {
      s.start();
      int port = s.localAddress().getPort();
      for (String dst : List.of("127.0.0.1", "127.0.0.2", "127.0.0.3")) {
        Message m = ask(new InetSocketAddress(dst, port), 7, "web.default.svc.cluster.local.");
        assertEquals(7, m.getHeader().getID(), dst);
        assertEquals("10.96.0.10", firstA(m), dst);
      }
    }
  }

  @Test
  void aServerOnTheIpv6WildcardAnswersIpv6AndIpv4ClientsFromTheirDestination() throws Exception {
    try (DnsServer s = DnsServer.builder(dns, new InetSocketAddress("::", 0)).build()) {
      s.start();
      int port = s.localAddress().getPort();
      for (String dst : List.of("::1", "127.0.0.4")) {
        Message m = ask(new InetSocketAddress(dst, port), 9, "web.default.svc.cluster.local.");
        assertEquals("10.96.0.10", firstA(m), dst);
      }
    }
  }

  @Test
  void forwardedAnswersAlsoComeFromTheAddressTheQueryWasSentTo() throws Exception {
    try (FakeUpstream upstream = new FakeUpstream();
        DnsServer s =
            DnsServer.builder(dns, new InetSocketAddress("0.0.0.0", 0))
                .upstream(upstream.address())
                .build()) {
      s.start();
      int port = s.localAddress().getPort();
      Message m = ask(new InetSocketAddress("127.0.0.5", port), 11, "www.example.test.");
      assertEquals(Rcode.NOERROR, m.getRcode());
      assertEquals("192.0.2.1", firstA(m));
    }
  }

  @Test
  void aBurstOfQueriesFromOneSocketIsAnsweredInFull() throws Exception {
    try (DnsServer s =
            DnsServer.builder(dns, new InetSocketAddress("127.0.0.1", 0)).eventLoops(1).build();
        DatagramSocket c = new DatagramSocket()) {
      s.start();
      c.connect(s.localAddress());
      c.setSoTimeout(3_000);
      // rounds of 100: more than one recvmmsg batch each, yet within the client's receive buffer
      Set<Integer> answered = new HashSet<>();
      byte[] buf = new byte[4096];
      int n = 0;
      for (int round = 0; round < 5; round++) {
        for (int i = 0; i < 100; i++, n++) {
          byte[] q = query(n, "web.default.svc.cluster.local.");
          c.send(new DatagramPacket(q, q.length));
        }
        while (answered.size() < n) {
          DatagramPacket p = new DatagramPacket(buf, buf.length);
          c.receive(p);
          answered.add(((buf[0] & 0xff) << 8) | (buf[1] & 0xff));
        }
      }
      assertEquals(n, answered.size());
    }
  }

  @Test
  void garbageAndOversizedDatagramsDoNotStopTheAnswers() throws Exception {
    try (DnsServer s =
            DnsServer.builder(dns, new InetSocketAddress("127.0.0.1", 0)).eventLoops(1).build();
        DatagramSocket c = new DatagramSocket()) {
      s.start();
      c.connect(s.localAddress());
      c.send(new DatagramPacket(new byte[3], 3));
      byte[] big = new byte[9000];
      System.arraycopy(query(1, "web.default.svc.cluster.local."), 0, big, 0, 20);
      c.send(new DatagramPacket(big, big.length));
      c.send(new DatagramPacket(new byte[0], 0));
      Message m = ask(s.localAddress(), 12, "web.default.svc.cluster.local.");
      assertEquals("10.96.0.10", firstA(m));
    }
  }

  @Test
  void closingTheServerFreesItsPortAndStopsAnswering() throws Exception {
    DnsServer s =
        DnsServer.builder(dns, new InetSocketAddress("127.0.0.1", 0)).eventLoops(2).build();
    s.start();
    InetSocketAddress at = s.localAddress();
    assertEquals("10.96.0.10", firstA(ask(at, 1, "web.default.svc.cluster.local.")));
    s.close();
    try (DatagramSocket rebound = new DatagramSocket(at)) {
      assertTrue(rebound.isBound());
    }
    try (DatagramSocket c = new DatagramSocket()) {
      c.connect(at);
      c.setSoTimeout(300);
      byte[] q = query(2, "web.default.svc.cluster.local.");
      c.send(new DatagramPacket(q, q.length));
      byte[] buf = new byte[512];
      boolean answered;
      try {
        c.receive(new DatagramPacket(buf, buf.length));
        answered = true;
      } catch (SocketTimeoutException | java.net.PortUnreachableException e) {
        answered = false;
      }
      assertFalse(answered, "a closed server answered");
    }
    assertTrue(
        Thread.getAllStackTraces().keySet().stream()
            .noneMatch(t -> t.getName().startsWith("k8snet-dns-udp") && t.isAlive()),
        "UDP threads left running");
  }
}
