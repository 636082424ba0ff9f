package dev.k8snet.cni.network;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpFamily;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The cluster-wide pod network configuration, read from a Flannel-style {@code net-conf.json}:
 *
 * <pre>{@code
 * {
 *   "Network": "10.244.0.0/16",
 *   "IPv6Network": "fd00:10:244::/56",
 *   "Backend": {"Type": "vxlan", "VNI": 1, "Port": 8472, "DirectRouting": false},
 *   "IPMasq": true
 * }
 * }</pre>
 *
 * <p>Keys as Flannel spells them: {@code Network}, {@code IPv6Network}, {@code EnableIPv4} (default
 * true when {@code Network} is set), {@code EnableIPv6} (default true when {@code IPv6Network} is
 * set), {@code Backend.Type} ({@code vxlan}, the default, or {@code host-gw}), {@code Backend.VNI}
 * (default 1), {@code Backend.Port} (0 or absent: the Linux default 8472), {@code
 * Backend.DirectRouting}, {@code Backend.MTU} (the pod MTU to use instead of the derived one); and
 * {@code IPMasq} (default true; Flannel's {@code --ip-masq} flag).
 *
 * @param network the IPv4 cluster pod network, when IPv4 is enabled
 * @param ipv6Network the IPv6 cluster pod network, when IPv6 is enabled
 * @param backend the backend settings
 * @param ipMasq whether traffic from pods to destinations outside the cluster networks is
 *     masqueraded
 * @since 0.1
 */
public record NetConf(
    Optional<Cidr> network, Optional<Cidr> ipv6Network, Backend backend, boolean ipMasq) {

  /** The Linux default VXLAN UDP port, Flannel's default. */
  public static final int DEFAULT_VXLAN_PORT = 8472;

  /**
   * Validates the components: at least one network, each of its family and canonical.
   *
   * @param network the IPv4 network; when present, IPv4 with a prefix of at most /28
   * @param ipv6Network the IPv6 network; when present, IPv6 with a prefix of at most /124
   * @param backend the backend settings; not null
   * @param ipMasq whether pod traffic leaving the cluster networks is masqueraded
   */
  public NetConf {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(ipv6Network, "ipv6Network");
    Objects.requireNonNull(backend, "backend");
    if (network.isEmpty() && ipv6Network.isEmpty()) {
      throw new IllegalArgumentException(
          "Network: absent (expected: Network and/or IPv6Network, e.g. \"10.244.0.0/16\")");
    }
    network.ifPresent(n -> checkNetwork("Network", n, IpFamily.IPV4));
    ipv6Network.ifPresent(n -> checkNetwork("IPv6Network", n, IpFamily.IPV6));
  }

  /**
   * Returns an IPv4-only configuration with masquerading on.
   *
   * @param network the IPv4 cluster pod network
   * @param backend the backend settings
   * @return a configuration without an IPv6 network
   */
  public static NetConf of(Cidr network, Backend backend) {
    return new NetConf(Optional.of(network), Optional.empty(), backend, true);
  }

  /**
   * Returns the cluster networks, IPv4 first.
   *
   * @return the enabled networks, IPv4 before IPv6
   */
  public List<Cidr> networks() {
    return java.util.stream.Stream.concat(network.stream(), ipv6Network.stream()).toList();
  }

  /**
   * Returns the cluster network of {@code family}, if that family is enabled.
   *
   * @param family the family
   * @return the network, or empty when the family is not enabled
   */
  public Optional<Cidr> network(IpFamily family) {
    return family == IpFamily.IPV4 ? network : ipv6Network;
  }

  /**
   * Returns a copy with masquerading on or off.
   *
   * @param on whether to masquerade
   * @return a copy with the same networks and backend
   */
  public NetConf withIpMasq(boolean on) {
    return new NetConf(network, ipv6Network, backend, on);
  }

  private static void checkNetwork(String field, Cidr n, IpFamily family) {
    if (n.family() != family) {
      throw new IllegalArgumentException(
          field + ": " + n + " (expected: an " + family + " network)");
    }
    int max = family == IpFamily.IPV4 ? 28 : 124;
    if (n.prefixLength() > max) {
      throw new IllegalArgumentException(
          field + ": " + n + " (expected: a prefix of at most /" + max + ")");
    }
  }

  /**
   * The backend settings.
   *
   * @param type host-gw or vxlan
   * @param vni the VXLAN network identifier (0 to 16777215)
   * @param port the VXLAN UDP port (1 to 65535)
   * @param directRouting with VXLAN: use a host-gw route for peers on the same L2 subnet
   * @param mtu the pod MTU to use instead of the derived one (underlay − overhead); it must fit
   * @since 0.1
   */
  public record Backend(
      BackendType type, int vni, int port, boolean directRouting, OptionalInt mtu) {
    /**
     * Validates the ranges.
     *
     * @param type the backend type; not null
     * @param vni the VXLAN network identifier, 0 to 16777215
     * @param port the VXLAN UDP port, 1 to 65535
     * @param directRouting whether VXLAN uses host-gw routes for peers on the same subnet
     * @param mtu the pod MTU; when present, 576 to 65535
     */
    public Backend {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(mtu, "mtu");
      if (vni < 0 || vni > 0xffffff) {
        throw new IllegalArgumentException("Backend.VNI: " + vni + " (expected: 0 to 16777215)");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("Backend.Port: " + port + " (expected: 1 to 65535)");
      }
      mtu.ifPresent(
          m -> {
            if (m < 576 || m > 65535) {
              throw new IllegalArgumentException("Backend.MTU: " + m + " (expected: 576 to 65535)");
            }
          });
    }

    /**
     * VXLAN with {@code vni}, port 8472, no direct routing.
     *
     * @param vni the VXLAN network identifier, 0 to 16777215
     * @return VXLAN settings with the default port and no MTU override
     */
    public static Backend vxlan(int vni) {
      return new Backend(BackendType.VXLAN, vni, DEFAULT_VXLAN_PORT, false, OptionalInt.empty());
    }

    /**
     * host-gw.
     *
     * @return host-gw settings
     */
    public static Backend hostGw() {
      return new Backend(BackendType.HOST_GW, 1, DEFAULT_VXLAN_PORT, false, OptionalInt.empty());
    }

    /**
     * Returns a copy with direct routing on or off.
     *
     * @param on whether direct routing is on
     * @return a copy with the other settings unchanged
     */
    public Backend withDirectRouting(boolean on) {
      return new Backend(type, vni, port, on, mtu);
    }
  }

  // ------------------------------------------------------------------ parsing

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * Reads a {@code net-conf.json} file.
   *
   * @param file the {@code net-conf.json} file
   * @return the configuration
   * @throws IllegalArgumentException naming the file, line, field and value on bad input
   * @throws java.io.UncheckedIOException when the file cannot be read
   */
  public static NetConf read(Path file) {
    try {
      return parse(Files.readString(file), file.toString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses {@code net-conf.json} text; {@code source} names it in errors.
   *
   * @param text the JSON text
   * @param source the name of the text in error messages, e.g. its path
   * @return the configuration
   * @throws IllegalArgumentException {@code SOURCE:LINE: FIELD: VALUE (expected: …)} on bad input
   */
  public static NetConf parse(String text, String source) {
    Map<String, Integer> lines = new HashMap<>();
    JsonNode root;
    try {
      root = MAPPER.readTree(text);
      indexLines(text, lines);
    } catch (JsonProcessingException e) {
      JsonLocation l = e.getLocation();
      throw new IllegalArgumentException(
          source + ":" + (l == null ? 0 : l.getLineNr()) + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(source + ":1: expected a JSON object");
    }
    Reader r = new Reader(source, lines);
    Optional<Cidr> v4 = r.cidr(root, "Network");
    Optional<Cidr> v6 = r.cidr(root, "IPv6Network");
    boolean enable4 = r.bool(root, "EnableIPv4", v4.isPresent());
    boolean enable6 = r.bool(root, "EnableIPv6", v6.isPresent());
    if (enable4 && v4.isEmpty()) {
      throw r.error("EnableIPv4", "true", "a Network when IPv4 is enabled");
    }
    if (enable6 && v6.isEmpty()) {
      throw r.error("EnableIPv6", "true", "an IPv6Network when IPv6 is enabled");
    }
    JsonNode b = root.path("Backend");
    if (!b.isMissingNode() && !b.isObject()) {
      throw r.error("Backend", b.toString(), "an object");
    }
    String typeText = r.string(b, "Backend.Type", "Type").orElse("vxlan");
    BackendType type =
        BackendType.fromText(typeText)
            .orElseThrow(
                () -> r.error("Backend.Type", typeText, "vxlan or host-gw (others not supported)"));
    int vni = r.integer(b, "Backend.VNI", "VNI", 1);
    int port = r.integer(b, "Backend.Port", "Port", 0);
    boolean direct = r.bool(b, "Backend.DirectRouting", "DirectRouting", false);
    int mtu = r.integer(b, "Backend.MTU", "MTU", 0);
    boolean masq = r.bool(root, "IPMasq", true);
    try {
      Backend backend =
          new Backend(
              type,
              vni,
              port == 0 ? DEFAULT_VXLAN_PORT : port,
              direct,
              mtu == 0 ? OptionalInt.empty() : OptionalInt.of(mtu));
      return new NetConf(
          enable4 ? v4 : Optional.empty(), enable6 ? v6 : Optional.empty(), backend, masq);
    } catch (IllegalArgumentException e) {
      String field = e.getMessage().substring(0, Math.max(0, e.getMessage().indexOf(':')));
      throw new IllegalArgumentException(r.where(field) + e.getMessage(), e);
    }
  }

  private static void indexLines(String text, Map<String, Integer> lines) throws IOException {
    try (JsonParser p = MAPPER.getFactory().createParser(text)) {
      Deque<String> stack = new ArrayDeque<>();
      String field = null;
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        String prefix = stack.isEmpty() ? "" : stack.peek();
        switch (t) {
          case FIELD_NAME -> {
            field = p.currentName();
            lines.putIfAbsent(join(prefix, field), p.currentLocation().getLineNr());
          }
          case START_OBJECT -> {
            stack.push(field == null ? prefix : join(prefix, field));
            field = null;
          }
          case END_OBJECT -> {
            stack.pop();
            field = null;
          }
          default -> field = null;
        }
      }
    }
  }

  private static String join(String prefix, String field) {
    return prefix.isEmpty() ? field : prefix + "." + field;
  }

  private record Reader(String source, Map<String, Integer> lines) {
    String where(String field) {
      return source + ":" + lines.getOrDefault(field, 1) + ": ";
    }

    IllegalArgumentException error(String field, String value, String expected) {
      return new IllegalArgumentException(
          where(field) + field + ": " + value + " (expected: " + expected + ")");
    }

    Optional<Cidr> cidr(JsonNode root, String field) {
      JsonNode n = root.get(field);
      if (n == null || n.isNull()) {
        return Optional.empty();
      }
      if (!n.isTextual()) {
        throw error(field, n.toString(), "a CIDR string");
      }
      Cidr c =
          Cidr.tryParse(n.asText())
              .orElseThrow(() -> error(field, n.asText(), "a CIDR such as 10.244.0.0/16"));
      if (!c.toString().equals(Cidr.containing(c.address(), c.prefixLength()).toString())) {
        throw error(field, n.asText(), "a network address (host bits zero)");
      }
      try {
        checkNetwork(field, c, field.equals("Network") ? IpFamily.IPV4 : IpFamily.IPV6);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where(field) + e.getMessage(), e);
      }
      return Optional.of(c);
    }

    boolean bool(JsonNode root, String field, boolean dflt) {
      return bool(root, field, field, dflt);
    }

    boolean bool(JsonNode obj, String field, String key, boolean dflt) {
      JsonNode n = obj.get(key);
      if (n == null || n.isNull()) {
        return dflt;
      }
      if (!n.isBoolean()) {
        throw error(field, n.toString(), "true or false");
      }
      return n.asBoolean();
    }

    Optional<String> string(JsonNode obj, String field, String key) {
      JsonNode n = obj.get(key);
      if (n == null || n.isNull()) {
        return Optional.empty();
      }
      if (!n.isTextual()) {
        throw error(field, n.toString(), "a string");
      }
      return Optional.of(n.asText());
    }

    int integer(JsonNode obj, String field, String key, int dflt) {
      JsonNode n = obj.get(key);
      if (n == null || n.isNull()) {
        return dflt;
      }
      if (!n.isIntegralNumber() || !n.canConvertToInt()) {
        throw error(field, n.toString(), "an integer");
      }
      return n.asInt();
    }
  }
}
