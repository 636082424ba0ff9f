package dev.k8snet.cni.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k8snet.core.MacAddress;
import dev.k8snet.core.nftables.Nftables;
import dev.k8snet.core.nftables.NftablesException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The bridge plugin's {@code macspoofchk} with the reference plugin's nftables objects: in table
 * {@code bridge nat}, base chain {@code PREROUTING} (filter, prerouting, priority -300) jumps for
 * frames from the host end of the veth to {@code cni-br-iface-<id>}, which jumps to {@code
 * cni-br-iface-<id>-mac}: frames with the container's source MAC return, all others are dropped.
 * {@code <id>} is {@code <containerId>-<ifname>}; every rule carries the comment {@code
 * macspoofchk-<id>}.
 */
public final class SpoofCheck {
  private static final String TABLE = "bridge nat";
  private static final String BASE = "PREROUTING";

  private SpoofCheck() {}

  /** The id of an attachment in chain names and comments. */
  public static String id(String containerId, String ifname) {
    return containerId + "-" + ifname;
  }

  private static String ifaceChain(String id) {
    return "cni-br-iface-" + id;
  }

  private static String comment(String id) {
    return "comment \"macspoofchk-" + id + "\"";
  }

  /** Installs the check for frames entering the bridge from {@code hostIface}, atomically. */
  public static void setup(Nftables nft, String hostIface, MacAddress mac, String id) {
    String iface = ifaceChain(id);
    String macChain = iface + "-mac";
    String c = comment(id);
    String s =
        "add table "
            + TABLE
            + "\nadd chain "
            + TABLE
            + " "
            + BASE
            + " { type filter hook prerouting priority -300; policy accept; }\n"
            + "add chain "
            + TABLE
            + " "
            + iface
            + "\nadd chain "
            + TABLE
            + " "
            + macChain
            + "\nflush chain "
            + TABLE
            + " "
            + iface
            + "\nflush chain "
            + TABLE
            + " "
            + macChain
            + "\nadd rule "
            + TABLE
            + " "
            + BASE
            + " iifname \""
            + hostIface
            + "\" jump "
            + iface
            + " "
            + c
            + "\nadd rule "
            + TABLE
            + " "
            + iface
            + " jump "
            + macChain
            + " "
            + c
            + "\nadd rule "
            + TABLE
            + " "
            + macChain
            + " ether saddr "
            + mac
            + " return "
            + c
            + "\nadd rule "
            + TABLE
            + " "
            + macChain
            + " drop "
            + c
            + "\n";
    nft.apply(s);
  }

  /** Whether the jump of {@code id} is in the base chain. */
  public static boolean present(Nftables nft, String id) {
    return !jumpHandles(nft, id).isEmpty();
  }

  /** Removes the rules and chains of {@code id}; no-op when there are none. */
  public static void teardown(Nftables nft, String id) {
    JsonNode root = table(nft);
    if (root == null) {
      return;
    }
    String iface = ifaceChain(id);
    StringBuilder s = new StringBuilder();
    for (long h : jumpHandles(root, id)) {
      s.append("delete rule ").append(TABLE).append(' ').append(BASE);
      s.append(" handle ").append(h).append('\n');
    }
    for (JsonNode item : root.path("nftables")) {
      JsonNode ch = item.get("chain");
      String name = ch == null ? "" : ch.path("name").asText();
      if (name.equals(iface) || name.equals(iface + "-mac")) {
        s.append("flush chain ").append(TABLE).append(" ").append(name).append("\n");
      }
    }
    for (String name : List.of(iface, iface + "-mac")) {
      if (hasChain(root, name)) {
        s.append("delete chain ").append(TABLE).append(" ").append(name).append("\n");
      }
    }
    if (s.length() > 0) {
      nft.apply(s.toString());
    }
  }

  private static boolean hasChain(JsonNode root, String name) {
    for (JsonNode item : root.path("nftables")) {
      JsonNode ch = item.get("chain");
      if (ch != null && ch.path("name").asText().equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static List<Long> jumpHandles(Nftables nft, String id) {
    JsonNode root = table(nft);
    return root == null ? List.of() : jumpHandles(root, id);
  }

  private static List<Long> jumpHandles(JsonNode root, String id) {
    List<Long> out = new ArrayList<>();
    for (JsonNode item : root.path("nftables")) {
      JsonNode r = item.get("rule");
      if (r != null
          && r.path("chain").asText().equals(BASE)
          && r.path("comment").asText().equals("macspoofchk-" + id)) {
        out.add(r.path("handle").asLong());
      }
    }
    return out;
  }

  private static JsonNode table(Nftables nft) {
    String text;
    try {
      text = nft.listJson("table " + TABLE);
    } catch (NftablesException e) {
      return null; // no table
    }
    try {
      return Json.MAPPER.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
