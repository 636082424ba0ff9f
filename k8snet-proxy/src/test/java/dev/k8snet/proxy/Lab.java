package dev.k8snet.proxy;

import dev.k8snet.core.netns.NetworkNamespace;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small network for real-packet tests: the node namespace (the test's, where the proxy's rules
 * go), a client namespace on 192.168.50.2 behind the node's 192.168.50.1, and backend namespaces
 * {@code b1}, {@code b2}, … on 10.244.i.2 behind 10.244.i.1, each answering TCP and UDP on port
 * 8080 with its name and the peer address it saw.
 */
final class Lab implements AutoCloseable {
  static final int BACKEND_PORT = 8080;
  final NetworkNamespace node;
  final NetworkNamespace client;
  final List<NetworkNamespace> backends = new ArrayList<>();
  private final List<AutoCloseable> sockets = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();

  Lab(NetworkNamespace node, int backendCount) {
    this.node = node;
    byte[] id = new byte[3];
    new SecureRandom().nextBytes(id);
    String prefix = "kp" + HexFormat.of().formatHex(id);
    String n = node.name().orElseThrow();
    this.client = NetworkNamespace.create(prefix + "-c");
    try {
      String c = client.name().orElseThrow();
      sh("ip", "-n", n, "link", "set", "lo", "up");
      sh("ip", "-n", n, "link", "add", "vc", "type", "veth", "peer", "name", "eth0", "netns", c);
      sh("ip", "-n", n, "addr", "add", "192.168.50.1/24", "dev", "vc");
      sh("ip", "-n", n, "link", "set", "vc", "up");
      sh("ip", "-n", c, "link", "set", "lo", "up");
      sh("ip", "-n", c, "addr", "add", "192.168.50.2/24", "dev", "eth0");
      sh("ip", "-n", c, "link", "set", "eth0", "up");
      sh("ip", "-n", c, "route", "add", "default", "via", "192.168.50.1");
      sh("ip", "-n", n, "addr", "add", "fd00:50::1/64", "dev", "vc", "nodad");
      sh("ip", "-n", c, "addr", "add", "fd00:50::2/64", "dev", "eth0", "nodad");
      sh("ip", "-n", c, "-6", "route", "add", "default", "via", "fd00:50::1");
      sh("ip", "-n", n, "-6", "route", "add", "default", "via", "fd00:50::2");
      sh("ip", "netns", "exec", n, "sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1");
      // A default route, as a node has: traffic to unknown service IPs reaches the filter chains.
      sh("ip", "-n", n, "route", "add", "default", "via", "192.168.50.2");
      sh("ip", "netns", "exec", n, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
      // REJECT answers with ICMP; this kernel rate-limits ICMP to a peer it has just met, which
      // would turn the first rejects of a test into timeouts.
      sh("ip", "netns", "exec", n, "sysctl", "-q", "-w", "net.ipv4.icmp_ratelimit=0");
      sh("ip", "netns", "exec", n, "sysctl", "-q", "-w", "net.ipv6.icmp.ratelimit=0");
      for (int i = 1; i <= backendCount; i++) {
        NetworkNamespace b = NetworkNamespace.create(prefix + "-b" + i);
        backends.add(b);
        String bn = b.name().orElseThrow();
        sh(
            "ip", "-n", n, "link", "add", "vb" + i, "type", "veth", "peer", "name", "eth0", "netns",
            bn);
        sh("ip", "-n", n, "addr", "add", "10.244." + i + ".1/24", "dev", "vb" + i);
        sh("ip", "-n", n, "link", "set", "vb" + i, "up");
        sh("ip", "-n", bn, "link", "set", "lo", "up");
        sh("ip", "-n", bn, "addr", "add", "10.244." + i + ".2/24", "dev", "eth0");
        sh("ip", "-n", bn, "link", "set", "eth0", "up");
        sh("ip", "-n", bn, "route", "add", "default", "via", "10.244." + i + ".1");
        sh("ip", "-n", n, "addr", "add", "fd00:244:" + i + "::1/64", "dev", "vb" + i, "nodad");
        sh("ip", "-n", bn, "addr", "add", "fd00:244:" + i + "::2/64", "dev", "eth0", "nodad");
        sh("ip", "-n", bn, "-6", "route", "add", "default", "via", "fd00:244:" + i + "::1");
        serve(b, "b" + i);
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  static String backendIp(int i) {
    return "10.244." + i + ".2";
  }

  private void serve(NetworkNamespace ns, String name) {
    ServerSocket tcp =
        ns.run(
            () -> {
              ServerSocket s = new ServerSocket();
              s.setReuseAddress(true);
              s.bind(new InetSocketAddress("::", BACKEND_PORT));
              return s;
            });
    DatagramSocket udp =
        ns.run(() -> new DatagramSocket(new InetSocketAddress("0.0.0.0", BACKEND_PORT)));
    sockets.add(tcp);
    sockets.add(udp);
    Thread t =
        new Thread(
            () -> {
              while (!tcp.isClosed()) {
                try (Socket s = tcp.accept()) {
                  String reply =
                      name + " " + dev.k8snet.core.IpAddress.of(s.getInetAddress()) + "\n";
                  OutputStream out = s.getOutputStream();
                  out.write(reply.getBytes(StandardCharsets.UTF_8));
                  out.flush();
                } catch (IOException e) {
                  // closed
                }
              }
            },
            "lab-tcp-" + name);
    Thread u =
        new Thread(
            () -> {
              byte[] buf = new byte[512];
              while (!udp.isClosed()) {
                try {
                  DatagramPacket p = new DatagramPacket(buf, buf.length);
                  udp.receive(p);
                  byte[] reply =
                      (name + " " + p.getAddress().getHostAddress())
                          .getBytes(StandardCharsets.UTF_8);
                  udp.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                } catch (IOException e) {
                  // closed
                }
              }
            },
            "lab-udp-" + name);
    t.setDaemon(true);
    u.setDaemon(true);
    t.start();
    u.start();
    threads.add(t);
    threads.add(u);
  }

  /** Connects from the client over TCP: "bN peer", "REFUSED" or "TIMEOUT". */
  String tcp(String ip, int port) {
    return tcp(ip, port, 1000);
  }

  /** Like {@link #tcp(String, int)} with a connect timeout. */
  String tcp(String ip, int port, int timeoutMillis) {
    return client.run(
        () -> {
          try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ip, port), timeoutMillis);
            s.setSoTimeout(2000);
            return new BufferedReader(
                    new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
          } catch (ConnectException e) {
            return "REFUSED";
          } catch (SocketTimeoutException e) {
            return "TIMEOUT";
          }
        });
  }

  /** Connects from a fixed client port, closing with a reset (no TIME_WAIT): "bN peer". */
  String tcpFrom(int sourcePort, String ip, int port) {
    return client.run(
        () -> {
          try (Socket s = new Socket()) {
            s.setReuseAddress(true);
            s.setSoLinger(true, 0);
            s.bind(new InetSocketAddress("192.168.50.2", sourcePort));
            s.connect(new InetSocketAddress(ip, port), 3000);
            s.setSoTimeout(2000);
            return new BufferedReader(
                    new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
          } catch (ConnectException e) {
            return "REFUSED";
          } catch (SocketTimeoutException e) {
            return "TIMEOUT";
          }
        });
  }

  /** Gives the client another address, 192.168.50.{@code host}. */
  void addClientAddress(int host) {
    sh(
        "ip",
        "-n",
        client.name().orElseThrow(),
        "addr",
        "add",
        "192.168.50." + host + "/24",
        "dev",
        "eth0");
  }

  /** Connects from a given client address (any port): "bN peer", "REFUSED" or "TIMEOUT". */
  String tcpFromAddress(String source, String ip, int port) {
    return client.run(
        () -> {
          try (Socket s = new Socket()) {
            s.setSoLinger(true, 0);
            s.bind(new InetSocketAddress(source, 0));
            s.connect(new InetSocketAddress(ip, port), 3000);
            s.setSoTimeout(2000);
            return new BufferedReader(
                    new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
          } catch (ConnectException e) {
            return "REFUSED";
          } catch (SocketTimeoutException e) {
            return "TIMEOUT";
          }
        });
  }

  /** Sends one datagram from the client: "bN peer" or "TIMEOUT". */
  String udp(String ip, int port) {
    return udpFrom(0, ip, port);
  }

  /** Sends one datagram from a fixed client port (0: any): "bN peer" or "TIMEOUT". */
  String udpFrom(int sourcePort, String ip, int port) {
    return client.run(
        () -> {
          try (DatagramSocket s = new DatagramSocket(null)) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("0.0.0.0", sourcePort));
            s.setSoTimeout(1000);
            byte[] q = "hi".getBytes(StandardCharsets.UTF_8);
            s.send(new DatagramPacket(q, q.length, new InetSocketAddress(ip, port)));
            DatagramPacket p = new DatagramPacket(new byte[512], 512);
            s.receive(p);
            return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
          } catch (SocketTimeoutException e) {
            return "TIMEOUT";
          } catch (IOException e) {
            return "ERROR " + e.getMessage();
          }
        });
  }

  static void sh(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError(String.join(" ", cmd) + ": " + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    for (AutoCloseable s : sockets) {
      try {
        s.close();
      } catch (Exception e) {
        // best effort
      }
    }
    for (Thread t : threads) {
      try {
        t.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (NetworkNamespace b : backends) {
      b.delete();
    }
    client.delete();
  }
}
