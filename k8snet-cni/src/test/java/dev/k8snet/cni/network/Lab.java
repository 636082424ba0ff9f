package dev.k8snet.cni.network;

import dev.k8snet.cni.Calls;
import dev.k8snet.cni.plugins.BridgePlugin;
import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.Node;
import dev.k8snet.core.model.NodeAddress;
import dev.k8snet.core.model.ObjectMeta;
import dev.k8snet.core.netlink.Address;
import dev.k8snet.core.netlink.InterfaceAddress;
import dev.k8snet.core.netlink.Link;
import dev.k8snet.core.netlink.LinkKind;
import dev.k8snet.core.netlink.LinkSpec;
import dev.k8snet.core.netlink.Netlink;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.core.nftables.Nftables;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A cluster of "nodes" on one machine, as in the reference lab (pod-network.md §3.1): the test's
 * namespace is the underlay switch (bridge {@code ulbr}, which also plays an outside host at
 * 192.168.50.100); node N is a namespace with {@code eth0} 192.168.50.1N/24 and pod CIDR
 * 10.244.N.0/24, its own route manager, and pods attached through our bridge plugin with the CNI
 * configuration the manager derives. Everything is deleted on close.
 */
final class Lab implements AutoCloseable {
  static final IpAddress OUTSIDE = IpAddress.parse("192.168.50.100");
  static final Cidr NETWORK = Cidr.parse("10.244.0.0/16");

  final NetworkNamespace underlay;
  private final Netlink ulNl;
  private final Path tmp;
  private final String prefix;
  private final NetConf conf;
  final Map<String, LabNode> nodes = new LinkedHashMap<>();
  private final Map<String, Node> objects = new LinkedHashMap<>();
  private final List<NetworkNamespace> created = new ArrayList<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private long version = 1;

  Lab(NetworkNamespace underlay, Netlink ulNl, Path tmp, NetConf conf) {
    this.underlay = underlay;
    this.ulNl = ulNl;
    this.tmp = tmp;
    this.conf = conf;
    byte[] id = new byte[3];
    ThreadLocalRandom.current().nextBytes(id);
    this.prefix = "k8snet-podnet-" + HexFormat.of().formatHex(id);
    ulNl.addLink(LinkSpec.builder("ulbr", LinkKind.bridge()).up(true).build());
    Link br = ulNl.link("ulbr").orElseThrow();
    ulNl.addAddress(Address.of(br, new InterfaceAddress(OUTSIDE, 24)));
  }

  /** A node in the lab. */
  final class LabNode {
    final String name;
    final int n;
    final NetworkNamespace ns;
    final Netlink nl;
    final Nftables nft;
    final Path state;
    RouteManager manager;
    private int pods;

    LabNode(String name, int n, NetworkNamespace ns) {
      this.name = name;
      this.n = n;
      this.ns = ns;
      this.nl = ns.netlink();
      this.nft = ns.nftables();
      this.state = tmp.resolve(name);
      closeables.add(nl);
      closeables.add(nft);
      this.manager = newManager();
    }

    RouteManager newManager() {
      RouteManager m = RouteManager.builder(nl, conf, name).stateDir(state).nftables(nft).build();
      closeables.add(m);
      return m;
    }

    Cidr podCidr() {
      return Cidr.parse("10.244." + n + ".0/24");
    }

    /** Attaches a new pod through our bridge plugin; returns its namespace and IP. */
    LabPod addPod() {
      String cni =
          manager
              .cniConfig("podnet", "cni0", tmp.resolve(name + "-ipam"))
              .orElseThrow(() -> new AssertionError("no CNI config: " + manager.status()));
      NetworkNamespace pod = NetworkNamespace.create(prefix + "-n" + n + "p" + (++pods));
      created.add(pod);
      Calls.Outcome o =
          Calls.run(
                  new BridgePlugin(ns),
                  Calls.env("ADD", name + "-pod" + pods, pod.path().toString(), "eth0"),
                  cni)
              .ok();
      String cidr = o.json().at("/ips/0/address").asText();
      return new LabPod(pod, InterfaceAddress.parse(cidr).address());
    }
  }

  /** A pod: its namespace and address. */
  record LabPod(NetworkNamespace ns, IpAddress ip) {}

  /** Adds node {@code n} (1 to 9) to the machine and to the cluster objects. */
  LabNode addNode(int n) {
    String name = "node-" + n;
    NetworkNamespace ns = NetworkNamespace.create(prefix + "-n" + n);
    created.add(ns);
    ulNl.addLink(
        LinkSpec.builder("ul" + n, LinkKind.veth("eth0").peerNamespace(ns))
            .master(ulNl.link("ulbr").orElseThrow())
            .up(true)
            .build());
    try (Netlink nl = ns.netlink()) {
      nl.setUp(nl.link("lo").orElseThrow());
      Link eth0 = nl.link("eth0").orElseThrow();
      nl.addAddress(Address.of(eth0, new InterfaceAddress(nodeIp(n), 24)));
      nl.setUp(eth0);
    }
    ns.sysctls().setForwarding(IpFamily.IPV4, true);
    LabNode node = new LabNode(name, n, ns);
    nodes.put(name, node);
    putNode(name, Cidr.parse("10.244." + n + ".0/24"), nodeIp(n), Map.of());
    return node;
  }

  static IpAddress nodeIp(int n) {
    return IpAddress.parse("192.168.50.1" + n);
  }

  /** Sets (or replaces) the Node object {@code name}; {@code podCidr} null for none. */
  void putNode(String name, Cidr podCidr, IpAddress ip, Map<String, String> annotations) {
    ObjectMeta meta =
        new ObjectMeta(
            "", name, Map.of(), annotations, "uid-" + name, "1", java.util.Optional.empty());
    objects.put(
        name,
        new Node(
            meta,
            List.of(new NodeAddress(NodeAddress.Type.INTERNAL_IP, ip.toString())),
            podCidr == null ? List.of() : List.of(podCidr),
            false));
  }

  /** Makes node {@code n} dual-stack: fd00:10:244:N::/64 and underlay fd00:50::N. */
  void putDualStack(String name, int n) {
    Node old = objects.get(name);
    objects.put(
        name,
        new Node(
            old.metadata(),
            List.of(
                new NodeAddress(NodeAddress.Type.INTERNAL_IP, nodeIp(n).toString()),
                new NodeAddress(NodeAddress.Type.INTERNAL_IP, "fd00:50::" + n)),
            List.of(Cidr.parse("10.244." + n + ".0/24"), Cidr.parse("fd00:10:244:" + n + "::/64")),
            false));
  }

  void removeNode(String name) {
    objects.remove(name);
  }

  Node node(String name) {
    return objects.get(name);
  }

  ClusterState state() {
    return ClusterState.of(version++, objects.values());
  }

  /** Syncs every node's manager with the current objects. */
  void syncAll() {
    ClusterState s = state();
    for (LabNode n : nodes.values()) {
      n.manager.sync(s);
    }
  }

  /** Reconciles every node's manager with the current objects. */
  void reconcileAll() {
    ClusterState s = state();
    for (LabNode n : nodes.values()) {
      n.manager.reconcile(s);
    }
  }

  // ------------------------------------------------------------------ traffic

  /**
   * A TCP server in {@code ns} that reads a length-prefixed payload and answers with the peer
   * address it saw and the payload.
   */
  ServerSocket tcpEcho(NetworkNamespace ns, IpAddress bind, int port) {
    ServerSocket ss =
        ns.run(
            () -> {
              ServerSocket s = new ServerSocket();
              s.setReuseAddress(true);
              s.bind(new InetSocketAddress(bind.toInetAddress(), port));
              return s;
            });
    closeables.add(ss);
    Thread t =
        new Thread(
            () -> {
              while (!ss.isClosed()) {
                try (Socket c = ss.accept()) {
                  DataInputStream in = new DataInputStream(c.getInputStream());
                  byte[] payload = new byte[in.readInt()];
                  in.readFully(payload);
                  DataOutputStream out = new DataOutputStream(c.getOutputStream());
                  out.writeUTF(c.getInetAddress().getHostAddress());
                  out.writeInt(payload.length);
                  out.write(payload);
                  out.flush();
                } catch (IOException e) {
                  // next connection
                }
              }
            },
            "lab-tcp-echo");
    t.setDaemon(true);
    t.start();
    return ss;
  }

  /** Sends {@code size} bytes over TCP from {@code from}; returns the source the server saw. */
  String tcp(NetworkNamespace from, IpAddress to, int port, int size) {
    byte[] payload = new byte[size];
    ThreadLocalRandom.current().nextBytes(payload);
    return from.run(
        () -> {
          try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(to.toInetAddress(), port), 3000);
            s.setSoTimeout(5000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(size);
            out.write(payload);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            String seen = in.readUTF();
            byte[] back = new byte[in.readInt()];
            in.readFully(back);
            if (!Arrays.equals(payload, back)) {
              throw new AssertionError("payload corrupted");
            }
            return seen;
          }
        });
  }

  /** Whether a TCP connection from {@code from} to {@code to} can be made within a second. */
  boolean tcpConnects(NetworkNamespace from, IpAddress to, int port) {
    try {
      tcp(from, to, port, 16);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** A UDP echo in {@code ns}: answers each datagram with "SOURCE|" + the datagram. */
  DatagramSocket udpEcho(NetworkNamespace ns, IpAddress bind, int port) {
    DatagramSocket ds =
        ns.run(() -> new DatagramSocket(new InetSocketAddress(bind.toInetAddress(), port)));
    closeables.add(ds);
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[65535];
              while (!ds.isClosed()) {
                try {
                  DatagramPacket p = new DatagramPacket(buf, buf.length);
                  ds.receive(p);
                  byte[] head =
                      (p.getAddress().getHostAddress() + "|").getBytes(StandardCharsets.UTF_8);
                  byte[] reply = new byte[head.length + p.getLength()];
                  System.arraycopy(head, 0, reply, 0, head.length);
                  System.arraycopy(buf, 0, reply, head.length, p.getLength());
                  ds.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                } catch (IOException e) {
                  // closed or transient
                }
              }
            },
            "lab-udp-echo");
    t.setDaemon(true);
    t.start();
    return ds;
  }

  /** Sends one datagram of {@code size} bytes (retried up to 3 times); returns the source seen. */
  String udp(NetworkNamespace from, IpAddress to, int port, int size) {
    byte[] payload = new byte[size];
    ThreadLocalRandom.current().nextBytes(payload);
    return from.run(
        () -> {
          try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(2000);
            for (int attempt = 0; attempt < 3; attempt++) {
              s.send(
                  new DatagramPacket(
                      payload, size, new InetSocketAddress(to.toInetAddress(), port)));
              byte[] buf = new byte[size + 100];
              DatagramPacket p = new DatagramPacket(buf, buf.length);
              try {
                s.receive(p);
              } catch (SocketTimeoutException e) {
                continue;
              }
              String text = new String(buf, 0, p.getLength(), StandardCharsets.ISO_8859_1);
              int bar = text.indexOf('|');
              byte[] back = Arrays.copyOfRange(buf, bar + 1, p.getLength());
              if (!Arrays.equals(payload, back)) {
                throw new AssertionError("UDP payload corrupted");
              }
              return text.substring(0, bar);
            }
            throw new AssertionError("no UDP answer from " + to);
          }
        });
  }

  @Override
  public void close() {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      try {
        closeables.get(i).close();
      } catch (Exception e) {
        // best effort
      }
    }
    for (NetworkNamespace ns : created) {
      try {
        ns.delete();
      } catch (RuntimeException e) {
        // best effort
      }
    }
  }
}
