package dev.k8snet.cni.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.k8snet.cni.CniException;
import dev.k8snet.core.MacAddress;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;

/**
 * The bridge plugin's settings, with the reference bridge plugin's keys and defaults (its {@code
 * NetConf} at plugins v1.9: {@code bridge}, {@code isGateway}, {@code isDefaultGateway}, {@code
 * forceAddress}, {@code ipMasq}, {@code ipMasqBackend}, {@code mtu}, {@code hairpinMode}, {@code
 * promiscMode}, {@code vlan}, {@code vlanTrunk}, {@code preserveDefaultVlan}, {@code macspoofchk},
 * {@code enabledad}, {@code disableContainerInterface}, {@code portIsolation}, the MAC from {@code
 * CNI_ARGS}, {@code args.cni.mac} or {@code runtimeConfig.mac}).
 *
 * @param vlan the port's VLAN (PVID, untagged), 0 for none
 * @param vlanTrunk further VLANs the port carries tagged, sorted, without duplicates
 */
public record BridgeConfig(
    String bridge,
    boolean isGateway,
    boolean isDefaultGateway,
    boolean forceAddress,
    boolean ipMasq,
    OptionalInt mtu,
    boolean hairpinMode,
    boolean promiscMode,
    Optional<String> ipamType,
    Optional<MacAddress> mac,
    int vlan,
    List<Integer> vlanTrunk,
    boolean preserveDefaultVlan,
    boolean macspoofchk,
    boolean enableDad,
    boolean disableContainerInterface,
    boolean portIsolation) {

  /** Copies the trunk list. */
  public BridgeConfig {
    vlanTrunk = List.copyOf(vlanTrunk);
  }

  /** Whether the bridge filters VLANs (a {@code vlan} or a {@code vlanTrunk} is configured). */
  public boolean vlanFiltering() {
    return vlan != 0 || !vlanTrunk.isEmpty();
  }

  private static final int BAD = CniException.INVALID_CONFIG;

  /** Parses the configuration text. */
  public static BridgeConfig parse(String json, java.util.Map<String, String> args) {
    ObjectNode o = Json.object(json, "network config");
    String bridge = Json.string(o, "bridge", "", BAD).orElse("cni0");
    if (bridge.isEmpty()
        || bridge.length() > 15
        || bridge.contains("/")
        || bridge.contains(":")
        || bridge.chars().anyMatch(Character::isWhitespace)) {
      throw new CniException(
          BAD,
          "invalid bridge name",
          "bridge: " + bridge + " (expected: 1 to 15 characters without '/', ':' or whitespace)");
    }
    boolean dgw = Json.bool(o, "isDefaultGateway", false, BAD);
    boolean gw = Json.bool(o, "isGateway", false, BAD) || dgw;
    boolean hairpin = Json.bool(o, "hairpinMode", false, BAD);
    boolean promisc = Json.bool(o, "promiscMode", false, BAD);
    if (hairpin && promisc) {
      throw new CniException(
          BAD,
          "cannot set hairpin mode and promiscuous mode at the same time.",
          "hairpinMode: true, promiscMode: true");
    }
    int vlan = Json.integer(o, "vlan", "", BAD).orElse(0);
    if (vlan < 0 || vlan > 4094) {
      throw new CniException(
          BAD, "invalid VLAN ID " + vlan + " (must be between 0 and 4094)", "vlan: " + vlan);
    }
    List<Integer> trunk = vlanTrunk(o);
    JsonNode backend = o.get("ipMasqBackend");
    if (backend != null
        && !backend.isNull()
        && !(backend.isTextual()
            && (backend.asText().equals("nftables") || backend.asText().equals("iptables")))) {
      throw new CniException(
          BAD,
          "invalid ipMasqBackend",
          "ipMasqBackend: " + backend + " (expected: \"nftables\" or \"iptables\")");
    }
    OptionalInt mtu = OptionalInt.empty();
    Optional<Integer> m = Json.integer(o, "mtu", "", BAD);
    if (m.isPresent() && m.get() != 0) {
      if (m.get() < 68 || m.get() > 65535) {
        throw new CniException(
            BAD, "invalid MTU " + m.get(), "mtu: " + m.get() + " (expected: 68 to 65535)");
      }
      mtu = OptionalInt.of(m.get());
    }
    Optional<String> ipamType = Optional.empty();
    JsonNode ipam = o.get("ipam");
    if (ipam != null && ipam.isObject() && ipam.has("type")) {
      String t = ipam.get("type").asText("");
      if (t.isEmpty() || t.contains("/")) {
        throw new CniException(
            BAD, "invalid ipam.type", "ipam.type: " + t + " (expected: a plugin name)");
      }
      ipamType = Optional.of(t);
    }
    boolean disableContainer = Json.bool(o, "disableContainerInterface", false, BAD);
    if (disableContainer && ipamType.isPresent()) {
      throw new CniException(
          BAD,
          "cannot use IPAM when DisableContainerInterface flag is set",
          "disableContainerInterface: true, ipam.type: " + ipamType.get());
    }
    Optional<MacAddress> mac = Optional.empty();
    String macText = args.get("MAC");
    if (macText == null) {
      JsonNode rc = o.path("runtimeConfig").get("mac");
      JsonNode ac = o.path("args").path("cni").get("mac");
      macText = rc != null ? rc.asText() : ac != null ? ac.asText() : null;
    }
    if (macText != null) {
      try {
        mac = Optional.of(MacAddress.parse(macText));
      } catch (IllegalArgumentException e) {
        throw new CniException(BAD, "invalid MAC address " + macText, "mac: " + macText, e);
      }
    }
    return new BridgeConfig(
        bridge,
        gw,
        dgw,
        Json.bool(o, "forceAddress", false, BAD),
        Json.bool(o, "ipMasq", false, BAD),
        mtu,
        hairpin,
        promisc,
        ipamType,
        mac,
        vlan,
        trunk,
        Json.bool(o, "preserveDefaultVlan", false, BAD),
        Json.bool(o, "macspoofchk", false, BAD),
        Json.bool(o, "enabledad", false, BAD),
        disableContainer,
        Json.bool(o, "portIsolation", false, BAD));
  }

  /**
   * The reference plugin's {@code vlanTrunk}: a list of {@code {"id": n}} and {@code {"minID": a,
   * "maxID": b}} entries, ids 1–4094, collected into a sorted set.
   */
  private static List<Integer> vlanTrunk(ObjectNode o) {
    JsonNode t = o.get("vlanTrunk");
    if (t == null || t.isNull()) {
      return List.of();
    }
    if (!t.isArray()) {
      throw new CniException(BAD, "invalid vlanTrunk", "vlanTrunk: " + t + " (expected: a list)");
    }
    TreeSet<Integer> vlans = new TreeSet<>();
    for (int i = 0; i < t.size(); i++) {
      JsonNode item = t.get(i);
      String path = "vlanTrunk[" + i + "].";
      Optional<Integer> min = Json.integer(item, "minID", path, BAD);
      Optional<Integer> max = Json.integer(item, "maxID", path, BAD);
      Optional<Integer> id = Json.integer(item, "id", path, BAD);
      if (min.isPresent() != max.isPresent()) {
        throw new CniException(
            BAD,
            "minID and maxID should be configured simultaneously, "
                + (min.isPresent() ? "maxID" : "minID")
                + " is missing",
            path + (min.isPresent() ? "maxID" : "minID"));
      }
      if (min.isPresent()) {
        checkTrunkId(min.get(), "minID", path);
        checkTrunkId(max.get(), "maxID", path);
        if (max.get() < min.get()) {
          throw new CniException(
              BAD,
              "minID is greater than maxID in trunk parameter",
              path + "minID: " + min.get() + ", maxID: " + max.get());
        }
        for (int v = min.get(); v <= max.get(); v++) {
          vlans.add(v);
        }
      }
      if (id.isPresent()) {
        checkTrunkId(id.get(), "id", path);
        vlans.add(id.get());
      }
    }
    return List.copyOf(vlans);
  }

  private static void checkTrunkId(int v, String key, String path) {
    if (v <= 0 || v > 4094) {
      throw new CniException(
          BAD,
          "incorrect trunk " + key + " parameter",
          path + key + ": " + v + " (expected: 1 to 4094)");
    }
  }
}
