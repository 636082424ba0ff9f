package dev.k8snet.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.k8snet.core.Cidr;
import dev.k8snet.core.model.Node;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads kube-proxy's configuration file, a {@code KubeProxyConfiguration}
 * (kubeproxy.config.k8s.io/v1alpha1, YAML or JSON), into a {@link ProxyConfig}.
 *
 * <p>Fields used: {@code clusterCIDR} (comma separated, one per family), {@code detectLocalMode}
 * ({@code ClusterCIDR}, the default, or {@code NodeCIDR}, which takes the Node's {@code
 * spec.podCIDRs}), {@code nodePortAddresses}, and from the {@code nftables} section (falling back
 * to the top level, then to the {@code iptables} section) {@code masqueradeAll}, {@code
 * masqueradeBit}, {@code minSyncPeriod} and {@code syncPeriod}, and the {@code conntrack} section
 * ({@code maxPerCore}, {@code min}, {@code tcpEstablishedTimeout}, {@code tcpCloseWaitTimeout},
 * {@code tcpBeLiberal}, {@code udpTimeout}, {@code udpStreamTimeout}; see {@link ConntrackConfig}).
 * Other fields (metrics and health addresses, …) are accepted and not used. Stateless and
 * thread-safe.
 *
 * @since 0.1.0
 */
public final class KubeProxyConfiguration {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(h|ms|m|s|us|ns)");

  private KubeProxyConfiguration() {}

  /**
   * Parses a configuration.
   *
   * @param text the file's contents
   * @param node the Node, for {@code detectLocalMode: NodeCIDR}
   * @return the settings (defaults where a field is absent)
   * @throws IllegalArgumentException naming the field, if the text is not a valid configuration
   */
  public static ProxyConfig parse(String text, Optional<Node> node) {
    Objects.requireNonNull(text, "text");
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not YAML or JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("document: " + root + " (expected: an object)");
    }
    String kind = root.path("kind").asText("KubeProxyConfiguration");
    if (!kind.equals("KubeProxyConfiguration")) {
      throw new IllegalArgumentException("kind: " + kind + " (expected: KubeProxyConfiguration)");
    }
    ProxyConfig.Builder b = ProxyConfig.builder();
    String mode = root.path("detectLocalMode").asText("");
    List<Cidr> cluster = new ArrayList<>();
    switch (mode) {
      case "", "ClusterCIDR" -> {
        for (String s : root.path("clusterCIDR").asText("").split(",")) {
          if (!s.isBlank()) {
            cluster.add(
                Cidr.tryParse(s.trim())
                    .orElseThrow(
                        () ->
                            new IllegalArgumentException(
                                "clusterCIDR: " + s + " (expected: a CIDR)")));
          }
        }
      }
      case "NodeCIDR" -> node.ifPresent(n -> cluster.addAll(n.podCidrs()));
      default ->
          throw new IllegalArgumentException(
              "detectLocalMode: " + mode + " (expected: ClusterCIDR or NodeCIDR)");
    }
    b.clusterCidrs(cluster);
    List<String> npa = new ArrayList<>();
    for (JsonNode a : root.path("nodePortAddresses")) {
      npa.add(a.asText());
    }
    try {
      b.nodePortAddresses(npa);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "nodePortAddresses: " + npa + " (expected: CIDRs or primary)", e);
    }
    JsonNode nft = root.path("nftables");
    JsonNode ipt = root.path("iptables");
    JsonNode masqAll = pick(nft, root, ipt, "masqueradeAll");
    if (masqAll != null) {
      b.masqueradeAll(masqAll.asBoolean());
    }
    JsonNode bit = pick(nft, root, ipt, "masqueradeBit");
    if (bit != null) {
      if (!bit.canConvertToInt() || bit.asInt() < 0 || bit.asInt() > 31) {
        throw new IllegalArgumentException("masqueradeBit: " + bit + " (expected: 0 ~ 31)");
      }
      b.masqueradeBit(bit.asInt());
    }
    JsonNode min = pick(nft, root, ipt, "minSyncPeriod");
    if (min != null) {
      b.minSyncPeriod(duration("minSyncPeriod", min.asText()));
    }
    JsonNode sync = pick(nft, root, ipt, "syncPeriod");
    if (sync != null) {
      b.syncPeriod(duration("syncPeriod", sync.asText()));
    }
    b.conntrack(conntrack(root.path("conntrack")));
    return b.build();
  }

  private static ConntrackConfig conntrack(JsonNode c) {
    ConntrackConfig d = ConntrackConfig.DEFAULT;
    if (c.isMissingNode() || c.isNull()) {
      return d;
    }
    if (!c.isObject()) {
      throw new IllegalArgumentException("conntrack: " + c + " (expected: an object)");
    }
    return new ConntrackConfig(
        count(c, "maxPerCore", d.maxPerCore()),
        count(c, "min", d.min()),
        time(c, "tcpEstablishedTimeout", d.tcpEstablishedTimeout()),
        time(c, "tcpCloseWaitTimeout", d.tcpCloseWaitTimeout()),
        c.path("tcpBeLiberal").asBoolean(false),
        time(c, "udpTimeout", d.udpTimeout()),
        time(c, "udpStreamTimeout", d.udpStreamTimeout()));
  }

  private static java.util.OptionalInt count(
      JsonNode c, String field, java.util.OptionalInt fallback) {
    JsonNode v = c.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.canConvertToInt() || v.asInt() < 0) {
      throw new IllegalArgumentException(
          "conntrack." + field + ": " + v + " (expected: a count >= 0)");
    }
    return java.util.OptionalInt.of(v.asInt());
  }

  private static Optional<Duration> time(JsonNode c, String field, Optional<Duration> fallback) {
    JsonNode v = c.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    return Optional.of(duration("conntrack." + field, v.asText()));
  }

  private static JsonNode pick(JsonNode nft, JsonNode root, JsonNode ipt, String field) {
    for (JsonNode n : List.of(nft, root, ipt)) {
      JsonNode v = n.get(field);
      if (v != null && !v.isNull()) {
        return v;
      }
    }
    return null;
  }

  /** Go's duration syntax: {@code 1h2m3.5s}, {@code 500ms}. */
  static Duration duration(String field, String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = DURATION.matcher(t);
    int at = 0;
    double nanos = 0;
    while (m.find() && m.start() == at) {
      double v = Double.parseDouble(m.group(1));
      nanos +=
          switch (m.group(2)) {
            case "h" -> v * 3600e9;
            case "m" -> v * 60e9;
            case "s" -> v * 1e9;
            case "ms" -> v * 1e6;
            case "us" -> v * 1e3;
            default -> v;
          };
      at = m.end();
    }
    if (at == 0 || at != t.length()) {
      throw new IllegalArgumentException(
          field + ": " + text + " (expected: a duration such as 1s)");
    }
    return Duration.ofNanos((long) nanos);
  }
}
