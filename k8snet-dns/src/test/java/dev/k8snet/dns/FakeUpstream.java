package dev.k8snet.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** A scriptable upstream on loopback: answers every A query with 192.0.2.x, TTL 300. */
final class FakeUpstream implements AutoCloseable {
  enum Mode {
    ANSWER,
    DROP,
    TRUNCATE_UDP,
    SERVFAIL
  }

  final DatagramSocket udp;
  final ServerSocket tcp;
  final AtomicInteger udpQueries = new AtomicInteger();
  final AtomicInteger tcpQueries = new AtomicInteger();
  volatile Mode mode = Mode.ANSWER;
  volatile int records = 1;
  private final Thread udpThread;
  private final Thread tcpThread;

  /**
   * Binds UDP and TCP on one port (as a DNS server has): a free UDP port whose TCP twin is free.
   */
  FakeUpstream() throws IOException {
    DatagramSocket u = null;
    ServerSocket t = null;
    for (int attempt = 0; t == null; attempt++) {
      u = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
      try {
        t = new ServerSocket(u.getLocalPort(), 10, InetAddress.getByName("127.0.0.1"));
      } catch (IOException e) {
        u.close();
        if (attempt == 50) {
          throw new IOException("no port free for both UDP and TCP after 50 tries", e);
        }
      }
    }
    udp = u;
    tcp = t;
    udpThread = new Thread(this::serveUdp, "fake-upstream-udp");
    tcpThread = new Thread(this::serveTcp, "fake-upstream-tcp");
    udpThread.start();
    tcpThread.start();
  }

  InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", udp.getLocalPort());
  }

  byte[] answer(byte[] query, boolean overTcp) throws IOException {
    Message q = new Message(query);
    Message r = new Message(q.getHeader().getID());
    r.getHeader().setFlag(Flags.QR);
    r.getHeader().setFlag(Flags.RA);
    r.getHeader().setFlag(Flags.RD);
    Record question = q.getQuestion();
    r.addRecord(question, Section.QUESTION);
    if (mode == Mode.SERVFAIL) {
      r.getHeader().setRcode(Rcode.SERVFAIL);
      return r.toWire();
    }
    if (mode == Mode.TRUNCATE_UDP && !overTcp) {
      r.getHeader().setFlag(Flags.TC);
      return r.toWire();
    }
    if (question.getType() == Type.A) {
      for (int i = 1; i <= records; i++) {
        r.addRecord(
            new ARecord(
                question.getName(),
                DClass.IN,
                300,
                InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, (byte) i})),
            Section.ANSWER);
      }
    } else if (question.getType() == Type.PTR) {
      r.addRecord(
          new org.xbill.DNS.PTRRecord(
              question.getName(), DClass.IN, 300, Name.fromConstantString("host.example.")),
          Section.ANSWER);
    }
    return r.toWire();
  }

  private void serveUdp() {
    byte[] buf = new byte[65535];
    while (!udp.isClosed()) {
      try {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        udp.receive(p);
        udpQueries.incrementAndGet();
        if (mode == Mode.DROP) {
          continue;
        }
        byte[] q = java.util.Arrays.copyOf(p.getData(), p.getLength());
        byte[] a = answer(q, false);
        udp.send(new DatagramPacket(a, a.length, p.getSocketAddress()));
      } catch (SocketException e) {
        return;
      } catch (IOException e) {
        // ignore one bad packet
      }
    }
  }

  private void serveTcp() {
    while (!tcp.isClosed()) {
      try (Socket s = tcp.accept()) {
        DataInputStream in = new DataInputStream(s.getInputStream());
        int len = in.readUnsignedShort();
        byte[] q = new byte[len];
        in.readFully(q);
        tcpQueries.incrementAndGet();
        byte[] a = answer(q, true);
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        out.writeShort(a.length);
        out.write(a);
        out.flush();
      } catch (IOException e) {
        if (tcp.isClosed()) {
          return;
        }
      }
    }
  }

  @Override
  public void close() throws IOException {
    udp.close();
    tcp.close();
  }
}
