package dev.k8snet.cni.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.k8snet.cni.CniException;
import dev.k8snet.cni.CniResult;
import dev.k8snet.cni.CniVersion;
import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.netlink.InterfaceAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** Reads and writes CNI results of every version. */
public final class ResultCodec {
  private static final int BAD = CniException.DECODE_FAILURE;

  private ResultCodec() {}

  /** Parses a result of any version. */
  public static CniResult parse(String json) {
    return parse(Json.object(json, "result"));
  }

  /** Parses a result tree of any version. */
  public static CniResult parse(JsonNode o) {
    if (!o.isObject()) {
      throw new CniException(BAD, "invalid result", "expected a JSON object, got " + o);
    }
    CniVersion version =
        Json.string(o, "cniVersion", "", BAD).map(ResultCodec::version).orElse(CniVersion.V0_1_0);
    CniResult.Dns dns = dns(o.get("dns"));
    if (o.has("ip4")
        || o.has("ip6")
        || (version.isLegacy() && !o.has("ips") && !o.has("interfaces"))) {
      List<CniResult.IpConfig> ips = new ArrayList<>();
      List<CniResult.Route> routes = new ArrayList<>();
      for (String key : List.of("ip4", "ip6")) {
        JsonNode ipc = o.get(key);
        if (ipc == null || ipc.isNull()) {
          continue;
        }
        String path = key + ".";
        InterfaceAddress a =
            address(
                Json.string(ipc, "ip", path, BAD).orElseThrow(() -> missing(path + "ip")),
                path + "ip");
        Optional<IpAddress> gw =
            Json.string(ipc, "gateway", path, BAD).map(s -> ip(s, path + "gateway"));
        ips.add(new CniResult.IpConfig(a, gw, OptionalInt.empty()));
        JsonNode rs = ipc.get("routes");
        if (rs != null && rs.isArray()) {
          int i = 0;
          for (JsonNode r : rs) {
            routes.add(route(r, path + "routes[" + i++ + "]."));
          }
        }
      }
      return new CniResult(version, List.of(), ips, routes, dns);
    }
    List<CniResult.Interface> ifs = new ArrayList<>();
    JsonNode is = o.get("interfaces");
    if (is != null && is.isArray()) {
      int i = 0;
      for (JsonNode n : is) {
        String path = "interfaces[" + i++ + "].";
        ifs.add(
            new CniResult.Interface(
                Json.string(n, "name", path, BAD).orElse(""),
                Json.string(n, "mac", path, BAD).orElse(""),
                Json.integer(n, "mtu", path, BAD).map(OptionalInt::of).orElse(OptionalInt.empty()),
                Json.string(n, "sandbox", path, BAD).orElse(""),
                Json.string(n, "socketPath", path, BAD).orElse(""),
                Json.string(n, "pciID", path, BAD).orElse("")));
      }
    }
    List<CniResult.IpConfig> ips = new ArrayList<>();
    JsonNode ipn = o.get("ips");
    if (ipn != null && ipn.isArray()) {
      int i = 0;
      for (JsonNode n : ipn) {
        String path = "ips[" + i++ + "].";
        InterfaceAddress a =
            address(
                Json.string(n, "address", path, BAD).orElseThrow(() -> missing(path + "address")),
                path + "address");
        Optional<IpAddress> gw =
            Json.string(n, "gateway", path, BAD).map(s -> ip(s, path + "gateway"));
        OptionalInt idx =
            Json.integer(n, "interface", path, BAD)
                .map(OptionalInt::of)
                .orElse(OptionalInt.empty());
        ips.add(new CniResult.IpConfig(a, gw, idx));
      }
    }
    List<CniResult.Route> routes = new ArrayList<>();
    JsonNode rn = o.get("routes");
    if (rn != null && rn.isArray()) {
      int i = 0;
      for (JsonNode r : rn) {
        routes.add(route(r, "routes[" + i++ + "]."));
      }
    }
    return new CniResult(version, ifs, ips, routes, dns);
  }

  private static CniVersion version(String s) {
    try {
      return CniVersion.parse(s);
    } catch (IllegalArgumentException e) {
      throw new CniException(BAD, "invalid cniVersion", e.getMessage(), e);
    }
  }

  private static CniException missing(String field) {
    return new CniException(BAD, "missing " + field, field + " is required");
  }

  private static CniResult.Route route(JsonNode r, String path) {
    Cidr dst =
        address(
                Json.string(r, "dst", path, BAD).orElseThrow(() -> missing(path + "dst")),
                path + "dst")
            .network();
    Optional<IpAddress> gw = Json.string(r, "gw", path, BAD).map(s -> ip(s, path + "gw"));
    return new CniResult.Route(
        dst,
        gw,
        opt(r, "mtu", path),
        opt(r, "advmss", path),
        opt(r, "priority", path),
        opt(r, "table", path),
        opt(r, "scope", path));
  }

  private static OptionalInt opt(JsonNode n, String f, String path) {
    return Json.integer(n, f, path, BAD).map(OptionalInt::of).orElse(OptionalInt.empty());
  }

  /** Parses {@code ip/prefix} (host bits allowed) or fails with code 6 naming the field. */
  public static InterfaceAddress address(String s, String field) {
    try {
      return InterfaceAddress.parse(s);
    } catch (IllegalArgumentException e) {
      throw new CniException(
          BAD, "invalid " + field, field + ": " + s + " (expected: ip/prefix)", e);
    }
  }

  private static IpAddress ip(String s, String field) {
    try {
      return IpAddress.parse(s);
    } catch (IllegalArgumentException e) {
      throw new CniException(
          BAD, "invalid " + field, field + ": " + s + " (expected: an IP address)", e);
    }
  }

  /** The {@code dns} object of a result or configuration; empty when absent. */
  public static CniResult.Dns dns(JsonNode d) {
    if (d == null || d.isNull() || !d.isObject()) {
      return CniResult.Dns.EMPTY;
    }
    return new CniResult.Dns(
        Json.strings(d, "nameservers", "dns.", BAD),
        Json.string(d, "domain", "dns.", BAD).orElse(""),
        Json.strings(d, "search", "dns.", BAD),
        Json.strings(d, "options", "dns.", BAD));
  }

  /** Writes {@code r} in the shape of {@code v}. */
  public static String write(CniResult r, CniVersion v) {
    return Json.write(tree(r, v));
  }

  /** Builds the tree of {@code r} in the shape of {@code v}. */
  public static ObjectNode tree(CniResult r, CniVersion v) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("cniVersion", v.toString());
    if (v.isLegacy()) {
      for (IpFamily f : List.of(IpFamily.IPV4, IpFamily.IPV6)) {
        List<CniResult.IpConfig> of =
            r.ips().stream().filter(i -> i.address().family() == f).toList();
        if (of.isEmpty()) {
          continue;
        }
        if (of.size() > 1) {
          throw new CniException(
              CniException.INCOMPATIBLE_VERSION,
              "CNI version " + v + " does not support more than 1 address per family",
              "result has " + of.size() + " " + f + " addresses");
        }
        ObjectNode ipc = o.putObject(f == IpFamily.IPV4 ? "ip4" : "ip6");
        ipc.put("ip", of.get(0).address().toString());
        of.get(0).gateway().ifPresent(g -> ipc.put("gateway", g.toString()));
        List<CniResult.Route> rs = r.routes().stream().filter(x -> x.dst().family() == f).toList();
        if (!rs.isEmpty()) {
          ArrayNode a = ipc.putArray("routes");
          rs.forEach(x -> a.add(route(x, v)));
        }
      }
      o.set("dns", dns(r.dns()));
      return o;
    }
    if (!r.interfaces().isEmpty()) {
      ArrayNode a = o.putArray("interfaces");
      for (CniResult.Interface i : r.interfaces()) {
        ObjectNode n = a.addObject();
        n.put("name", i.name());
        if (!i.mac().isEmpty()) {
          n.put("mac", i.mac());
        }
        if (v.atLeast(CniVersion.V1_1_0)) {
          i.mtu().ifPresent(m -> n.put("mtu", m));
        }
        if (!i.sandbox().isEmpty()) {
          n.put("sandbox", i.sandbox());
        }
        if (v.atLeast(CniVersion.V1_1_0)) {
          if (!i.socketPath().isEmpty()) {
            n.put("socketPath", i.socketPath());
          }
          if (!i.pciId().isEmpty()) {
            n.put("pciID", i.pciId());
          }
        }
      }
    }
    if (!r.ips().isEmpty()) {
      ArrayNode a = o.putArray("ips");
      for (CniResult.IpConfig i : r.ips()) {
        ObjectNode n = a.addObject();
        if (!v.atLeast(CniVersion.V1_0_0)) {
          n.put("version", i.address().family() == IpFamily.IPV4 ? "4" : "6");
        }
        i.interfaceIndex().ifPresent(x -> n.put("interface", x));
        n.put("address", i.address().toString());
        i.gateway().ifPresent(g -> n.put("gateway", g.toString()));
      }
    }
    if (!r.routes().isEmpty()) {
      ArrayNode a = o.putArray("routes");
      r.routes().forEach(x -> a.add(route(x, v)));
    }
    o.set("dns", dns(r.dns()));
    return o;
  }

  private static ObjectNode route(CniResult.Route x, CniVersion v) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("dst", x.dst().toString());
    x.gw().ifPresent(g -> n.put("gw", g.toString()));
    if (v.atLeast(CniVersion.V1_1_0)) {
      x.mtu().ifPresent(m -> n.put("mtu", m));
      x.advmss().ifPresent(m -> n.put("advmss", m));
      x.priority().ifPresent(m -> n.put("priority", m));
      x.table().ifPresent(m -> n.put("table", m));
      x.scope().ifPresent(m -> n.put("scope", m));
    }
    return n;
  }

  private static ObjectNode dns(CniResult.Dns d) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    if (!d.nameservers().isEmpty()) {
      ArrayNode a = n.putArray("nameservers");
      d.nameservers().forEach(a::add);
    }
    if (!d.domain().isEmpty()) {
      n.put("domain", d.domain());
    }
    if (!d.search().isEmpty()) {
      ArrayNode a = n.putArray("search");
      d.search().forEach(a::add);
    }
    if (!d.options().isEmpty()) {
      ArrayNode a = n.putArray("options");
      d.options().forEach(a::add);
    }
    return n;
  }
}
