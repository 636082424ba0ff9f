package dev.k8snet.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.k8snet.cni.CniPluginRunner;
import dev.k8snet.cni.plugins.BridgePlugin;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.netns.NetworkNamespace;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The upstream e2e topology on real kernel objects: one network namespace per pod (x, y, z × a, b,
 * c) in a test's "node" namespace. Pods of x and y are attached to bridge {@code psbr0}
 * (10.77.1.0/24) by our bridge plugin; pods of z to bridge {@code psbr1} (10.77.2.0/24) by the
 * reference bridge plugin with the reference host-local IPAM, so traffic between the two bridges is
 * routed by the node and traffic on one bridge is bridged. Every pod serves TCP and UDP echo on
 * ports 80 and 81. Everything is removed on close, also after a failure.
 */
final class PodLab implements AutoCloseable {
  static final String NODE = "polsync-node";
  static final String NODE_IP = "10.77.1.1";
  private static final ObjectMapper JSON = new ObjectMapper();

  final NetworkNamespace host;
  final Map<String, NetworkNamespace> pods = new LinkedHashMap<>();
  final Map<String, String> ips = new HashMap<>();

  /** IPv6 addresses of the pods of a dual-stack lab. */
  final Map<String, String> ips6 = new HashMap<>();

  private boolean dualStack;
  private final List<Closeable> sockets = new ArrayList<>();
  private final ExecutorService servers =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "polsync-lab-server");
            t.setDaemon(true);
            return t;
          });
  private final Path data;

  private PodLab(NetworkNamespace host, Path data) {
    this.host = host;
    this.data = data;
  }

  /** Builds the topology in {@code host}; {@code data} holds IPAM state. */
  static PodLab start(NetworkNamespace host, Path data) {
    PodLab lab = new PodLab(host, data);
    try {
      host.sysctls().set("net.ipv4.ip_forward", "1");
      host.sysctls().set("net.bridge.bridge-nf-call-iptables", "1");
      for (String ns : E2eModel.NAMESPACES) {
        for (String p : E2eModel.PODS) {
          lab.attach(ns + "/" + p, !ns.equals("z"));
        }
      }
      for (String pod : lab.pods.keySet()) {
        lab.serve(pod);
      }
      return lab;
    } catch (RuntimeException | Error e) {
      lab.close();
      throw e;
    }
  }

  /**
   * A dual-stack lab: pods x/a, x/b and y/a on our bridge with an IPv4 and an IPv6 address each
   * (10.77.1.0/24, fd00:77:1::/64), serving like the e2e pods.
   */
  static PodLab dualStack(NetworkNamespace host, Path data) {
    PodLab lab = new PodLab(host, data);
    lab.dualStack = true;
    try {
      host.sysctls().set("net.ipv4.ip_forward", "1");
      host.sysctls().set("net.ipv6.conf.all.forwarding", "1");
      host.sysctls().set("net.bridge.bridge-nf-call-ip6tables", "1");
      for (String pod : List.of("x/a", "x/b", "y/a")) {
        lab.attach(pod, true);
      }
      for (String pod : lab.pods.keySet()) {
        lab.serve(pod);
      }
      return lab;
    } catch (RuntimeException | Error e) {
      lab.close();
      throw e;
    }
  }

  /** The cluster: the e2e model with the pods' real addresses, all on {@link #NODE}. */
  String manifests() {
    return E2eModel.base(ips::get, NODE, NODE_IP);
  }

  private void attach(String pod, boolean ours) {
    byte[] id = new byte[4];
    ThreadLocalRandom.current().nextBytes(id);
    NetworkNamespace ns = NetworkNamespace.create("k8snet-polsync-" + HexFormat.of().formatHex(id));
    pods.put(pod, ns);
    Map<String, String> env = new HashMap<>();
    env.put("CNI_COMMAND", "ADD");
    env.put("CNI_CONTAINERID", pod.replace('/', '-'));
    env.put("CNI_NETNS", ns.path().toString());
    env.put("CNI_IFNAME", "eth0");
    env.put("CNI_PATH", "/usr/lib/cni");
    String out;
    if (ours) {
      String conf =
          "{\"cniVersion\":\"1.0.0\",\"name\":\"polsync0\",\"type\":\"k8snet-bridge\","
              + "\"bridge\":\"psbr0\",\"isGateway\":true,\"ipam\":{\"type\":\"k8snet-ipam\","
              + "\"dataDir\":\""
              + data.resolve("ours")
              + (dualStack
                  ? "\",\"ranges\":[[{\"subnet\":\"10.77.1.0/24\"}],"
                      + "[{\"subnet\":\"fd00:77:1::/64\"}]]}}"
                  : "\",\"subnet\":\"10.77.1.0/24\",\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}}");
      ByteArrayOutputStream o = new ByteArrayOutputStream();
      int rc =
          CniPluginRunner.run(
              new BridgePlugin(host),
              env,
              conf.getBytes(StandardCharsets.UTF_8),
              new PrintStream(o, true, StandardCharsets.UTF_8),
              new PrintStream(OutputStream.nullOutputStream()),
              "k8snet-bridge");
      out = o.toString(StandardCharsets.UTF_8);
      if (rc != 0) {
        throw new AssertionError("k8snet-bridge ADD " + pod + ": " + out);
      }
    } else {
      String conf =
          "{\"cniVersion\":\"1.0.0\",\"name\":\"polsync1\",\"type\":\"bridge\","
              + "\"bridge\":\"psbr1\",\"isGateway\":true,\"ipam\":{\"type\":\"host-local\","
              + "\"dataDir\":\""
              + data.resolve("reference")
              + "\",\"subnet\":\"10.77.2.0/24\",\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}}";
      out = exec(List.of("nsenter", "--net=" + host.path(), "/usr/lib/cni/bridge"), env, conf);
    }
    try {
      JsonNode r = JSON.readTree(out);
      for (JsonNode ip : r.path("ips")) {
        String cidr = ip.path("address").asText();
        (cidr.contains(":") ? ips6 : ips).put(pod, cidr.substring(0, cidr.indexOf('/')));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(out, e);
    }
  }

  private static String exec(List<String> cmd, Map<String, String> env, String stdin) {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    pb.environment().putAll(env);
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    try {
      Process p = pb.start();
      try (OutputStream in = p.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new AssertionError(cmd + ": " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** TCP and UDP echo servers on ports 80 and 81, sockets opened inside the pod's namespace. */
  private void serve(String pod) {
    NetworkNamespace ns = pods.get(pod);
    for (int port : new int[] {80, 81}) {
      ServerSocket tcp =
          ns.run(
              () -> {
                ServerSocket s = new ServerSocket();
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(port));
                return s;
              });
      DatagramSocket udp = ns.run(() -> new DatagramSocket(port));
      synchronized (sockets) {
        sockets.add(tcp);
        sockets.add(udp);
      }
      servers.execute(
          () -> {
            while (!tcp.isClosed()) {
              try {
                Socket c = tcp.accept();
                servers.execute(() -> echo(c));
              } catch (IOException e) {
                return;
              }
            }
          });
      servers.execute(
          () -> {
            byte[] buf = new byte[512];
            while (!udp.isClosed()) {
              try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udp.receive(p);
                udp.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
              } catch (IOException e) {
                return;
              }
            }
          });
    }
  }

  private static void echo(Socket c) {
    try (c;
        InputStream in = c.getInputStream();
        OutputStream out = c.getOutputStream()) {
      byte[] buf = new byte[256];
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  /**
   * Whether a new connection from {@code from} (a pod) to port {@code port} of pod {@code to} gets
   * an answer within {@code timeoutMillis}: a completed TCP handshake, or a UDP echo.
   */
  boolean connects(String from, String to, Protocol protocol, int port, int timeoutMillis) {
    return connectsTo(from, ips.get(to), protocol, port, timeoutMillis);
  }

  /** As {@link #connects(String, String, Protocol, int, int)} to an address of the pod. */
  boolean connects6(String from, String to, Protocol protocol, int port, int timeoutMillis) {
    return connectsTo(from, ips6.get(to), protocol, port, timeoutMillis);
  }

  private boolean connectsTo(
      String from, String address, Protocol protocol, int port, int timeoutMillis) {
    NetworkNamespace ns = pods.get(from);
    InetSocketAddress target;
    String to = address;
    try {
      target = new InetSocketAddress(InetAddress.getByName(address), port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      if (protocol == Protocol.TCP) {
        try (Socket s = socketIn(ns)) {
          s.connect(target, timeoutMillis);
          return true;
        } catch (SocketTimeoutException e) {
          return false;
        }
      }
      if (protocol == Protocol.UDP) {
        try (DatagramSocket s = ns.run(() -> new DatagramSocket())) {
          s.setSoTimeout(timeoutMillis);
          byte[] ping = "ping".getBytes(StandardCharsets.US_ASCII);
          s.send(new DatagramPacket(ping, ping.length, target));
          s.send(new DatagramPacket(ping, ping.length, target));
          DatagramPacket reply = new DatagramPacket(new byte[16], 16);
          s.receive(reply);
          return true;
        } catch (SocketTimeoutException e) {
          return false;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(from + " -> " + to + ":" + port + "/" + protocol, e);
    }
    throw new IllegalArgumentException("protocol: " + protocol + " (the kernel has no SCTP)");
  }

  /** An open TCP connection from {@code from} to {@code to}:port that echoes what it is sent. */
  Socket open(String from, String to, int port) throws IOException {
    Socket s = socketIn(pods.get(from));
    s.connect(new InetSocketAddress(InetAddress.getByName(ips.get(to)), port), 2000);
    s.setSoTimeout(2000);
    return s;
  }

  /**
   * A TCP socket of {@code ns}: bound there, since the JDK creates the kernel socket lazily, on the
   * thread that first needs it.
   */
  private static Socket socketIn(NetworkNamespace ns) {
    return ns.run(
        () -> {
          Socket s = new Socket();
          s.bind(null);
          return s;
        });
  }

  /** Whether an open connection still carries data both ways. */
  static boolean echoes(Socket s) {
    try {
      s.getOutputStream().write('x');
      s.getOutputStream().flush();
      return s.getInputStream().read() == 'x';
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    synchronized (sockets) {
      for (Closeable c : sockets) {
        try {
          c.close();
        } catch (IOException e) {
          // best effort
        }
      }
    }
    servers.shutdownNow();
    for (NetworkNamespace ns : pods.values()) {
      try {
        ns.delete();
      } catch (RuntimeException e) {
        // best effort
      }
    }
  }
}
