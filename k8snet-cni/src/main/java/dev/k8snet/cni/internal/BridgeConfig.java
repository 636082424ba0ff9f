package dev.k8snet.cni.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.k8snet.cni.CniException;
import dev.k8snet.core.MacAddress;
import java.util.Optional;
import java.util.OptionalInt;

/** The bridge plugin's settings, with the reference bridge plugin's keys and defaults. */
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
    Optional<MacAddress> mac) {

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
    Optional<Integer> vlan = Json.integer(o, "vlan", "", BAD);
    if (vlan.isPresent()) {
      if (vlan.get() < 0 || vlan.get() > 4094) {
        throw new CniException(
            BAD,
            "invalid VLAN ID " + vlan.get() + " (must be between 0 and 4094)",
            "vlan: " + vlan.get());
      }
      if (vlan.get() != 0) {
        throw new CniException(
            CniException.UNSUPPORTED_FIELD,
            "unsupported field: vlan",
            "vlan: "
                + vlan.get()
                + " (k8snet-bridge does not filter VLANs; expected: 0 or absent)");
      }
    }
    for (String unsupported : new String[] {"vlanTrunk", "macspoofchk", "portIsolation"}) {
      JsonNode n = o.get(unsupported);
      if (n != null
          && !n.isNull()
          && !(n.isBoolean() && !n.asBoolean())
          && !(n.isArray() && n.isEmpty())) {
        throw new CniException(
            CniException.UNSUPPORTED_FIELD,
            "unsupported field: " + unsupported,
            unsupported + ": " + n + " (not implemented by k8snet-bridge)");
      }
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
        mac);
  }
}
