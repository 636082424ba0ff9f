package dev.k8snet.cni.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k8snet.cni.CniEnvironment;
import dev.k8snet.cni.CniException;
import dev.k8snet.cni.CniResult;
import dev.k8snet.cni.NetworkConfig;
import dev.k8snet.cni.ipam.IpamConfig;
import dev.k8snet.cni.ipam.IpamRange;
import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.netlink.InterfaceAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Parses host-local's configuration. */
public final class IpamConfigParser {
  private static final int BAD = CniException.INVALID_CONFIG;

  private IpamConfigParser() {}

  /** Parses the {@code ipam} section of {@code config}. */
  public static IpamConfig parse(NetworkConfig config, CniEnvironment env) {
    JsonNode root = Json.object(config.json(), "network config");
    JsonNode ipam = root.get("ipam");
    if (ipam == null || !ipam.isObject()) {
      throw new CniException(BAD, "IPAM config missing 'ipam' key", "ipam is required");
    }
    List<List<IpamRange>> sets = new ArrayList<>();
    JsonNode rc = root.path("runtimeConfig").get("ipRanges");
    if (rc != null && rc.isArray()) {
      sets.addAll(rangeSets(rc, "runtimeConfig.ipRanges"));
    }
    if (ipam.has("subnet")) {
      sets.add(List.of(range(ipam, "ipam.")));
    }
    JsonNode rs = ipam.get("ranges");
    if (rs != null && !rs.isNull()) {
      if (!rs.isArray()) {
        throw new CniException(
            BAD, "invalid ipam.ranges", "ipam.ranges: " + rs + " (expected: a list of range sets)");
      }
      sets.addAll(rangeSets(rs, "ipam.ranges"));
    }
    if (sets.isEmpty()) {
      throw new CniException(BAD, "no IP ranges specified", "ipam needs ranges or subnet");
    }
    for (int i = 0; i < sets.size(); i++) {
      List<IpamRange> s = sets.get(i);
      IpFamily f = s.get(0).family();
      for (IpamRange r : s) {
        if (r.family() != f) {
          throw new CniException(
              BAD, "invalid range set " + i + ": mixed address families", "ipam.ranges[" + i + "]");
        }
      }
      for (int a = 0; a < s.size(); a++) {
        for (int b = a + 1; b < s.size(); b++) {
          if (s.get(a).overlaps(s.get(b))) {
            throw new CniException(
                BAD,
                "invalid range set "
                    + i
                    + ": subnets "
                    + s.get(a).subnet()
                    + " and "
                    + s.get(b).subnet()
                    + " overlap",
                "ipam.ranges[" + i + "]");
          }
        }
      }
      for (int j = 0; j < i; j++) {
        for (IpamRange x : sets.get(j)) {
          for (IpamRange y : s) {
            if (x.overlaps(y)) {
              throw new CniException(
                  BAD, "range set " + j + " overlaps with " + i, x.subnet() + " and " + y.subnet());
            }
          }
        }
      }
    }
    if (config.cniVersion().isLegacy()) {
      long v4 = sets.stream().filter(s -> s.get(0).family() == IpFamily.IPV4).count();
      if (v4 > 1 || sets.size() - v4 > 1) {
        throw new CniException(
            CniException.INCOMPATIBLE_VERSION,
            "CNI version "
                + config.cniVersion()
                + " does not support more than 1 address per family",
            "ipam.ranges has " + sets.size() + " range sets");
      }
    }
    List<CniResult.Route> routes = new ArrayList<>();
    JsonNode rt = ipam.get("routes");
    if (rt != null && rt.isArray()) {
      int i = 0;
      for (JsonNode r : rt) {
        String path = "ipam.routes[" + i++ + "].";
        String dst =
            Json.string(r, "dst", path, BAD)
                .orElseThrow(
                    () ->
                        new CniException(BAD, "missing " + path + "dst", path + "dst is required"));
        Cidr d = addr(dst, path + "dst").network();
        Optional<IpAddress> gw = Json.string(r, "gw", path, BAD).map(s -> ip(s, path + "gw"));
        routes.add(CniResult.Route.of(d, gw));
      }
    }
    Path dataDir =
        Path.of(Json.string(ipam, "dataDir", "ipam.", BAD).orElse(IpamConfig.DEFAULT_DATA_DIR));
    CniResult.Dns dns = CniResult.Dns.EMPTY;
    Optional<String> resolv = Json.string(ipam, "resolvConf", "ipam.", BAD);
    if (resolv.isPresent()) {
      dns = resolvConf(Path.of(resolv.get()));
    }
    List<IpAddress> requested = new ArrayList<>();
    Map<String, String> args = env.args();
    checkArgs(args);
    if (args.containsKey("IP")) {
      for (String s : args.get("IP").split(",")) {
        requested.add(ip(s.trim(), "CNI_ARGS IP"));
      }
    }
    for (JsonNode n :
        List.of(
            root.path("args").path("cni").path("ips"), root.path("runtimeConfig").path("ips"))) {
      if (n.isArray()) {
        for (JsonNode e : n) {
          String s = e.asText();
          int slash = s.indexOf('/');
          requested.add(ip(slash < 0 ? s : s.substring(0, slash), "ips"));
        }
      }
    }
    return new IpamConfig(sets, routes, dataDir, dns, requested);
  }

  private static void checkArgs(Map<String, String> args) {
    if ("1".equals(args.get("IgnoreUnknown"))
        || "true".equalsIgnoreCase(args.getOrDefault("IgnoreUnknown", ""))) {
      return;
    }
    List<String> unknown = new ArrayList<>();
    args.forEach(
        (k, v) -> {
          if (!k.equals("IP") && !k.equals("IgnoreUnknown")) {
            unknown.add("\"" + k + "=" + v + "\"");
          }
        });
    if (!unknown.isEmpty()) {
      throw new CniException(
          CniException.INVALID_ENVIRONMENT,
          "ARGS: unknown args [" + String.join(" ", unknown) + "]",
          "CNI_ARGS: add IgnoreUnknown=1 to ignore keys other than IP");
    }
  }

  private static CniResult.Dns resolvConf(Path p) {
    List<String> ns = new ArrayList<>();
    List<String> search = new ArrayList<>();
    List<String> opts = new ArrayList<>();
    String domain = "";
    try {
      for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 2 || f[0].startsWith("#")) {
          continue;
        }
        switch (f[0]) {
          case "nameserver" -> ns.add(f[1]);
          case "domain" -> domain = f[1];
          case "search" -> search.addAll(List.of(f).subList(1, f.length));
          case "options" -> opts.addAll(List.of(f).subList(1, f.length));
          default -> {}
        }
      }
    } catch (IOException e) {
      throw new CniException(
          CniException.IO_FAILURE, "cannot read ipam.resolvConf", p + ": " + e.getMessage(), e);
    }
    return new CniResult.Dns(ns, domain, search, opts);
  }

  private static List<List<IpamRange>> rangeSets(JsonNode rs, String path) {
    List<List<IpamRange>> out = new ArrayList<>();
    int i = 0;
    for (JsonNode set : rs) {
      String p = path + "[" + i + "]";
      if (!set.isArray() || set.isEmpty()) {
        throw new CniException(
            BAD,
            "invalid range set " + i + ": no IP ranges specified",
            p + ": " + set + " (expected: a non-empty list of ranges)");
      }
      List<IpamRange> list = new ArrayList<>();
      int j = 0;
      for (JsonNode r : set) {
        list.add(range(r, p + "[" + j++ + "]."));
      }
      out.add(list);
      i++;
    }
    return out;
  }

  private static IpamRange range(JsonNode r, String path) {
    String subnet =
        Json.string(r, "subnet", path, BAD)
            .orElseThrow(
                () ->
                    new CniException(
                        BAD, "missing " + path + "subnet", path + "subnet is required"));
    InterfaceAddress a = addr(subnet, path + "subnet");
    Cidr net = a.network();
    if (!net.address().equals(a.address())) {
      throw new CniException(
          BAD,
          "Network has host bits set. For a subnet mask of length "
              + a.prefixLength()
              + " the network address is "
              + net.address(),
          path + "subnet: " + subnet);
    }
    Optional<IpAddress> start =
        Json.string(r, "rangeStart", path, BAD).map(s -> ip(s, path + "rangeStart"));
    Optional<IpAddress> end =
        Json.string(r, "rangeEnd", path, BAD).map(s -> ip(s, path + "rangeEnd"));
    Optional<IpAddress> gw = Json.string(r, "gateway", path, BAD).map(s -> ip(s, path + "gateway"));
    try {
      return IpamRange.of(net, start, end, gw);
    } catch (IllegalArgumentException e) {
      throw new CniException(BAD, e.getMessage(), path + "subnet: " + subnet, e);
    }
  }

  private static InterfaceAddress addr(String s, String field) {
    try {
      return InterfaceAddress.parse(s);
    } catch (IllegalArgumentException e) {
      throw new CniException(
          BAD, "invalid CIDR address: " + s, field + ": " + s + " (expected: ip/prefix)", e);
    }
  }

  private static IpAddress ip(String s, String field) {
    try {
      return IpAddress.parse(s);
    } catch (IllegalArgumentException e) {
      throw new CniException(
          BAD, "invalid IP address: " + s, field + ": " + s + " (expected: an IP address)", e);
    }
  }
}
