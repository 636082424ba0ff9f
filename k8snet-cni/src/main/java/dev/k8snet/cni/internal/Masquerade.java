package dev.k8snet.cni.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.nftables.Nftables;
import dev.k8snet.core.nftables.NftablesException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Per-attachment masquerading with nftables: table {@code inet k8snet-<network>} with maps from
 * source address to a jump into the attachment's chain {@code CNI-<sha512(network+cid)[:24]>} (the
 * reference plugin's chain name), which accepts traffic to the pod subnet and masquerades the rest
 * except multicast.
 */
public final class Masquerade {
  private Masquerade() {}

  /** The nftables table of a network. */
  public static String table(String network) {
    return "k8snet-" + network;
  }

  /** The chain of one container, as the reference plugin names it. */
  public static String chain(String network, String containerId) {
    return chain("CNI-", network, containerId);
  }

  /** {@code prefix} + the first 24 hex digits of sha512(network + containerId). */
  public static String chain(String prefix, String network, String containerId) {
    try {
      byte[] h =
          MessageDigest.getInstance("SHA-512")
              .digest((network + containerId).getBytes(StandardCharsets.UTF_8));
      return prefix + HexFormat.of().formatHex(h).substring(0, 24);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Installs the rules for {@code ips} (address + subnet pairs) atomically. */
  public static void add(
      Nftables nft, String network, String cid, List<Cidr> subnets, List<IpAddress> ips) {
    String t = "inet " + table(network);
    String c = chain(network, cid);
    String comment = "comment \"name: " + network + " id: " + cid + "\"";
    StringBuilder s = new StringBuilder();
    s.append("add table ").append(t).append('\n');
    s.append("add map ").append(t).append(" masq4 { type ipv4_addr : verdict; }\n");
    s.append("add map ").append(t).append(" masq6 { type ipv6_addr : verdict; }\n");
    s.append("add chain ")
        .append(t)
        .append(" postrouting { type nat hook postrouting priority srcnat; policy accept; }\n");
    s.append("flush chain ").append(t).append(" postrouting\n");
    s.append("add rule ").append(t).append(" postrouting ip saddr vmap @masq4\n");
    s.append("add rule ").append(t).append(" postrouting ip6 saddr vmap @masq6\n");
    s.append("add chain ").append(t).append(' ').append(c).append('\n');
    s.append("flush chain ").append(t).append(' ').append(c).append('\n');
    for (Cidr sn : subnets) {
      String fam = sn.family() == IpFamily.IPV4 ? "ip" : "ip6";
      s.append("add rule ")
          .append(t)
          .append(' ')
          .append(c)
          .append(' ')
          .append(fam)
          .append(" daddr ")
          .append(sn)
          .append(" accept ")
          .append(comment)
          .append('\n');
    }
    boolean v4 = ips.stream().anyMatch(IpAddress::isIpv4);
    boolean v6 = ips.stream().anyMatch(IpAddress::isIpv6);
    if (v4) {
      s.append("add rule ")
          .append(t)
          .append(' ')
          .append(c)
          .append(" ip daddr != 224.0.0.0/4 masquerade ")
          .append(comment)
          .append('\n');
    }
    if (v6) {
      s.append("add rule ")
          .append(t)
          .append(' ')
          .append(c)
          .append(" ip6 daddr != ff00::/8 masquerade ")
          .append(comment)
          .append('\n');
    }
    for (IpAddress ip : ips) {
      s.append("add element ")
          .append(t)
          .append(ip.isIpv4() ? " masq4 { " : " masq6 { ")
          .append(ip)
          .append(" : jump ")
          .append(c)
          .append(" }\n");
    }
    nft.apply(s.toString());
  }

  /** Removes the rules of {@code cid}; no-op when there are none. */
  public static void remove(Nftables nft, String network, String cid) {
    removeChains(nft, network, Set.of(chain(network, cid)), false);
  }

  /** Removes the chains in {@code chains} (or, with {@code invert}, every other CNI chain). */
  public static List<String> removeChains(
      Nftables nft, String network, Set<String> chains, boolean invert) {
    return removeChains(nft, table(network), "CNI-", chains, invert);
  }

  /**
   * Removes the chains named in {@code chains} (or, with {@code invert}, every other chain whose
   * name starts with {@code prefix}) of table {@code inet <table>}, and the map elements that jump
   * to them; no-op when the table does not exist.
   */
  public static List<String> removeChains(
      Nftables nft, String table, String prefix, Set<String> chains, boolean invert) {
    String t = "inet " + table;
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(nft.listJson("table " + t));
    } catch (NftablesException e) {
      return List.of(); // no table: nothing to remove
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    List<String> found = new ArrayList<>();
    StringBuilder s = new StringBuilder();
    for (JsonNode item : root.path("nftables")) {
      JsonNode ch = item.get("chain");
      if (ch != null) {
        String name = ch.path("name").asText();
        if (name.startsWith(prefix) && chains.contains(name) != invert) {
          found.add(name);
        }
      }
    }
    if (found.isEmpty()) {
      return found;
    }
    for (JsonNode item : root.path("nftables")) {
      JsonNode map = item.get("map");
      if (map == null) {
        continue;
      }
      for (JsonNode el : map.path("elem")) {
        // [key, {"jump": {"target": "CNI-…"}}]
        if (el.isArray() && el.size() == 2) {
          String target = el.get(1).path("jump").path("target").asText("");
          if (found.contains(target)) {
            s.append("delete element ")
                .append(t)
                .append(' ')
                .append(map.path("name").asText())
                .append(" { ")
                .append(key(el.get(0)))
                .append(" }\n");
          }
        }
      }
    }
    for (String c : found) {
      s.append("flush chain ").append(t).append(' ').append(c).append('\n');
      s.append("delete chain ").append(t).append(' ').append(c).append('\n');
    }
    nft.apply(s.toString());
    return found;
  }

  private static String key(JsonNode k) {
    if (k.has("concat")) {
      List<String> parts = new ArrayList<>();
      k.get("concat").forEach(p -> parts.add(key(p)));
      return String.join(" . ", parts);
    }
    return k.asText();
  }
}
