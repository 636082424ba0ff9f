package dev.k8snet.cni.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k8snet.cni.Attachment;
import dev.k8snet.cni.CniException;
import dev.k8snet.cni.CniPlugin;
import dev.k8snet.cni.CniRequest;
import dev.k8snet.cni.CniResult;
import dev.k8snet.cni.internal.Json;
import dev.k8snet.cni.internal.Masquerade;
import dev.k8snet.cni.internal.Namespaces;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.K8snetException;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.core.nftables.Nftables;
import dev.k8snet.core.nftables.NftablesException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code k8snet-portmap}: host port mappings ({@code runtimeConfig.portMappings}) with nftables, as
 * a chained plugin after an interface plugin. Each network gets a table {@code inet
 * k8snet-portmap-<network>} whose NAT chains look up {@code protocol . port} in a verdict map and
 * jump to the container's chain {@code CNI-DN-<hash>}, which DNATs to the container's address.
 * Traffic from localhost to a mapped port is masqueraded ({@code route_localnet} is set on the host
 * interfaces of the previous result when a mapping binds 127.0.0.1). The output is the previous
 * result unchanged. DEL and GC remove the container chains and map elements.
 *
 * @since 0.1
 */
public final class PortmapPlugin implements CniPlugin {
  private final Optional<NetworkNamespace> host;

  /** A plugin working in the calling thread's network namespace. */
  public PortmapPlugin() {
    this.host = Optional.empty();
  }

  /**
   * A plugin whose rules live in {@code host}.
   *
   * @param host the namespace of the host rules
   */
  public PortmapPlugin(NetworkNamespace host) {
    this.host = Optional.of(host);
  }

  private record Mapping(
      int hostPort, int containerPort, String protocol, Optional<IpAddress> hostIp) {}

  static String table(String network) {
    return "k8snet-portmap-" + network;
  }

  static String chain(String network, String cid) {
    return Masquerade.chain("CNI-DN-", network, cid);
  }

  private static List<Mapping> mappings(CniRequest r) {
    JsonNode pm =
        Json.object(r.config().json(), "network config").path("runtimeConfig").path("portMappings");
    List<Mapping> out = new ArrayList<>();
    int i = 0;
    for (JsonNode m : pm) {
      String path = "runtimeConfig.portMappings[" + i++ + "].";
      int hp = Json.integer(m, "hostPort", path, CniException.INVALID_CONFIG).orElse(0);
      int cp = Json.integer(m, "containerPort", path, CniException.INVALID_CONFIG).orElse(0);
      if (hp < 1 || hp > 65535 || cp < 1 || cp > 65535) {
        throw new CniException(
            CniException.INVALID_CONFIG,
            "invalid port mapping",
            path + " hostPort " + hp + ", containerPort " + cp + " (expected: 1 to 65535)");
      }
      String proto =
          Json.string(m, "protocol", path, CniException.INVALID_CONFIG)
              .orElse("tcp")
              .toLowerCase(Locale.ROOT);
      if (!Set.of("tcp", "udp", "sctp").contains(proto)) {
        throw new CniException(
            CniException.INVALID_CONFIG,
            "invalid protocol " + proto,
            path + "protocol: " + proto + " (expected: tcp, udp or sctp)");
      }
      Optional<IpAddress> hostIp =
          Json.string(m, "hostIP", path, CniException.INVALID_CONFIG)
              .filter(s -> !s.isEmpty())
              .map(
                  s ->
                      IpAddress.tryParse(s)
                          .orElseThrow(
                              () ->
                                  new CniException(
                                      CniException.INVALID_CONFIG,
                                      "invalid hostIP " + s,
                                      path + "hostIP: " + s)));
      out.add(new Mapping(hp, cp, proto, hostIp.filter(ip -> !ip.isUnspecified())));
    }
    return out;
  }

  @Override
  public CniResult add(CniRequest r) {
    CniResult prev =
        r.config()
            .prevResult()
            .orElseThrow(
                () ->
                    new CniException(
                        CniException.INVALID_CONFIG,
                        "must be called as chained plugin",
                        "prevResult is required"));
    List<Mapping> maps = mappings(r);
    if (maps.isEmpty()) {
      return prev;
    }
    String net = r.config().name();
    String cid = r.env().requireContainerId();
    Optional<IpAddress> v4 =
        prev.ips().stream().map(i -> i.address().address()).filter(IpAddress::isIpv4).findFirst();
    Optional<IpAddress> v6 =
        prev.ips().stream().map(i -> i.address().address()).filter(IpAddress::isIpv6).findFirst();
    String t = "inet " + table(net);
    String c = chain(net, cid);
    StringBuilder s = new StringBuilder();
    s.append("add table ").append(t).append('\n');
    s.append("add map ").append(t).append(" ports { type inet_proto . inet_service : verdict; }\n");
    s.append("add chain ")
        .append(t)
        .append(" prerouting { type nat hook prerouting priority dstnat; policy accept; }\n");
    s.append("add chain ")
        .append(t)
        .append(" output { type nat hook output priority -100; policy accept; }\n");
    s.append("add chain ")
        .append(t)
        .append(" postrouting { type nat hook postrouting priority srcnat; policy accept; }\n");
    for (String base : List.of("prerouting", "output", "postrouting")) {
      s.append("flush chain ").append(t).append(' ').append(base).append('\n');
    }
    s.append("add rule ")
        .append(t)
        .append(" prerouting fib daddr type local meta l4proto . th dport vmap @ports\n");
    s.append("add rule ")
        .append(t)
        .append(" output fib daddr type local meta l4proto . th dport vmap @ports\n");
    s.append("add rule ")
        .append(t)
        .append(" postrouting ct status dnat ip saddr 127.0.0.0/8 masquerade\n");
    s.append("add rule ")
        .append(t)
        .append(" postrouting ct status dnat ip6 saddr ::1 masquerade\n");
    s.append("add chain ").append(t).append(' ').append(c).append('\n');
    s.append("flush chain ").append(t).append(' ').append(c).append('\n');
    boolean localhost = false;
    for (Mapping m : maps) {
      for (Optional<IpAddress> target : List.of(v4, v6)) {
        if (target.isEmpty()
            || m.hostIp().map(h -> h.family() != target.get().family()).orElse(false)) {
          continue;
        }
        boolean isV4 = target.get().isIpv4();
        s.append("add rule ")
            .append(t)
            .append(' ')
            .append(c)
            .append(isV4 ? " meta nfproto ipv4" : " meta nfproto ipv6")
            .append(" meta l4proto ")
            .append(m.protocol())
            .append(" th dport ")
            .append(m.hostPort());
        m.hostIp().ifPresent(h -> s.append(isV4 ? " ip daddr " : " ip6 daddr ").append(h));
        s.append(isV4 ? " dnat ip to " + target.get() : " dnat ip6 to [" + target.get() + "]")
            .append(':')
            .append(m.containerPort())
            .append(" comment \"name: ")
            .append(net)
            .append(" id: ")
            .append(cid)
            .append("\"\n");
      }
      localhost |= m.hostIp().map(IpAddress::isLoopback).orElse(false);
      s.append("add element ")
          .append(t)
          .append(" ports { ")
          .append(m.protocol())
          .append(" . ")
          .append(m.hostPort())
          .append(" : jump ")
          .append(c)
          .append(" }\n");
    }
    try (NetworkNamespace h = Namespaces.openHost(host);
        Nftables nft = h.nftables()) {
      try {
        nft.apply(s.toString());
      } catch (NftablesException e) {
        throw new CniException(
            CniException.PLUGIN_SPECIFIC, "cannot install port mappings", e.getMessage(), e);
      }
      if (localhost) {
        for (CniResult.Interface i : prev.interfaces()) {
          if (i.sandbox().isEmpty()) {
            try {
              h.sysctls().setRouteLocalnet(i.name(), true);
            } catch (K8snetException e) {
              // the interface is not in this namespace
            }
          }
        }
      }
    }
    return prev;
  }

  @Override
  public void del(CniRequest r) {
    try (NetworkNamespace h = Namespaces.openHost(host);
        Nftables nft = h.nftables()) {
      Masquerade.removeChains(
          nft,
          table(r.config().name()),
          "CNI-DN-",
          Set.of(chain(r.config().name(), r.env().requireContainerId())),
          false);
    }
  }

  @Override
  public void check(CniRequest r) {
    if (r.config().prevResult().isEmpty()) {
      throw new CniException(
          CniException.INVALID_CONFIG,
          "must be called as chained plugin",
          "prevResult is required");
    }
    if (mappings(r).isEmpty()) {
      return;
    }
    String c = chain(r.config().name(), r.env().requireContainerId());
    try (NetworkNamespace h = Namespaces.openHost(host);
        Nftables nft = h.nftables()) {
      if (!nft.listJson("table inet " + table(r.config().name())).contains("\"" + c + "\"")) {
        throw new CniException(
            CniException.PLUGIN_SPECIFIC,
            "port mapping chain " + c + " missing",
            "runtimeConfig.portMappings");
      }
    } catch (NftablesException e) {
      throw new CniException(
          CniException.PLUGIN_SPECIFIC, "port mapping table missing", e.getMessage(), e);
    }
  }

  @Override
  public void gc(CniRequest r, List<Attachment> valid) {
    Set<String> keep =
        valid.stream()
            .map(a -> chain(r.config().name(), a.containerId()))
            .collect(Collectors.toSet());
    try (NetworkNamespace h = Namespaces.openHost(host);
        Nftables nft = h.nftables()) {
      Masquerade.removeChains(nft, table(r.config().name()), "CNI-DN-", keep, true);
    }
  }
}
