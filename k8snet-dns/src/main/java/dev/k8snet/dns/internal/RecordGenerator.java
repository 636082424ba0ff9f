package dev.k8snet.dns.internal;

import dev.k8snet.core.IpAddress;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.EndpointSlice;
import dev.k8snet.core.model.LabelSelector;
import dev.k8snet.core.model.Pod;
import dev.k8snet.core.model.PortRef;
import dev.k8snet.core.model.Service;
import dev.k8snet.core.model.ServicePort;
import dev.k8snet.core.model.ServiceType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * Computes the records one Service or Pod contributes, per the Kubernetes DNS specification 1.1.0.
 * Pure.
 */
public final class RecordGenerator {
  /** The annotation that publishes not-ready endpoints (deprecated, still honoured). */
  public static final String TOLERATE_UNREADY =
      "service.alpha.kubernetes.io/tolerate-unready-endpoints";

  /** The schema version answered at {@code dns-version.<zone>}. */
  public static final String SCHEMA_VERSION = "1.1.0";

  /** The TTL of {@code dns-version} (the specification's example, CoreDNS's constant). */
  public static final long DNS_VERSION_TTL = 28800;

  private final WireName zone;
  private final WireName svcZone;
  private final WireName podZone;
  private final long ttl;

  /** Creates a generator for {@code zone} with {@code ttl} seconds. */
  public RecordGenerator(WireName zone, long ttl) {
    this.zone = zone;
    this.svcZone = zone.prepend("svc");
    this.podZone = zone.prepend("pod");
    this.ttl = ttl;
  }

  /** Returns {@code <svc>.<ns>.svc.<zone>}. */
  public WireName serviceName(String namespace, String name) {
    return svcZone.prepend(namespace).prepend(name);
  }

  /** Returns the zone-independent records: dns-version TXT. */
  public List<Rr> staticRecords() {
    return List.of(
        new Rr(
            zone.prepend("dns-version"),
            Rr.TXT,
            DNS_VERSION_TTL,
            new Rr.Txt(List.of(SCHEMA_VERSION))));
  }

  /** Returns the dashed form of an IP used as a label: {@code 10-0-0-1}, {@code 2001-db8--1}. */
  public static String dashed(IpAddress ip) {
    if (ip.isIpv4()) {
      return ip.toString().replace('.', '-');
    }
    String s = ip.toString().replace(':', '-');
    if (s.startsWith("-")) {
      s = "0" + s;
    }
    if (s.endsWith("-")) {
      s = s + "0";
    }
    return s;
  }

  /** Parses a dashed IP label, or empty. */
  public static Optional<IpAddress> undashed(String label) {
    long dashes = label.chars().filter(c -> c == '-').count();
    if (dashes == 3 && !label.contains("--")) {
      Optional<IpAddress> v4 = IpAddress.tryParse(label.replace('-', '.'));
      if (v4.isPresent() && v4.get().isIpv4()) {
        return v4;
      }
    }
    return IpAddress.tryParse(label.replace('-', ':')).filter(IpAddress::isIpv6);
  }

  /** Returns the pod record owner name {@code <dashed-ip>.<ns>.pod.<zone>}. */
  public WireName podName(String namespace, IpAddress ip) {
    return podZone.prepend(namespace).prepend(dashed(ip));
  }

  /** Returns the records of a pod in {@link dev.k8snet.dns.PodRecords#VERIFIED} mode. */
  public List<Rr> podRecords(Pod pod) {
    if (pod.hostNetwork() || pod.terminating()) {
      return List.of();
    }
    List<Rr> out = new ArrayList<>();
    for (IpAddress ip : pod.podIps()) {
      try {
        out.add(Rr.address(podName(pod.metadata().namespace(), ip), ttl, ip));
      } catch (IllegalArgumentException e) {
        // a namespace name too long for a label: no record
      }
    }
    return out;
  }

  /** One ready endpoint address of a headless service. */
  private record Ep(IpAddress ip, String host, Map<String, int[]> ports) {}

  /** Returns every record a Service contributes: forward, SRV and PTR. */
  public List<Rr> serviceRecords(Service s, ClusterState state) {
    String ns = s.metadata().namespace();
    WireName name;
    try {
      name = serviceName(ns, s.metadata().name());
    } catch (IllegalArgumentException e) {
      return List.of();
    }
    List<Rr> out = new ArrayList<>();
    if (s.type() == ServiceType.EXTERNAL_NAME) {
      String target = s.externalName().orElse("");
      if (target.isEmpty() || IpAddress.isValid(target)) {
        return List.of(); // CoreDNS answers NXDOMAIN for an IP; so does this server
      }
      try {
        out.add(new Rr(name, Rr.CNAME, ttl, new Rr.Target(WireName.parse(target))));
      } catch (IllegalArgumentException e) {
        return List.of();
      }
      return out;
    }
    if (!s.headless()) {
      if (s.clusterIps().isEmpty()) {
        return List.of();
      }
      for (IpAddress ip : s.clusterIps()) {
        out.add(Rr.address(name, ttl, ip));
        out.add(new Rr(WireName.reverse(ip), Rr.PTR, ttl, new Rr.Target(name)));
      }
      Map<WireName, Set<Integer>> srv = new LinkedHashMap<>();
      for (ServicePort p : s.ports()) {
        if (!p.name().isEmpty()) {
          srvName(p.name(), p.protocol().lowerCaseName(), name)
              .ifPresent(n -> srv.computeIfAbsent(n, k -> new LinkedHashSet<>()).add(p.port()));
        }
      }
      srv.forEach(
          (owner, ports) -> {
            for (int port : ports) {
              out.add(new Rr(owner, Rr.SRV, ttl, new Rr.Srv(0, 100 / ports.size(), port, name)));
            }
          });
      return out;
    }
    List<Ep> eps = readyEndpoints(s, state);
    // forward and hostname records, one RR per distinct IP
    Set<IpAddress> seen = new LinkedHashSet<>();
    Map<WireName, Set<IpAddress>> hosts = new LinkedHashMap<>();
    Map<WireName, Set<String>> srv = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
    for (Ep e : eps) {
      WireName host;
      try {
        host = name.prepend(e.host());
      } catch (IllegalArgumentException ex) {
        continue;
      }
      if (seen.add(e.ip())) {
        out.add(Rr.address(name, ttl, e.ip()));
      }
      hosts.computeIfAbsent(host, k -> new LinkedHashSet<>()).add(e.ip());
      e.ports()
          .forEach(
              (key, portAndProto) -> {
                String[] parts = key.split("/", 2);
                srvName(parts[0], parts[1], name)
                    .ifPresent(
                        n ->
                            srv.computeIfAbsent(n, k -> new LinkedHashSet<>())
                                .add(portAndProto[0] + " " + host));
              });
    }
    hosts.forEach(
        (host, ips) -> {
          for (IpAddress ip : ips) {
            out.add(Rr.address(host, ttl, ip));
            out.add(new Rr(WireName.reverse(ip), Rr.PTR, ttl, new Rr.Target(host)));
          }
        });
    Map<String, WireName> hostByString = new LinkedHashMap<>();
    hosts.keySet().forEach(h -> hostByString.put(h.toString(), h));
    srv.forEach(
        (owner, targets) -> {
          int weight = Math.max(1, 100 / targets.size());
          for (String t : targets) {
            int sp = t.indexOf(' ');
            out.add(
                new Rr(
                    owner,
                    Rr.SRV,
                    ttl,
                    new Rr.Srv(
                        0,
                        weight,
                        Integer.parseInt(t.substring(0, sp)),
                        hostByString.get(t.substring(sp + 1)))));
          }
        });
    return out;
  }

  private static Optional<WireName> srvName(String port, String proto, WireName service) {
    try {
      return Optional.of(service.prepend("_" + proto).prepend("_" + port));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private List<Ep> readyEndpoints(Service s, ClusterState state) {
    String ns = s.metadata().namespace();
    String svc = s.metadata().name();
    boolean all =
        s.publishNotReadyAddresses()
            || "true".equals(s.metadata().annotations().get(TOLERATE_UNREADY));
    List<EndpointSlice> slices = state.endpointSlices(ns, svc);
    List<Ep> out = new ArrayList<>();
    if (slices.isEmpty()) {
      if (s.selector().isEmpty()) {
        return out;
      }
      // no EndpointSlice objects: derive them from the selected pods as the controller would
      for (Pod p : state.pods(ns, LabelSelector.of(s.selector()))) {
        if (p.terminating()
            || p.phase() == Pod.Phase.SUCCEEDED
            || p.phase() == Pod.Phase.FAILED
            || !(p.ready() || all)) {
          continue;
        }
        Map<String, int[]> ports = new TreeMap<>();
        for (ServicePort sp : s.ports()) {
          if (sp.name().isEmpty()) {
            continue;
          }
          OptionalInt port =
              sp.targetPort() instanceof PortRef.Number n
                  ? OptionalInt.of(n.port())
                  : p.namedPort(sp.targetPort().toString(), sp.protocol());
          port.ifPresent(
              v -> ports.put(sp.name() + "/" + sp.protocol().lowerCaseName(), new int[] {v}));
        }
        for (IpAddress ip : p.podIps()) {
          out.add(new Ep(ip, hostOf(p, svc).orElse(dashed(ip)), ports));
        }
      }
      return out;
    }
    for (EndpointSlice slice : slices) {
      Map<String, int[]> ports = new TreeMap<>();
      for (EndpointSlice.Port p : slice.ports()) {
        if (!p.name().isEmpty() && p.port().isPresent()) {
          ports.put(p.name() + "/" + p.protocol().lowerCaseName(), new int[] {p.port().getAsInt()});
        }
      }
      for (EndpointSlice.Endpoint e : slice.endpoints()) {
        if (!(e.conditions().ready() || all)) {
          continue;
        }
        for (IpAddress ip : e.addresses()) {
          String host = e.hostname().orElse(null);
          if (host == null) {
            Optional<Pod> pod =
                e.targetRef()
                    .filter(r -> r.kind().equals("Pod"))
                    .flatMap(r -> state.get(Pod.class, ns, r.name()));
            if (pod.isEmpty()) {
              pod = state.podByIp(ip).filter(p -> p.metadata().namespace().equals(ns));
            }
            host = pod.flatMap(p -> hostOf(p, svc)).orElse(dashed(ip));
          }
          out.add(new Ep(ip, host, ports));
        }
      }
    }
    return out;
  }

  private static Optional<String> hostOf(Pod p, String service) {
    if (p.hostname().isPresent() && p.subdomain().filter(service::equals).isPresent()) {
      return p.hostname();
    }
    return Optional.empty();
  }
}
