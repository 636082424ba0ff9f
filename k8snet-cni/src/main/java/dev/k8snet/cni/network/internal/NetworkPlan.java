package dev.k8snet.cni.network.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.k8snet.cni.network.NetConf;
import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.MacAddress;
import dev.k8snet.core.model.Node;
import dev.k8snet.core.model.NodeAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who the nodes are, as far as the pod network cares: per node its pod CIDR and underlay address
 * per enabled family and its VTEP MAC, with the problems that keep it from being programmed. A pure
 * function of the configuration and the Node objects.
 */
public record NetworkPlan(String localName, Optional<NodePlan> local, List<NodePlan> peers) {

  /**
   * Flannel's annotation prefix; we read its annotations so manifests from Flannel clusters work.
   */
  public static final String ANNOTATION_PREFIX = "flannel.alpha.coreos.com/";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Copies the list. */
  public NetworkPlan {
    peers = List.copyOf(peers);
  }

  /**
   * One node.
   *
   * @param name the Node name
   * @param podCidrs the pod CIDR per enabled family
   * @param underlay the underlay address per family
   * @param vtepMacs the VTEP MAC per family (annotated, else derived from the pod CIDR)
   * @param problems why the node cannot (fully) be programmed
   */
  public record NodePlan(
      String name,
      Map<IpFamily, Cidr> podCidrs,
      Map<IpFamily, IpAddress> underlay,
      Map<IpFamily, MacAddress> vtepMacs,
      List<String> problems) {
    /** Copies the maps. */
    public NodePlan {
      podCidrs = Map.copyOf(podCidrs);
      underlay = Map.copyOf(underlay);
      vtepMacs = Map.copyOf(vtepMacs);
      problems = List.copyOf(problems);
    }

    /** Returns the pod CIDRs, IPv4 first. */
    public List<Cidr> podCidrList() {
      return podCidrs.entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .map(Map.Entry::getValue)
          .toList();
    }

    /** Returns the underlay addresses, IPv4 first. */
    public List<IpAddress> underlayList() {
      return underlay.entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .map(Map.Entry::getValue)
          .toList();
    }
  }

  /** The VXLAN device name of a family: {@code k8snet.VNI} or {@code k8snv6.VNI}. */
  public static String vxlanDeviceName(NetConf conf, IpFamily f) {
    return (f == IpFamily.IPV4 ? "k8snet." : "k8snv6.") + conf.backend().vni();
  }

  /** Computes the plan; never throws for bad node data (it becomes a problem of that node). */
  public static NetworkPlan compute(NetConf conf, Collection<Node> nodes, String localName) {
    List<Node> sorted = new ArrayList<>(nodes);
    sorted.sort(
        Comparator.comparing((Node n) -> !n.metadata().name().equals(localName))
            .thenComparing(n -> n.metadata().name()));
    List<NodePlan> plans = new ArrayList<>();
    java.util.NavigableMap<IpAddress, Map.Entry<Cidr, String>> owners = new java.util.TreeMap<>();
    NodePlan local = null;
    for (Node n : sorted) {
      NodePlan p = plan(conf, n, owners);
      if (n.metadata().name().equals(localName)) {
        local = p;
      } else {
        plans.add(p);
      }
    }
    return new NetworkPlan(localName, Optional.ofNullable(local), plans);
  }

  /**
   * Plans one node against {@code owners} (the pod CIDRs already taken, by first address), adding
   * its CIDRs there.
   */
  public static NodePlan plan(
      NetConf conf, Node n, java.util.NavigableMap<IpAddress, Map.Entry<Cidr, String>> owners) {
    String name = n.metadata().name();
    List<String> problems = new ArrayList<>();
    Map<IpFamily, Cidr> cidrs = new EnumMap<>(IpFamily.class);
    for (Cidr c : n.podCidrs()) {
      Optional<Cidr> net = conf.network(c.family());
      if (net.isEmpty()) {
        continue;
      }
      if (cidrs.containsKey(c.family())) {
        problems.add("spec.podCIDRs: " + n.podCidrs() + " (expected: at most one per family)");
        continue;
      }
      if (!net.get().contains(c)) {
        problems.add(
            "spec.podCIDR: " + c + " (expected: inside the cluster network " + net.get() + ")");
        continue;
      }
      Optional<Map.Entry<Cidr, String>> clash = clash(owners, c);
      if (clash.isPresent()) {
        problems.add(
            "spec.podCIDR: "
                + c
                + " overlaps "
                + clash.get().getKey()
                + " of node "
                + clash.get().getValue());
        continue;
      }
      owners.put(c.first(), Map.entry(c, name));
      cidrs.put(c.family(), c);
    }
    if (cidrs.isEmpty() && problems.isEmpty()) {
      problems.add(
          "spec.podCIDR: not assigned yet (expected: a CIDR inside " + conf.networks() + ")");
    }
    Map<IpFamily, IpAddress> underlay = new EnumMap<>(IpFamily.class);
    Map<IpFamily, MacAddress> macs = new EnumMap<>(IpFamily.class);
    for (IpFamily f : cidrs.keySet()) {
      Optional<IpAddress> ip = underlayIp(n, f);
      if (ip.isEmpty()) {
        problems.add(
            "status.addresses: no "
                + f
                + " InternalIP (expected: the node's "
                + f
                + " underlay address for its "
                + cidrs.get(f)
                + ")");
        continue;
      }
      underlay.put(f, ip.get());
      String key = ANNOTATION_PREFIX + (f == IpFamily.IPV4 ? "backend-data" : "backend-v6-data");
      Optional<MacAddress> mac = Optional.empty();
      String data = n.metadata().annotations().get(key);
      if (data != null) {
        try {
          JsonNode j = MAPPER.readTree(data);
          JsonNode m = j.path("VtepMAC");
          if (m.isTextual()) {
            mac = Optional.of(MacAddress.parse(m.asText()));
          }
          JsonNode vni = j.path("VNI");
          if (vni.isInt()
              && vni.asInt() != conf.backend().vni()
              && conf.backend().type() == dev.k8snet.cni.network.BackendType.VXLAN) {
            problems.add(
                "metadata.annotations["
                    + key
                    + "]: VNI "
                    + vni.asInt()
                    + " (expected: "
                    + conf.backend().vni()
                    + ", the VNI of this cluster)");
          }
        } catch (java.io.IOException | IllegalArgumentException e) {
          problems.add(
              "metadata.annotations["
                  + key
                  + "]: "
                  + data
                  + " (expected: {\"VNI\":N,\"VtepMAC\":\"…\"})");
        }
      }
      macs.put(f, mac.orElseGet(() -> derivedVtepMac(cidrs.get(f))));
    }
    return new NodePlan(name, cidrs, underlay, macs, problems);
  }

  /** The owned CIDR overlapping {@code c}, if any (owned CIDRs never overlap each other). */
  private static Optional<Map.Entry<Cidr, String>> clash(
      java.util.NavigableMap<IpAddress, Map.Entry<Cidr, String>> owners, Cidr c) {
    Map.Entry<IpAddress, Map.Entry<Cidr, String>> below = owners.floorEntry(c.first());
    if (below != null && below.getValue().getKey().overlaps(c)) {
      return Optional.of(below.getValue());
    }
    Map.Entry<IpAddress, Map.Entry<Cidr, String>> above = owners.ceilingEntry(c.first());
    if (above != null && above.getValue().getKey().overlaps(c)) {
      return Optional.of(above.getValue());
    }
    return Optional.empty();
  }

  /**
   * The underlay address: the public-ip(-overwrite) annotation, else InternalIP, else ExternalIP.
   */
  static Optional<IpAddress> underlayIp(Node n, IpFamily f) {
    String suffix = f == IpFamily.IPV4 ? "" : "v6";
    for (String key : List.of("public-ip" + suffix + "-overwrite", "public-ip" + suffix)) {
      String v = n.metadata().annotations().get(ANNOTATION_PREFIX + key);
      if (v != null) {
        Optional<IpAddress> ip = IpAddress.tryParse(v).filter(a -> a.family() == f);
        if (ip.isPresent()) {
          return ip;
        }
      }
    }
    for (NodeAddress.Type t : List.of(NodeAddress.Type.INTERNAL_IP, NodeAddress.Type.EXTERNAL_IP)) {
      Optional<IpAddress> ip = n.ips(t).stream().filter(a -> a.family() == f).findFirst();
      if (ip.isPresent()) {
        return ip;
      }
    }
    return Optional.empty();
  }

  /**
   * The VTEP MAC a node without a published one is given: locally administered unicast {@code
   * 0e:6b:…}, followed by the IPv4 network address of its pod CIDR (or 4 bytes of a hash of an IPv6
   * one). Every node derives the same value, so the overlay works without publishing annotations.
   */
  public static MacAddress derivedVtepMac(Cidr podCidr) {
    byte[] tail;
    if (podCidr.family() == IpFamily.IPV4) {
      tail = podCidr.first().toBytes();
    } else {
      try {
        tail =
            MessageDigest.getInstance("SHA-256")
                .digest(podCidr.toString().getBytes(StandardCharsets.UTF_8));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
    return MacAddress.fromBytes(new byte[] {0x0e, 0x6b, tail[0], tail[1], tail[2], tail[3]});
  }
}
