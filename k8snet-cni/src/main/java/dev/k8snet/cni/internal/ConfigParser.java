package dev.k8snet.cni.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.k8snet.cni.Attachment;
import dev.k8snet.cni.CniCommand;
import dev.k8snet.cni.CniException;
import dev.k8snet.cni.CniResult;
import dev.k8snet.cni.CniVersion;
import dev.k8snet.cni.NetworkConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Parses and validates the configuration a plugin receives on stdin. */
public final class ConfigParser {
  /** Network names as the spec allows them. */
  public static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.\\-]*");

  private ConfigParser() {}

  /** Best-effort read of the configuration's version, for error replies; never throws. */
  public static CniVersion versionOf(String json) {
    return declaredVersion(json).orElse(CniVersion.V0_1_0);
  }

  /** The configuration's {@code cniVersion} if it has a valid one; never throws. */
  public static Optional<CniVersion> declaredVersion(String json) {
    try {
      JsonNode n = Json.MAPPER.readTree(json);
      if (n != null && n.isObject() && n.get("cniVersion") != null) {
        return Optional.of(CniVersion.parse(n.get("cniVersion").asText()));
      }
    } catch (IOException | IllegalArgumentException e) {
      // fall through
    }
    return Optional.empty();
  }

  /**
   * Parses the configuration for {@code command}, checking the version against {@code supported}.
   */
  public static NetworkConfig parse(String json, CniCommand command, List<CniVersion> supported) {
    ObjectNode o = Json.object(json, "network config");
    JsonNode v = o.get("cniVersion");
    CniVersion version = CniVersion.V0_1_0;
    if (v != null && !v.isNull()) {
      String text = v.isTextual() ? v.asText() : v.toString();
      try {
        version = CniVersion.parse(text);
      } catch (IllegalArgumentException e) {
        throw incompatible(text, supported);
      }
      if (!supported.contains(version)) {
        throw incompatible(text, supported);
      }
    }
    if (!version.atLeast(command.since())) {
      throw new CniException(
          CniException.INCOMPATIBLE_VERSION,
          "config version does not allow " + command,
          "cniVersion: "
              + version
              + " (expected: "
              + command.since()
              + " or later for "
              + command
              + ")");
    }
    String name = Json.string(o, "name", "", CniException.INVALID_CONFIG).orElse("");
    if (name.isEmpty()) {
      throw new CniException(
          CniException.INVALID_CONFIG, "missing network name", "name is required");
    }
    if (!NAME.matcher(name).matches()) {
      throw new CniException(
          CniException.INVALID_CONFIG,
          "invalid characters found in network name",
          "name: " + name + " (expected: ^[a-zA-Z0-9][a-zA-Z0-9_.\\-]*$)");
    }
    String type = Json.string(o, "type", "", CniException.INVALID_CONFIG).orElse("");
    Optional<CniResult> prev = Optional.empty();
    JsonNode p = o.get("prevResult");
    if (p != null && !p.isNull()) {
      try {
        prev = Optional.of(ResultCodec.parse(p));
      } catch (CniException e) {
        throw new CniException(
            CniException.DECODE_FAILURE, "could not parse prevResult", e.getMessage(), e);
      }
    }
    Optional<List<Attachment>> valid = Optional.empty();
    JsonNode va =
        o.has("cni.dev/valid-attachments")
            ? o.get("cni.dev/valid-attachments")
            : o.get("cni.dev/attachments");
    if (va != null && !va.isNull()) {
      if (!va.isArray()) {
        throw new CniException(
            CniException.DECODE_FAILURE,
            "invalid cni.dev/valid-attachments",
            "expected a list of {containerID, ifname}, got " + va);
      }
      List<Attachment> list = new ArrayList<>();
      int i = 0;
      for (JsonNode a : va) {
        String path = "cni.dev/valid-attachments[" + i++ + "].";
        String cid = Json.string(a, "containerID", path, CniException.DECODE_FAILURE).orElse("");
        String ifn = Json.string(a, "ifname", path, CniException.DECODE_FAILURE).orElse("");
        list.add(new Attachment(cid, ifn));
      }
      valid = Optional.of(list);
    }
    return new NetworkConfig(version, name, type, prev, valid, json);
  }

  private static CniException incompatible(String text, List<CniVersion> supported) {
    return new CniException(
        CniException.INCOMPATIBLE_VERSION,
        "incompatible CNI versions",
        "config is \""
            + text
            + "\", plugin supports "
            + supported.stream()
                .map(s -> "\"" + s + "\"")
                .collect(Collectors.joining(", ", "[", "]")));
  }
}
