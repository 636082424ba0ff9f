package dev.k8snet.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.k8snet.proxy.ingress.ForwardedHeader;
import dev.k8snet.proxy.ingress.IngressController;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configuration of {@code k8snet node}: read from a file (YAML or JSON, {@code kind:
 * NodeConfiguration}, {@code apiVersion: k8snet.dev/v1alpha1}), then overridden by flags. Every bad
 * value fails with the file (or flag), the field and the value. See {@code
 * samples/deploy/configmap.yaml} for a full example.
 */
final class NodeConfig {
  static final String API_VERSION = "k8snet.dev/v1alpha1";
  static final String KIND = "NodeConfiguration";

  String nodeName;
  List<Path> manifests = new ArrayList<>();
  Path kubeconfig;
  boolean inCluster;
  String httpListen = "0.0.0.0:10290";
  Duration readyTimeout = Duration.ofSeconds(30);
  Duration resync = Duration.ofMinutes(5);

  boolean cniEnabled = true;
  Path cniSocket = Path.of("/run/k8snet/cni.sock");

  boolean proxyEnabled = true;
  Path proxyConfig;
  List<String> nodeIps = new ArrayList<>();
  String healthCheckBindAddress = "0.0.0.0";

  boolean dnsEnabled = true;
  String dnsListen = "127.0.0.1:53";
  String dnsZone = "cluster.local";
  List<String> dnsUpstreams = new ArrayList<>();
  int dnsTtl = 5;
  String dnsPods = "disabled";

  boolean networkEnabled = true;
  Path networkConfig;
  Path networkStateDir = Path.of("/var/lib/k8snet/network");
  Path networkCniConf;

  boolean policyEnabled = true;
  boolean policyLogDenied;

  String ingressListen;
  String ingressListenTls;

  /** The forwarding fields the Ingress controller writes; null for its default (all of them). */
  Set<ForwardedHeader> ingressForwardedHeaders;

  /** The Ingress controller's client idle timeout; null for its default (75 s). */
  Duration ingressClientIdleTimeout;

  /** The Ingress controller's pooled-connection idle timeout; null for its default (50 s). */
  Duration ingressBackendIdleTimeout;

  private static final Map<String, Set<String>> FIELDS =
      Map.of(
          "",
          Set.of(
              "apiVersion",
              "kind",
              "nodeName",
              "manifests",
              "kubeconfig",
              "inCluster",
              "http",
              "readyTimeout",
              "resync",
              "cni",
              "proxy",
              "dns",
              "network",
              "policy",
              "ingress"),
          "http",
          Set.of("listen"),
          "cni",
          Set.of("enabled", "socket"),
          "proxy",
          Set.of("enabled", "config", "nodeIPs", "healthCheckBindAddress"),
          "dns",
          Set.of("enabled", "listen", "zone", "upstreams", "ttl", "pods"),
          "network",
          Set.of("enabled", "config", "stateDir", "cniConf"),
          "policy",
          Set.of("enabled", "logDenied"),
          "ingress",
          Set.of(
              "listen",
              "listenTls",
              "forwardedHeaders",
              "clientIdleTimeout",
              "backendIdleTimeout"));

  /** Reads {@code file} over the defaults. */
  static NodeConfig read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UsageException("--config: " + file + ": cannot read (" + e.getMessage() + ")");
    }
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(text);
    } catch (IOException e) {
      throw new UsageException(
          file + ": not YAML or JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    NodeConfig c = new NodeConfig();
    Reader r = new Reader(file.toString());
    if (root == null || !root.isObject()) {
      throw r.error("", root, "an object with kind: " + KIND);
    }
    r.checkFields("", root);
    if (!API_VERSION.equals(r.text(root, "apiVersion", API_VERSION))) {
      throw r.error("apiVersion", root.get("apiVersion"), API_VERSION);
    }
    if (!KIND.equals(r.text(root, "kind", KIND))) {
      throw r.error("kind", root.get("kind"), KIND);
    }
    c.nodeName = r.text(root, "nodeName", null);
    for (String p : r.texts(root, "manifests")) {
      c.manifests.add(Path.of(p));
    }
    String kc = r.text(root, "kubeconfig", null);
    c.kubeconfig = kc == null ? null : Path.of(kc);
    c.inCluster = r.bool(root, "inCluster", false);
    c.readyTimeout = r.duration(root, "readyTimeout", c.readyTimeout);
    c.resync = r.duration(root, "resync", c.resync);
    JsonNode http = r.section(root, "http");
    c.httpListen = r.text(http, "http.listen", c.httpListen);
    JsonNode cni = r.section(root, "cni");
    c.cniEnabled = r.bool(cni, "cni.enabled", c.cniEnabled);
    c.cniSocket = Path.of(r.text(cni, "cni.socket", c.cniSocket.toString()));
    JsonNode proxy = r.section(root, "proxy");
    c.proxyEnabled = r.bool(proxy, "proxy.enabled", c.proxyEnabled);
    String pc = r.text(proxy, "proxy.config", null);
    c.proxyConfig = pc == null ? null : Path.of(pc);
    c.nodeIps.addAll(r.texts(proxy, "proxy.nodeIPs"));
    c.healthCheckBindAddress =
        r.text(proxy, "proxy.healthCheckBindAddress", c.healthCheckBindAddress);
    JsonNode dns = r.section(root, "dns");
    c.dnsEnabled = r.bool(dns, "dns.enabled", c.dnsEnabled);
    c.dnsListen = r.text(dns, "dns.listen", c.dnsListen);
    c.dnsZone = r.text(dns, "dns.zone", c.dnsZone);
    c.dnsUpstreams.addAll(r.texts(dns, "dns.upstreams"));
    c.dnsTtl = r.integer(dns, "dns.ttl", c.dnsTtl, 0, 3600);
    c.dnsPods = r.text(dns, "dns.pods", c.dnsPods);
    JsonNode network = r.section(root, "network");
    c.networkEnabled = r.bool(network, "network.enabled", c.networkEnabled);
    String nc = r.text(network, "network.config", null);
    c.networkConfig = nc == null ? null : Path.of(nc);
    c.networkStateDir = Path.of(r.text(network, "network.stateDir", c.networkStateDir.toString()));
    String cc = r.text(network, "network.cniConf", null);
    c.networkCniConf = cc == null ? null : Path.of(cc);
    JsonNode policy = r.section(root, "policy");
    c.policyEnabled = r.bool(policy, "policy.enabled", c.policyEnabled);
    c.policyLogDenied = r.bool(policy, "policy.logDenied", c.policyLogDenied);
    JsonNode ingress = r.section(root, "ingress");
    c.ingressListen = r.text(ingress, "ingress.listen", null);
    c.ingressListenTls = r.text(ingress, "ingress.listenTls", null);
    if (ingress.has("forwardedHeaders")) {
      c.ingressForwardedHeaders =
          IngressCommand.Serve.forwardedHeaders(
              file + ": ingress.forwardedHeaders", r.texts(ingress, "ingress.forwardedHeaders"));
    }
    c.ingressClientIdleTimeout = r.idleTimeout(ingress, "ingress.clientIdleTimeout");
    c.ingressBackendIdleTimeout = r.idleTimeout(ingress, "ingress.backendIdleTimeout");
    return c;
  }

  /**
   * Parses {@code 30s}, {@code 1m30s}, {@code 500ms}, {@code 2h} (Go durations, as kube configs).
   */
  static Duration parseDuration(String text) {
    Matcher m = Pattern.compile("(\\d+)(ms|s|m|h)").matcher(text);
    Duration d = Duration.ZERO;
    int end = 0;
    while (m.find() && m.start() == end) {
      long n = Long.parseLong(m.group(1));
      d =
          d.plus(
              switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
              });
      end = m.end();
    }
    if (end == 0 || end != text.length()) {
      throw new IllegalArgumentException(text);
    }
    return d;
  }

  /** Reads fields with messages naming file, field and value. */
  private static final class Reader {
    private final String file;

    Reader(String file) {
      this.file = file;
    }

    UsageException error(String field, JsonNode value, String expected) {
      return new UsageException(
          file
              + ": "
              + (field.isEmpty() ? "document" : field)
              + ": "
              + (value == null ? "missing" : value.toString())
              + " (expected: "
              + expected
              + ")");
    }

    void checkFields(String section, JsonNode node) {
      Set<String> known = FIELDS.get(section);
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!known.contains(f)) {
          throw new UsageException(
              file
                  + ": "
                  + (section.isEmpty() ? "" : section + ".")
                  + f
                  + ": unknown field (expected one of: "
                  + String.join(", ", known.stream().sorted().toList())
                  + ")");
        }
      }
    }

    JsonNode section(JsonNode root, String name) {
      JsonNode n = root.get(name);
      if (n == null || n.isNull()) {
        return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
      }
      if (!n.isObject()) {
        throw error(name, n, "an object");
      }
      checkFields(name, n);
      return n;
    }

    private static JsonNode leaf(JsonNode node, String dotted) {
      return node.get(dotted.substring(dotted.lastIndexOf('.') + 1));
    }

    String text(JsonNode node, String field, String dflt) {
      JsonNode v = leaf(node, field);
      if (v == null || v.isNull()) {
        return dflt;
      }
      if (!v.isTextual() || v.asText().isEmpty()) {
        throw error(field, v, "a non-empty string");
      }
      return v.asText();
    }

    List<String> texts(JsonNode node, String field) {
      JsonNode v = leaf(node, field);
      List<String> out = new ArrayList<>();
      if (v == null || v.isNull()) {
        return out;
      }
      if (!v.isArray()) {
        throw error(field, v, "a list of strings");
      }
      for (JsonNode e : v) {
        if (!e.isTextual() || e.asText().isEmpty()) {
          throw error(field, v, "a list of non-empty strings");
        }
        out.add(e.asText());
      }
      return out;
    }

    boolean bool(JsonNode node, String field, boolean dflt) {
      JsonNode v = leaf(node, field);
      if (v == null || v.isNull()) {
        return dflt;
      }
      if (!v.isBoolean()) {
        throw error(field, v, "true or false");
      }
      return v.asBoolean();
    }

    int integer(JsonNode node, String field, int dflt, int min, int max) {
      JsonNode v = leaf(node, field);
      if (v == null || v.isNull()) {
        return dflt;
      }
      if (!v.isInt() || v.asInt() < min || v.asInt() > max) {
        throw error(field, v, "an integer " + min + " ~ " + max);
      }
      return v.asInt();
    }

    /** A duration of at least one second, or null when absent. */
    Duration idleTimeout(JsonNode node, String field) {
      Duration d = duration(node, field, null);
      if (d != null && d.compareTo(IngressController.MIN_IDLE_TIMEOUT) < 0) {
        throw error(field, leaf(node, field), "a duration of at least 1s, such as 75s or 1m15s");
      }
      return d;
    }

    Duration duration(JsonNode node, String field, Duration dflt) {
      String t = text(node, field, null);
      if (t == null) {
        return dflt;
      }
      try {
        return parseDuration(t.toLowerCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw error(field, leaf(node, field), "a duration such as 30s, 1m30s or 500ms");
      }
    }
  }
}
