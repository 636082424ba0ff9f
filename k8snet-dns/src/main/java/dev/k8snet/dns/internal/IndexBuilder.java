package dev.k8snet.dns.internal;

import dev.k8snet.core.cluster.ClusterChange;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.cluster.ClusterUpdate;
import dev.k8snet.core.model.EndpointSlice;
import dev.k8snet.core.model.KubernetesObject;
import dev.k8snet.core.model.Pod;
import dev.k8snet.core.model.Service;
import dev.k8snet.dns.DnsConfig;
import dev.k8snet.dns.PodRecords;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds {@link ZoneIndex} snapshots and keeps them up to date per Service, EndpointSlice and Pod
 * change, re-rendering only the names whose records changed. Single writer: not thread-safe; the
 * snapshots it returns are.
 */
public final class IndexBuilder {
  private static final String STATIC = "static";

  private final DnsConfig config;
  private final RecordGenerator generator;
  private final long ttl;
  private final WireName zone;
  private final WireName[] apexNames;
  // contributor key -> its records; owner name -> contributor key -> records
  private final Map<String, List<Rr>> contributions = new HashMap<>();
  private final Map<WireName, Map<String, List<Rr>>> owners = new HashMap<>();
  // name -> number of owned names strictly below it (within its apex)
  private final Map<WireName, Integer> below = new HashMap<>();
  private ZoneIndex current;

  /** Creates a builder for {@code config}. */
  public IndexBuilder(DnsConfig config) {
    this.config = config;
    this.ttl = config.ttl().getSeconds();
    this.zone = WireName.parse(config.zone());
    this.generator = new RecordGenerator(zone, ttl);
    this.apexNames =
        new WireName[] {zone, WireName.parse("in-addr.arpa"), WireName.parse("ip6.arpa")};
  }

  /** Returns the newest snapshot, or null before the first build. */
  public ZoneIndex current() {
    return current;
  }

  /** Rebuilds everything from {@code state}. */
  public ZoneIndex build(ClusterState state) {
    contributions.clear();
    owners.clear();
    below.clear();
    Set<WireName> dirty = new HashSet<>();
    put(STATIC, generator.staticRecords(), dirty);
    for (Service s : state.services()) {
      put(
          serviceKey(s.metadata().namespace(), s.metadata().name()),
          generator.serviceRecords(s, state),
          dirty);
    }
    if (config.podRecords() == PodRecords.VERIFIED) {
      for (Pod p : state.pods()) {
        put(podKey(p), generator.podRecords(p), dirty);
      }
    }
    current = render(state.version(), new HashMap<>(), dirty, true);
    return current;
  }

  /** Applies one update incrementally; falls back to a full build before the first. */
  public ZoneIndex apply(ClusterUpdate update) {
    if (current == null) {
      return build(update.current());
    }
    ClusterState state = update.current();
    Set<String> services = new HashSet<>();
    Set<WireName> dirty = new HashSet<>();
    for (ClusterChange c : update.changes()) {
      switch (c.kind()) {
        case "Service" -> services.add(c.ref().namespace() + "/" + c.ref().name());
        case "EndpointSlice" -> {
          c.before().flatMap(IndexBuilder::sliceService).ifPresent(services::add);
          c.after().flatMap(IndexBuilder::sliceService).ifPresent(services::add);
        }
        case "Pod" -> {
          // a pod's readiness or hostname feeds headless services of its namespace
          for (Optional<KubernetesObject> o : List.of(c.before(), c.after())) {
            o.ifPresent(
                p -> {
                  Pod pod = (Pod) p;
                  for (Service s : state.services()) {
                    if (s.headless()
                        && s.metadata().namespace().equals(pod.metadata().namespace())) {
                      services.add(s.metadata().namespace() + "/" + s.metadata().name());
                    }
                  }
                });
          }
          if (config.podRecords() == PodRecords.VERIFIED) {
            String key = "pod:" + c.ref().namespace() + "/" + c.ref().name();
            List<Rr> recs = c.after().map(p -> generator.podRecords((Pod) p)).orElse(List.of());
            put(key, recs, dirty);
          }
        }
        default -> {}
      }
    }
    for (String nsName : services) {
      int slash = nsName.indexOf('/');
      String ns = nsName.substring(0, slash);
      String name = nsName.substring(slash + 1);
      List<Rr> recs =
          state.service(ns, name).map(s -> generator.serviceRecords(s, state)).orElse(List.of());
      put(serviceKey(ns, name), recs, dirty);
    }
    current = render(state.version(), new HashMap<>(current.nodeMap()), dirty, false);
    return current;
  }

  private static Optional<String> sliceService(KubernetesObject o) {
    EndpointSlice s = (EndpointSlice) o;
    return s.serviceName().map(n -> s.metadata().namespace() + "/" + n);
  }

  private static String serviceKey(String ns, String name) {
    return "svc:" + ns + "/" + name;
  }

  private static String podKey(Pod p) {
    return "pod:" + p.metadata().namespace() + "/" + p.metadata().name();
  }

  private WireName apexOf(WireName n) {
    for (WireName a : apexNames) {
      if (n.isSubdomainOf(a)) {
        return a;
      }
    }
    return null;
  }

  /** Replaces the records of one contributor, collecting the names to re-render. */
  private void put(String key, List<Rr> records, Set<WireName> dirty) {
    List<Rr> old = contributions.remove(key);
    if (old != null) {
      for (Rr rr : old) {
        Map<String, List<Rr>> m = owners.get(rr.owner());
        if (m != null && m.remove(key) != null) {
          dirty.add(rr.owner());
          if (m.isEmpty()) {
            owners.remove(rr.owner());
            adjustAncestors(rr.owner(), -1, dirty);
          }
        }
      }
    }
    if (records.isEmpty()) {
      return;
    }
    contributions.put(key, records);
    for (Rr rr : records) {
      if (apexOf(rr.owner()) == null) {
        continue;
      }
      Map<String, List<Rr>> m = owners.get(rr.owner());
      if (m == null) {
        m = new LinkedHashMap<>();
        owners.put(rr.owner(), m);
        adjustAncestors(rr.owner(), +1, dirty);
      }
      m.computeIfAbsent(key, k -> new ArrayList<>()).add(rr);
      dirty.add(rr.owner());
    }
  }

  private void adjustAncestors(WireName name, int delta, Set<WireName> dirty) {
    WireName apex = apexOf(name);
    WireName n = name;
    while (!n.equals(apex)) {
      n = n.parent();
      int v = below.getOrDefault(n, 0) + delta;
      if (v == 0) {
        below.remove(n);
      } else {
        below.put(n, v);
      }
      if (v == 0 || v == delta) {
        dirty.add(n); // existence may have changed
      }
    }
  }

  private ZoneIndex render(
      long version, Map<WireName, ZoneIndex.Node> nodes, Set<WireName> dirty, boolean full) {
    long serial = version & 0xFFFFFFFFL;
    ZoneIndex.Apex[] apexes = new ZoneIndex.Apex[apexNames.length];
    for (int i = 0; i < apexNames.length; i++) {
      WireName a = apexNames[i];
      Rr soa =
          new Rr(
              a,
              Rr.SOA,
              Math.min(ttl, 300),
              new Rr.Soa(
                  zone.prepend("dns").prepend("ns"),
                  zone.prepend("hostmaster"),
                  serial,
                  7200,
                  1800,
                  86400,
                  ttl));
      apexes[i] = new ZoneIndex.Apex(a, List.of(soa), i > 0);
    }
    // apex records: SOA and NS
    Map<WireName, Map<Integer, List<Rr>>> apexSets = new HashMap<>();
    for (ZoneIndex.Apex a : apexes) {
      Map<Integer, List<Rr>> m = new TreeMap<>();
      m.put(Rr.SOA, a.soa);
      m.put(
          Rr.NS,
          List.of(new Rr(a.name, Rr.NS, ttl, new Rr.Target(zone.prepend("dns").prepend("ns")))));
      apexSets.put(a.name, m);
    }
    Set<WireName> todo = new HashSet<>(dirty);
    if (full) {
      todo.addAll(owners.keySet());
      todo.addAll(below.keySet());
    }
    todo.addAll(apexSets.keySet());
    // nodes whose rendering depends on the SOA (serial) or other names: CNAMEs
    List<ZoneIndex.Node> stale = new ArrayList<>();
    for (WireName n : todo) {
      int apex = -1;
      for (int i = 0; i < apexes.length; i++) {
        if (n.isSubdomainOf(apexes[i].name)) {
          apex = i;
          break;
        }
      }
      Map<String, List<Rr>> m = owners.get(n);
      Map<Integer, List<Rr>> byType = new TreeMap<>();
      if (apexSets.containsKey(n)) {
        byType.putAll(apexSets.get(n));
      }
      if (m != null) {
        for (List<Rr> rrs : m.values()) {
          for (Rr rr : rrs) {
            List<Rr> set = byType.computeIfAbsent(rr.type(), k -> new ArrayList<>());
            if (!set.contains(rr)) {
              set.add(rr);
            }
          }
        }
      }
      if (apex < 0 || (byType.isEmpty() && !below.containsKey(n))) {
        nodes.remove(n);
        continue;
      }
      int[] types = byType.keySet().stream().mapToInt(Integer::intValue).toArray();
      List<List<Rr>> sets = new ArrayList<>();
      byType.values().forEach(l -> sets.add(List.copyOf(l)));
      ZoneIndex.Node node = new ZoneIndex.Node(n, apex, types, List.copyOf(sets));
      nodes.put(n, node);
      stale.add(node);
    }
    // CNAME chains follow other names: re-render every CNAME (new objects: the old snapshot's stay
    // untouched for its readers); other nodes are shared with the previous snapshot as they are
    List<ZoneIndex.Node> rebind = new ArrayList<>();
    for (ZoneIndex.Node node : nodes.values()) {
      if (node.cname && !todo.contains(node.name)) {
        rebind.add(node);
      }
    }
    for (ZoneIndex.Node old : rebind) {
      ZoneIndex.Node node = new ZoneIndex.Node(old.name, old.apex, old.types, old.sets);
      nodes.put(node.name, node);
      stale.add(node);
    }
    ZoneIndex index =
        new ZoneIndex(version, nodes, apexes, config.podRecords() == PodRecords.INSECURE);
    for (ZoneIndex.Node node : stale) {
      int[] rtypes = node.cname ? new int[] {Rr.CNAME, Rr.A, Rr.AAAA} : node.types.clone();
      Rendered[] rendered = new Rendered[rtypes.length];
      for (int i = 0; i < rtypes.length; i++) {
        rendered[i] = WireWriter.render(node.name, rtypes[i], index.resolve(node.name, rtypes[i]));
      }
      node.rtypes = rtypes;
      node.rendered = rendered;
    }
    return index;
  }
}
