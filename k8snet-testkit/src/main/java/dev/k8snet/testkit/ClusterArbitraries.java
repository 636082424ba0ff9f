package dev.k8snet.testkit;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.AdminNetworkPolicy;
import dev.k8snet.core.model.AdminPeer;
import dev.k8snet.core.model.AdminPolicyAction;
import dev.k8snet.core.model.AdminPolicyRule;
import dev.k8snet.core.model.AdminPort;
import dev.k8snet.core.model.BaselineAdminNetworkPolicy;
import dev.k8snet.core.model.ClusterNetworkPolicy;
import dev.k8snet.core.model.ContainerPort;
import dev.k8snet.core.model.EndpointSlice;
import dev.k8snet.core.model.HttpIngressPath;
import dev.k8snet.core.model.Ingress;
import dev.k8snet.core.model.IngressBackend;
import dev.k8snet.core.model.IngressClass;
import dev.k8snet.core.model.IngressRule;
import dev.k8snet.core.model.IngressTls;
import dev.k8snet.core.model.IpBlock;
import dev.k8snet.core.model.IpFamilyPolicy;
import dev.k8snet.core.model.IpMode;
import dev.k8snet.core.model.LabelSelector;
import dev.k8snet.core.model.LoadBalancerIngress;
import dev.k8snet.core.model.Namespace;
import dev.k8snet.core.model.NetworkPolicy;
import dev.k8snet.core.model.NetworkPolicyPeer;
import dev.k8snet.core.model.NetworkPolicyPort;
import dev.k8snet.core.model.NetworkPolicyRule;
import dev.k8snet.core.model.Node;
import dev.k8snet.core.model.NodeAddress;
import dev.k8snet.core.model.ObjectMeta;
import dev.k8snet.core.model.ObjectRef;
import dev.k8snet.core.model.PathType;
import dev.k8snet.core.model.Pod;
import dev.k8snet.core.model.PolicyType;
import dev.k8snet.core.model.PortRef;
import dev.k8snet.core.model.Secret;
import dev.k8snet.core.model.Service;
import dev.k8snet.core.model.ServicePort;
import dev.k8snet.core.model.ServiceType;
import dev.k8snet.core.model.TrafficPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik arbitraries for the Kubernetes model: one per kind, each generating objects that the API
 * server (and so k8snet's {@code ManifestReader}) accepts, and whole consistent clusters.
 *
 * <pre>{@code
 * @Property
 * void everyEndpointIsAPod(@ForAll("clusters") ClusterState cluster) {
 *   for (Service s : cluster.services()) {
 *     for (EndpointSlice slice : cluster.endpointSlices(s.metadata().namespace(), s.metadata().name())) {
 *       slice.endpoints().forEach(e -> assertTrue(cluster.podByIp(e.addresses().get(0)).isPresent()));
 *     }
 *   }
 * }
 *
 * @Provide
 * Arbitrary<ClusterState> clusters() {
 *   return ClusterArbitraries.clusters(ClusterShape.defaults().namespaces(1, 2).dualStack(true));
 * }
 * }</pre>
 *
 * <p>The per-kind arbitraries ({@link #services()}, {@link #networkPolicies()}, …) generate
 * independent objects that exercise the whole schema: every service type, dual-stack families,
 * named and numbered target ports, node ports, affinity, traffic policies, load balancer status.
 * They know nothing of each other: a generated service's selector need not select any generated
 * pod. {@link #clusters(ClusterShape)} generates snapshots whose objects do fit together: pods on
 * existing nodes with unique IPs inside their node's pod CIDR, services selecting existing pods,
 * endpoint slices derived from them, ingresses routing to them, and policies selecting existing
 * labels.
 *
 * <p>{@code @ForAll} works without a {@code @Provide} method for {@code Namespace}, {@code Node},
 * {@code Pod}, {@code Service}, {@code EndpointSlice}, {@code NetworkPolicy}, {@code
 * AdminNetworkPolicy}, {@code BaselineAdminNetworkPolicy}, {@code ClusterNetworkPolicy}, {@code
 * Ingress}, {@code IngressClass}, {@code Secret} and {@code ClusterState} (the latter with the
 * {@link ClusterShape#defaults() default shape}). Every method returns a new arbitrary; the facade
 * keeps no state.
 *
 * @since 0.1
 */
public final class ClusterArbitraries {
  private static final Cidr POD_V4 = Cidr.parse("10.244.0.0/16");
  private static final Cidr POD_V6 = Cidr.parse("fd00:10:244::/56");
  private static final Cidr SERVICE_V4 = Cidr.parse("10.96.0.0/12");
  private static final Cidr SERVICE_V6 = Cidr.parse("fd00:10:96::/108");
  private static final Cidr NODE_V4 = Cidr.parse("192.168.0.0/16");
  private static final Cidr NODE_V6 = Cidr.parse("fd00:192:168::/64");
  private static final Cidr EXTERNAL_V4 = Cidr.parse("203.0.113.0/24");
  private static final Cidr EXTERNAL_V6 = Cidr.parse("2001:db8::/64");
  private static final List<String> ZONES = List.of("zone-a", "zone-b", "zone-c");
  private static final List<String> PORT_NAMES =
      List.of("http", "https", "dns", "dns-tcp", "metrics", "grpc", "h2c");

  private ClusterArbitraries() {}

  // ---------------------------------------------------------------------------------------------
  // Names

  /**
   * Returns IANA service names, as container port names and named target ports must be: 1 to 15
   * lower case letters, digits and single inner hyphens, with at least one letter.
   *
   * @return an arbitrary of names that {@code IsValidPortName} accepts
   * @since 0.1
   */
  public static Arbitrary<String> portNames() {
    Arbitrary<String> parts =
        Arbitraries.strings()
            .withChars("abcdefghijklmnopqrstuvwxyz0123456789")
            .ofMinLength(1)
            .ofMaxLength(4)
            .list()
            .ofMinSize(1)
            .ofMaxSize(3)
            .map(p -> String.join("-", p))
            .filter(s -> s.chars().anyMatch(c -> c >= 'a' && c <= 'z'));
    return Arbitraries.frequencyOf(
            List.of(Tuple.of(3, Arbitraries.of(PORT_NAMES)), Tuple.of(1, parts)))
        .edgeCases(c -> c.add("a", "x".repeat(15), "a-1"));
  }

  /**
   * Returns RFC 1035 labels, as Service names must be: an RFC 1123 label that starts with a letter.
   *
   * @return an arbitrary of names that {@code IsDNS1035Label} accepts
   * @since 0.1
   */
  public static Arbitrary<String> dns1035Labels() {
    return K8snetArbitraries.dnsLabels()
        .map(
            s ->
                Character.isDigit(s.charAt(0)) ? "s" + s.substring(Math.min(1, s.length() - 1)) : s)
        .map(s -> s.length() > 63 ? s.substring(0, 63) : s)
        .filter(s -> !s.endsWith("-"));
  }

  private static Arbitrary<String> hostNames() {
    return K8snetArbitraries.dnsSubdomains().filter(h -> !IpAddress.isValid(h));
  }

  private record MetaExtras(
      Map<String, String> annotations,
      Optional<String> uid,
      Optional<String> resourceVersion,
      Optional<Instant> creationTimestamp) {}

  /**
   * Adds what the API server stores beside names and labels: annotations (values with YAML's
   * awkward cases: {@code "true"}, {@code "~"}, numbers, colons, line breaks, non-ASCII), a UID, a
   * resource version and a creation time of whole seconds.
   */
  private static Arbitrary<ObjectMeta> withExtras(Arbitrary<ObjectMeta> base) {
    Arbitrary<String> values =
        Arbitraries.oneOf(
            List.of(
                Arbitraries.strings().withCharRange(' ', '~').withChars("\n\tüé漢").ofMaxLength(40),
                Arbitraries.of(
                    "",
                    "true",
                    "null",
                    "~",
                    "123",
                    "0x1F",
                    "1e3",
                    "yes",
                    "on",
                    " lead",
                    "a: b",
                    "#c",
                    "- x",
                    "{}",
                    "multi\nline\n",
                    "😀 emoji",
                    "'q'",
                    "\"dq\"")));
    Arbitrary<MetaExtras> extras =
        Combinators.combine(
                Arbitraries.maps(K8snetArbitraries.labelKeys(), values).ofMaxSize(3),
                Arbitraries.create(java.util.UUID::randomUUID).map(Object::toString).optional(),
                Arbitraries.longs().between(1, 99_999_999L).map(String::valueOf).optional(),
                Arbitraries.longs()
                    .between(1_500_000_000L, 2_000_000_000L)
                    .map(Instant::ofEpochSecond)
                    .optional())
            .as(MetaExtras::new);
    return Combinators.combine(base, extras)
        .as(
            (m, x) ->
                new ObjectMeta(
                    m.namespace(),
                    m.name(),
                    m.labels(),
                    x.annotations(),
                    x.uid().orElse(""),
                    x.resourceVersion().orElse(""),
                    x.creationTimestamp()));
  }

  // ---------------------------------------------------------------------------------------------
  // Cluster-scoped kinds

  /**
   * Returns namespaces with an RFC 1123 label name and random labels, plus the {@code
   * kubernetes.io/metadata.name} label the API server adds.
   *
   * @return an arbitrary of namespaces
   * @since 0.1
   */
  public static Arbitrary<Namespace> namespaces() {
    return withExtras(
            Combinators.combine(K8snetArbitraries.dnsLabels(), K8snetArbitraries.labels())
                .as((name, labels) -> Namespace.of(name, labels).metadata()))
        .map(Namespace::new);
  }

  /**
   * Returns nodes with an IPv4 InternalIP (and sometimes an IPv6 one, an ExternalIP and a
   * Hostname), zero to two pod CIDRs (at most one per family), an optional zone label and either
   * schedulability.
   *
   * @return an arbitrary of nodes
   * @since 0.1
   */
  public static Arbitrary<Node> nodes() {
    Arbitrary<ObjectMeta> meta =
        Combinators.combine(
                K8snetArbitraries.dnsSubdomains(),
                K8snetArbitraries.labels(),
                Arbitraries.of(ZONES).optional())
            .as(
                (name, labels, zone) -> {
                  Map<String, String> all = new HashMap<>(labels);
                  zone.ifPresent(z -> all.put(Node.ZONE_LABEL, z));
                  return ObjectMeta.of("", name, all);
                });
    Arbitrary<List<NodeAddress>> addresses =
        Combinators.combine(
                K8snetArbitraries.addressesIn(NODE_V4),
                K8snetArbitraries.addressesIn(NODE_V6).optional(),
                K8snetArbitraries.addressesIn(EXTERNAL_V4).optional(),
                K8snetArbitraries.dnsSubdomains().optional())
            .as(
                (v4, v6, external, host) -> {
                  List<NodeAddress> out = new ArrayList<>();
                  out.add(new NodeAddress(NodeAddress.Type.INTERNAL_IP, v4.toString()));
                  v6.ifPresent(
                      a -> out.add(new NodeAddress(NodeAddress.Type.INTERNAL_IP, a.toString())));
                  external.ifPresent(
                      a -> out.add(new NodeAddress(NodeAddress.Type.EXTERNAL_IP, a.toString())));
                  host.ifPresent(h -> out.add(new NodeAddress(NodeAddress.Type.HOSTNAME, h)));
                  return out;
                });
    Arbitrary<List<Cidr>> podCidrs =
        Combinators.combine(
                K8snetArbitraries.cidrsWithin(POD_V4).optional(),
                K8snetArbitraries.cidrsWithin(POD_V6).optional(),
                Arbitraries.of(true, false))
            .as(
                (v4, v6, v6First) -> {
                  List<Cidr> out = new ArrayList<>();
                  v4.ifPresent(out::add);
                  v6.ifPresent(c -> out.add(v6First ? 0 : out.size(), c));
                  return out;
                });
    return Combinators.combine(
            withExtras(meta), addresses, podCidrs, Arbitraries.of(false, false, true))
        .as(Node::new);
  }

  // ---------------------------------------------------------------------------------------------
  // Pods

  /**
   * Returns pods in every phase, ready or not, sometimes terminating, sometimes on the host network
   * (where each container port is also the host port), with zero to two IPs (at most one per
   * family, either first), an optional node, hostname and subdomain, and up to four container ports
   * with unique names.
   *
   * @return an arbitrary of pods
   * @since 0.1
   */
  public static Arbitrary<Pod> pods() {
    Arbitrary<List<IpAddress>> ips =
        Combinators.combine(
                K8snetArbitraries.ipv4Addresses().optional(),
                K8snetArbitraries.ipv6Addresses().optional(),
                Arbitraries.of(true, false))
            .as(
                (v4, v6, v6First) -> {
                  List<IpAddress> out = new ArrayList<>();
                  v4.ifPresent(out::add);
                  v6.ifPresent(a -> out.add(v6First ? 0 : out.size(), a));
                  return out;
                });
    Arbitrary<ContainerPort> port =
        Combinators.combine(
                portNames().optional(),
                K8snetArbitraries.ports(),
                K8snetArbitraries.protocols(),
                K8snetArbitraries.ports().optional())
            .as(
                (name, number, protocol, hostPort) ->
                    new ContainerPort(
                        name,
                        number,
                        protocol,
                        hostPort.map(OptionalInt::of).orElse(OptionalInt.empty())));
    Arbitrary<List<ContainerPort>> ports =
        port.list().ofMaxSize(4).uniqueElements(p -> p.name().orElse(null)).map(List::copyOf);
    Arbitrary<Optional<String>> hostname = K8snetArbitraries.dnsLabels().optional();
    Arbitrary<Optional<Instant>> deletion =
        Arbitraries.longs()
            .between(1_500_000_000L, 2_000_000_000L)
            .map(Instant::ofEpochSecond)
            .optional(0.2);
    return Combinators.combine(
            withExtras(K8snetArbitraries.objectMetas()),
            K8snetArbitraries.dnsSubdomains().optional(),
            Arbitraries.frequency(Tuple.of(9, false), Tuple.of(1, true)),
            hostname,
            hostname,
            ips,
            Combinators.combine(Arbitraries.of(Pod.Phase.class), Arbitraries.of(true, false))
                .as(Tuple::of),
            Combinators.combine(ports, deletion).as(Tuple::of))
        .as(
            (meta, node, hostNetwork, host, subdomain, podIps, status, rest) ->
                new Pod(
                    meta,
                    node,
                    hostNetwork,
                    host,
                    subdomain,
                    podIps,
                    status.get1(),
                    status.get2(),
                    uniqueHostPorts(hostNetwork ? onHost(rest.get1()) : rest.get1()),
                    rest.get2()));
  }

  /** Drops the ports whose host port and protocol an earlier port has, as the API server must. */
  private static List<ContainerPort> uniqueHostPorts(List<ContainerPort> ports) {
    Set<String> seen = new HashSet<>();
    return ports.stream()
        .filter(
            p -> p.hostPort().isEmpty() || seen.add(p.hostPort().getAsInt() + "/" + p.protocol()))
        .toList();
  }

  /** On the host network, a container port is also the host port (the API server's default). */
  static List<ContainerPort> onHost(List<ContainerPort> ports) {
    return ports.stream()
        .map(
            p ->
                new ContainerPort(
                    p.name(), p.containerPort(), p.protocol(), OptionalInt.of(p.containerPort())))
        .toList();
  }

  // ---------------------------------------------------------------------------------------------
  // Services

  private enum Variant {
    CLUSTER_IP,
    HEADLESS,
    NODE_PORT,
    LOAD_BALANCER,
    EXTERNAL_NAME
  }

  private record Addressing(
      int families, boolean preferDual, boolean allocated, IpAddress v4, IpAddress v6) {}

  private record PortDraft(
      String name, Protocol protocol, int port, PortRef target, Optional<String> appProtocol) {}

  private record Behaviour(
      Map<String, String> selector,
      Optional<Integer> affinitySeconds,
      TrafficPolicy externalTrafficPolicy,
      TrafficPolicy internalTrafficPolicy,
      boolean publishNotReady,
      Optional<String> trafficDistribution,
      int nodePortBase,
      boolean unnamedSinglePort) {}

  private record External(
      List<IpAddress> externalIps,
      List<LoadBalancerIngress> ingress,
      List<Cidr> sourceRanges,
      Optional<Integer> healthCheckOffset,
      boolean allocateNodePorts,
      String externalName) {}

  /**
   * Returns services of every type (ClusterIP, headless, NodePort, LoadBalancer, ExternalName):
   * single-stack of either family and dual-stack in either order, with or without allocated
   * ClusterIPs; one to three ports (none allowed for headless and ExternalName services) with
   * unique names, numbered or named target ports and, for NodePort and LoadBalancer services, node
   * ports in the default range; ClientIP affinity with timeouts; both traffic policies where
   * allowed; externalIPs; load balancer ingress with either IP mode, source ranges and health check
   * node ports.
   *
   * @return an arbitrary of services
   * @since 0.1
   */
  public static Arbitrary<Service> services() {
    Arbitrary<ObjectMeta> meta =
        Combinators.combine(
                Arbitraries.of("default", "prod", "kube-system"),
                dns1035Labels(),
                K8snetArbitraries.labels())
            .as(ObjectMeta::of);
    Arbitrary<Variant> variant =
        Arbitraries.frequency(
            Tuple.of(4, Variant.CLUSTER_IP),
            Tuple.of(1, Variant.HEADLESS),
            Tuple.of(2, Variant.NODE_PORT),
            Tuple.of(2, Variant.LOAD_BALANCER),
            Tuple.of(1, Variant.EXTERNAL_NAME));
    Arbitrary<Addressing> addressing =
        Combinators.combine(
                Arbitraries.integers().between(0, 3),
                Arbitraries.of(true, false),
                Arbitraries.frequency(Tuple.of(4, true), Tuple.of(1, false)),
                K8snetArbitraries.addressesIn(SERVICE_V4),
                K8snetArbitraries.addressesIn(SERVICE_V6))
            .as(Addressing::new);
    Arbitrary<PortRef> targets =
        Arbitraries.oneOf(
            List.of(K8snetArbitraries.ports().map(PortRef::of), portNames().map(PortRef::named)));
    Arbitrary<List<PortDraft>> ports =
        Combinators.combine(
                Arbitraries.oneOf(List.of(Arbitraries.of(PORT_NAMES), dnsLabelsShort())),
                K8snetArbitraries.protocols(),
                K8snetArbitraries.ports(),
                targets,
                Arbitraries.of("http", "https", "kubernetes.io/h2c", "kubernetes.io/ws")
                    .optional(0.2))
            .as(PortDraft::new)
            .list()
            .ofMaxSize(3)
            .uniqueElements(PortDraft::name);
    Arbitrary<Behaviour> behaviour =
        Combinators.combine(
                K8snetArbitraries.labels(),
                Arbitraries.integers().between(1, 86400).optional(0.3),
                Arbitraries.of(TrafficPolicy.class),
                Arbitraries.of(TrafficPolicy.class),
                Arbitraries.of(true, false),
                Arbitraries.of("PreferClose", "PreferSameZone", "PreferSameNode").optional(0.2),
                Arbitraries.integers().between(30000, 31900),
                Arbitraries.of(true, false))
            .as(Behaviour::new);
    Arbitrary<LoadBalancerIngress> lbIngress =
        Combinators.combine(
                K8snetArbitraries.addressesIn(EXTERNAL_V4).optional(0.8),
                hostNames().optional(0.3),
                Arbitraries.of(IpMode.class))
            .as(
                (ip, host, mode) ->
                    new LoadBalancerIngress(
                        ip,
                        ip.isEmpty() && host.isEmpty() ? Optional.of("lb.example.com") : host,
                        ip.map(x -> mode)));
    Arbitrary<External> external =
        Combinators.combine(
                Arbitraries.oneOf(
                        List.of(
                            K8snetArbitraries.addressesIn(EXTERNAL_V4),
                            K8snetArbitraries.addressesIn(EXTERNAL_V6)))
                    .list()
                    .ofMaxSize(2)
                    .uniqueElements()
                    .optional(0.2)
                    .map(o -> o.orElse(List.of())),
                lbIngress.list().ofMaxSize(2),
                K8snetArbitraries.cidrs().list().ofMaxSize(2),
                Arbitraries.integers().between(0, 767).optional(),
                Arbitraries.of(true, false),
                hostNames().map(h -> h.length() < 253 && h.hashCode() % 3 == 0 ? h + "." : h))
            .as(External::new);
    return Combinators.combine(withExtras(meta), variant, addressing, ports, behaviour, external)
        .as(ClusterArbitraries::service);
  }

  private static Arbitrary<String> dnsLabelsShort() {
    return K8snetArbitraries.dnsLabels().filter(s -> s.length() <= 15);
  }

  private static Service service(
      ObjectMeta meta,
      Variant variant,
      Addressing addressing,
      List<PortDraft> drafts,
      Behaviour behaviour,
      External external) {
    Service.Builder b = Service.builder(meta.namespace(), meta.name()).metadata(meta);
    ServiceType type =
        switch (variant) {
          case CLUSTER_IP, HEADLESS -> ServiceType.CLUSTER_IP;
          case NODE_PORT -> ServiceType.NODE_PORT;
          case LOAD_BALANCER -> ServiceType.LOAD_BALANCER;
          case EXTERNAL_NAME -> ServiceType.EXTERNAL_NAME;
        };
    b.type(type);
    if (variant == Variant.EXTERNAL_NAME) {
      b.externalName(external.externalName());
    } else {
      List<IpFamily> families =
          switch (addressing.families()) {
            case 0 -> List.of(IpFamily.IPV4);
            case 1 -> List.of(IpFamily.IPV6);
            case 2 -> List.of(IpFamily.IPV4, IpFamily.IPV6);
            default -> List.of(IpFamily.IPV6, IpFamily.IPV4);
          };
      b.ipFamilies(families.toArray(IpFamily[]::new));
      b.ipFamilyPolicy(
          families.size() == 2
              ? (addressing.preferDual()
                  ? IpFamilyPolicy.PREFER_DUAL_STACK
                  : IpFamilyPolicy.REQUIRE_DUAL_STACK)
              : (addressing.preferDual()
                  ? IpFamilyPolicy.PREFER_DUAL_STACK
                  : IpFamilyPolicy.SINGLE_STACK));
      if (variant == Variant.HEADLESS) {
        b.headless();
      } else if (addressing.allocated()) {
        b.clusterIps(
            families.stream()
                .map(f -> f == IpFamily.IPV4 ? addressing.v4() : addressing.v6())
                .toArray(IpAddress[]::new));
      }
    }
    boolean nodePorts = type == ServiceType.NODE_PORT || type == ServiceType.LOAD_BALANCER;
    List<PortDraft> kept = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (PortDraft d : drafts) {
      if (seen.add(d.port() + "/" + d.protocol())) {
        kept.add(d);
      }
    }
    if (kept.isEmpty() && (variant != Variant.HEADLESS && variant != Variant.EXTERNAL_NAME)) {
      kept.add(new PortDraft("http", Protocol.TCP, 80, PortRef.of(8080), Optional.empty()));
    }
    for (int i = 0; i < kept.size(); i++) {
      PortDraft d = kept.get(i);
      String name = kept.size() == 1 && behaviour.unnamedSinglePort() ? "" : d.name();
      OptionalInt nodePort =
          nodePorts && (behaviour.nodePortBase() + i) % 5 != 0
              ? OptionalInt.of(behaviour.nodePortBase() + i)
              : OptionalInt.empty();
      b.port(new ServicePort(name, d.protocol(), d.port(), d.target(), nodePort, d.appProtocol()));
    }
    b.selector(behaviour.selector());
    behaviour.affinitySeconds().ifPresent(s -> b.clientIpAffinity(Duration.ofSeconds(s)));
    if (variant != Variant.EXTERNAL_NAME) {
      b.externalIps(external.externalIps().toArray(IpAddress[]::new));
    }
    boolean accessible =
        nodePorts || (variant != Variant.EXTERNAL_NAME && !external.externalIps().isEmpty());
    TrafficPolicy etp = accessible ? behaviour.externalTrafficPolicy() : TrafficPolicy.CLUSTER;
    b.externalTrafficPolicy(etp);
    b.internalTrafficPolicy(behaviour.internalTrafficPolicy());
    b.publishNotReadyAddresses(behaviour.publishNotReady());
    behaviour.trafficDistribution().ifPresent(b::trafficDistribution);
    if (type == ServiceType.LOAD_BALANCER) {
      b.loadBalancerIngress(external.ingress().toArray(LoadBalancerIngress[]::new));
      b.loadBalancerSourceRanges(external.sourceRanges().toArray(Cidr[]::new));
      b.allocateLoadBalancerNodePorts(external.allocateNodePorts());
      if (etp == TrafficPolicy.LOCAL) {
        external.healthCheckOffset().ifPresent(o -> b.healthCheckNodePort(32000 + o));
      }
    }
    return b.build();
  }

  // ---------------------------------------------------------------------------------------------
  // Endpoint slices

  /**
   * Returns endpoint slices of either address type, labelled with a service name, with up to four
   * endpoints (every combination of the ready, serving and terminating conditions; optional
   * hostname, node, zone, hints and target reference) and up to three ports with unique names.
   *
   * @return an arbitrary of endpoint slices
   * @since 0.1
   */
  public static Arbitrary<EndpointSlice> endpointSlices() {
    Arbitrary<ObjectMeta> meta =
        Combinators.combine(K8snetArbitraries.objectMetas(), dns1035Labels())
            .as(
                (m, service) -> {
                  Map<String, String> labels = new HashMap<>(m.labels());
                  labels.put(EndpointSlice.SERVICE_NAME_LABEL, service);
                  return ObjectMeta.of(m.namespace(), m.name(), labels);
                });
    meta = withExtras(meta);
    return Combinators.combine(meta, Arbitraries.of(IpFamily.class))
        .flatAs(
            (m, family) ->
                Combinators.combine(endpoints(family).list().ofMaxSize(4), slicePorts())
                    .as((endpoints, ports) -> new EndpointSlice(m, family, endpoints, ports)));
  }

  private static Arbitrary<EndpointSlice.Endpoint> endpoints(IpFamily family) {
    Cidr block = family == IpFamily.IPV4 ? POD_V4 : POD_V6;
    Arbitrary<EndpointSlice.Conditions> conditions =
        Combinators.combine(
                Arbitraries.of(true, false),
                Arbitraries.of(true, false),
                Arbitraries.of(true, false))
            .as(EndpointSlice.Conditions::new);
    Arbitrary<Optional<ObjectRef>> targetRef =
        Combinators.combine(K8snetArbitraries.dnsLabels(), K8snetArbitraries.dnsSubdomains())
            .as((ns, name) -> new ObjectRef("Pod", ns, name))
            .optional();
    return Combinators.combine(
            K8snetArbitraries.addressesIn(block).list().ofMinSize(1).ofMaxSize(2),
            conditions,
            K8snetArbitraries.dnsLabels().optional(0.3),
            K8snetArbitraries.dnsSubdomains().optional(),
            Arbitraries.of(ZONES).optional(),
            Arbitraries.of(ZONES).list().ofMaxSize(2),
            K8snetArbitraries.dnsSubdomains().list().ofMaxSize(2),
            targetRef)
        .as(EndpointSlice.Endpoint::new);
  }

  private static Arbitrary<List<EndpointSlice.Port>> slicePorts() {
    return Combinators.combine(
            Arbitraries.oneOf(List.of(Arbitraries.just(""), Arbitraries.of(PORT_NAMES))),
            K8snetArbitraries.ports().optional(0.9),
            K8snetArbitraries.protocols(),
            Arbitraries.of("http", "kubernetes.io/h2c").optional(0.2))
        .as(
            (name, port, protocol, app) ->
                new EndpointSlice.Port(
                    name, port.map(OptionalInt::of).orElse(OptionalInt.empty()), protocol, app))
        .list()
        .ofMaxSize(3)
        .uniqueElements(EndpointSlice.Port::name);
  }

  // ---------------------------------------------------------------------------------------------
  // Network policies

  /**
   * Returns network policies with random pod selectors, one or both policy types, and up to three
   * ingress and three egress rules, whose peers are pod selectors, namespace selectors, both, or IP
   * blocks (of either family, with {@code except} blocks strictly inside), and whose ports are
   * absent, numbered, named, or ranges with {@code endPort}.
   *
   * @return an arbitrary of network policies
   * @since 0.1
   */
  public static Arbitrary<NetworkPolicy> networkPolicies() {
    Arbitrary<List<NetworkPolicyRule>> rules = policyRules().list().ofMaxSize(3);
    Arbitrary<Set<PolicyType>> types =
        Arbitraries.subsetOf(PolicyType.values()).ofMinSize(1).map(EnumSet::copyOf);
    return Combinators.combine(
            withExtras(K8snetArbitraries.objectMetas()),
            K8snetArbitraries.labelSelectors(),
            types,
            rules,
            rules)
        .as(NetworkPolicy::new);
  }

  private static Arbitrary<NetworkPolicyRule> policyRules() {
    Arbitrary<NetworkPolicyPeer> peers =
        Arbitraries.oneOf(
            List.of(
                K8snetArbitraries.labelSelectors().map(NetworkPolicyPeer::pods),
                K8snetArbitraries.labelSelectors().map(NetworkPolicyPeer::namespaces),
                Combinators.combine(
                        K8snetArbitraries.labelSelectors(), K8snetArbitraries.labelSelectors())
                    .as(NetworkPolicyPeer::podsInNamespaces),
                ipBlocks().map(NetworkPolicyPeer::ipBlock)));
    Arbitrary<NetworkPolicyPort> numbered =
        Combinators.combine(
                K8snetArbitraries.protocols(),
                K8snetArbitraries.ports(),
                Arbitraries.integers().between(0, 2000).optional())
            .as(
                (protocol, port, span) ->
                    new NetworkPolicyPort(
                        protocol,
                        Optional.of(PortRef.of(port)),
                        span.map(s -> OptionalInt.of(Math.min(65535, port + s)))
                            .orElse(OptionalInt.empty())));
    Arbitrary<NetworkPolicyPort> named =
        Combinators.combine(K8snetArbitraries.protocols(), portNames())
            .as(
                (p, n) ->
                    new NetworkPolicyPort(p, Optional.of(PortRef.named(n)), OptionalInt.empty()));
    Arbitrary<NetworkPolicyPort> anyPort =
        K8snetArbitraries.protocols()
            .map(p -> new NetworkPolicyPort(p, Optional.empty(), OptionalInt.empty()));
    Arbitrary<NetworkPolicyPort> ports = Arbitraries.oneOf(List.of(numbered, named, anyPort));
    return Combinators.combine(peers.list().ofMaxSize(3), ports.list().ofMaxSize(3))
        .as(NetworkPolicyRule::new);
  }

  /**
   * Returns IP blocks of either family with up to two {@code except} blocks strictly inside.
   *
   * @return an arbitrary of IP blocks
   * @since 0.1
   */
  public static Arbitrary<IpBlock> ipBlocks() {
    return K8snetArbitraries.cidrs()
        .flatMap(
            cidr ->
                cidr.prefixLength() == cidr.family().bitLength()
                    ? Arbitraries.just(IpBlock.of(cidr))
                    : K8snetArbitraries.cidrsWithin(cidr)
                        .filter(e -> e.prefixLength() > cidr.prefixLength())
                        .list()
                        .ofMaxSize(2)
                        .map(except -> new IpBlock(cidr, except)));
  }

  // ---------------------------------------------------------------------------------------------
  // Admin network policies

  private enum Flavor {
    ANP,
    BANP,
    CNP
  }

  /**
   * Returns AdminNetworkPolicies (policy.networking.k8s.io/v1alpha1): priorities 0–1000, namespace
   * or pod subjects, up to three ingress rules (namespace and pod peers) and three egress rules
   * (also node, network and domain name peers), with Allow, Deny and Pass actions and numbered,
   * ranged and named ports, as the CRD's validation allows.
   *
   * @return an arbitrary of admin network policies
   * @since 0.1
   */
  public static Arbitrary<AdminNetworkPolicy> adminNetworkPolicies() {
    return Combinators.combine(
            clusterMetas(K8snetArbitraries.dnsSubdomains()),
            Arbitraries.integers().between(0, 1000),
            subjects(),
            adminRules(Flavor.ANP, true),
            adminRules(Flavor.ANP, false))
        .as(AdminNetworkPolicy::new);
  }

  /**
   * Returns BaselineAdminNetworkPolicies, all named {@code default} as the CRD requires, with Allow
   * and Deny rules.
   *
   * @return an arbitrary of baseline admin network policies
   * @since 0.1
   */
  public static Arbitrary<BaselineAdminNetworkPolicy> baselineAdminNetworkPolicies() {
    return Combinators.combine(
            clusterMetas(Arbitraries.just("default")),
            subjects(),
            adminRules(Flavor.BANP, true),
            adminRules(Flavor.BANP, false))
        .as(BaselineAdminNetworkPolicy::new);
  }

  /**
   * Returns ClusterNetworkPolicies (policy.networking.k8s.io/v1alpha2) of both tiers, with Accept,
   * Deny and Pass rules and protocol ports.
   *
   * @return an arbitrary of cluster network policies
   * @since 0.1
   */
  public static Arbitrary<ClusterNetworkPolicy> clusterNetworkPolicies() {
    return Combinators.combine(
            clusterMetas(K8snetArbitraries.dnsSubdomains()),
            Arbitraries.of(ClusterNetworkPolicy.Tier.class),
            Arbitraries.integers().between(0, 1000),
            subjects(),
            adminRules(Flavor.CNP, true),
            adminRules(Flavor.CNP, false))
        .as(ClusterNetworkPolicy::new);
  }

  private static Arbitrary<ObjectMeta> clusterMetas(Arbitrary<String> names) {
    return withExtras(
        Combinators.combine(names, K8snetArbitraries.labels())
            .as((n, l) -> ObjectMeta.of("", n, l)));
  }

  private static Arbitrary<AdminPeer> subjects() {
    return Arbitraries.oneOf(
        List.of(
            K8snetArbitraries.labelSelectors().map(AdminPeer.Namespaces::new),
            Combinators.combine(
                    K8snetArbitraries.labelSelectors(), K8snetArbitraries.labelSelectors())
                .as(AdminPeer.Pods::new)));
  }

  private static Arbitrary<List<AdminPolicyRule>> adminRules(Flavor flavor, boolean ingress) {
    List<Arbitrary<AdminPeer>> peerChoices = new ArrayList<>(List.of(subjects()));
    if (!ingress) {
      peerChoices.add(K8snetArbitraries.labelSelectors().map(AdminPeer.Nodes::new));
      peerChoices.add(
          K8snetArbitraries.cidrs()
              .list()
              .ofMinSize(1)
              .ofMaxSize(3)
              .uniqueElements()
              .map(AdminPeer.Networks::new));
      if (flavor != Flavor.BANP) {
        peerChoices.add(
            domainNames()
                .list()
                .ofMinSize(1)
                .ofMaxSize(3)
                .uniqueElements()
                .map(AdminPeer.DomainNames::new));
      }
    }
    Arbitrary<AdminPolicyAction> actions =
        flavor == Flavor.BANP
            ? Arbitraries.of(AdminPolicyAction.ALLOW, AdminPolicyAction.DENY)
            : Arbitraries.of(AdminPolicyAction.class);
    Arbitrary<AdminPort> ports =
        Arbitraries.oneOf(
            List.of(
                Combinators.combine(K8snetArbitraries.protocols(), K8snetArbitraries.ports())
                    .as(AdminPort.Number::new),
                Combinators.combine(
                        K8snetArbitraries.protocols(),
                        Arbitraries.integers().between(1, 65534),
                        Arbitraries.integers().between(1, 1000))
                    .as(
                        (p, start, span) ->
                            new AdminPort.Range(p, start, Math.min(65535, start + span))),
                portNames().map(AdminPort.Named::new)));
    Arbitrary<String> ruleNames =
        Arbitraries.oneOf(
            List.of(
                Arbitraries.just(""),
                K8snetArbitraries.dnsLabels(),
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(100)));
    return Combinators.combine(
            ruleNames,
            actions,
            Arbitraries.oneOf(peerChoices).list().ofMinSize(1).ofMaxSize(3),
            ports.list().ofMaxSize(3))
        .as(ClusterArbitraries::adminRule)
        .list()
        .ofMaxSize(3);
  }

  private static AdminPolicyRule adminRule(
      String name, AdminPolicyAction action, List<AdminPeer> peers, List<AdminPort> ports) {
    List<AdminPeer> kept = new ArrayList<>();
    for (AdminPeer p : peers) {
      if (!(p instanceof AdminPeer.DomainNames) || action == AdminPolicyAction.ALLOW) {
        kept.add(p);
      }
    }
    if (kept.isEmpty()) {
      kept.add(new AdminPeer.Namespaces(LabelSelector.EVERYTHING));
    }
    List<AdminPort> keptPorts = ports;
    if (kept.stream().anyMatch(p -> !p.selectsPods())) {
      keptPorts = ports.stream().filter(p -> !(p instanceof AdminPort.Named)).toList();
    }
    return new AdminPolicyRule(name, action, kept, keptPorts);
  }

  private static Arbitrary<String> domainNames() {
    return Combinators.combine(
            Arbitraries.of(false, false, true),
            K8snetArbitraries.dnsLabels().list().ofMinSize(2).ofMaxSize(3))
        .as((wildcard, labels) -> (wildcard ? "*." : "") + String.join(".", labels));
  }

  // ---------------------------------------------------------------------------------------------
  // Ingress

  /**
   * Returns ingresses with an optional class, default backend and TLS section, and up to three
   * rules with optional (and wildcard) hosts and up to three paths of every path type, whose
   * backends are services (by port number or name) or resources. Every ingress has a default
   * backend or a rule, as the API server requires.
   *
   * @return an arbitrary of ingresses
   * @since 0.1
   */
  public static Arbitrary<Ingress> ingresses() {
    Arbitrary<IngressBackend> backends =
        Arbitraries.oneOf(
            List.of(
                Combinators.combine(
                        dns1035Labels(),
                        Arbitraries.oneOf(
                            List.of(
                                K8snetArbitraries.ports().map(PortRef::of),
                                portNames().map(PortRef::named))))
                    .as(IngressBackend.ServiceBackend::new),
                Combinators.combine(
                        K8snetArbitraries.dnsSubdomains().optional(),
                        Arbitraries.of("StorageBucket", "Backend"),
                        K8snetArbitraries.dnsSubdomains())
                    .as(IngressBackend.ResourceBackend::new)));
    Arbitrary<String> hosts =
        Arbitraries.oneOf(
            List.of(hostNames(), hostNames().filter(h -> h.length() <= 250).map(h -> "*." + h)));
    Arbitrary<String> segments =
        Arbitraries.strings()
            .withChars("abcdefghijklmnopqrstuvwxyz0123456789-_")
            .ofMinLength(1)
            .ofMaxLength(8);
    Arbitrary<String> absolute =
        Combinators.combine(segments.list().ofMaxSize(3), Arbitraries.of(false, false, true))
            .as((s, slash) -> "/" + String.join("/", s) + (slash && !s.isEmpty() ? "/" : ""));
    Arbitrary<HttpIngressPath> paths =
        Combinators.combine(
                absolute,
                Arbitraries.of(PathType.class),
                backends,
                Arbitraries.of(true, false, false, false))
            .as(
                (path, type, backend, empty) ->
                    new HttpIngressPath(
                        type == PathType.IMPLEMENTATION_SPECIFIC && empty ? "" : path,
                        type,
                        backend));
    Arbitrary<IngressRule> rules =
        Combinators.combine(hosts.optional(), paths.list().ofMaxSize(3)).as(IngressRule::new);
    Arbitrary<IngressTls> tls =
        Combinators.combine(hosts.list().ofMaxSize(2), K8snetArbitraries.dnsSubdomains().optional())
            .as(IngressTls::new);
    return Combinators.combine(
            withExtras(K8snetArbitraries.objectMetas()),
            K8snetArbitraries.dnsSubdomains().optional(),
            backends.optional(),
            tls.list().ofMaxSize(2),
            rules.list().ofMaxSize(3),
            backends)
        .as(
            (meta, className, defaultBackend, t, r, fallback) ->
                new Ingress(
                    meta,
                    className,
                    r.isEmpty() && defaultBackend.isEmpty()
                        ? Optional.of(fallback)
                        : defaultBackend,
                    t,
                    r));
  }

  /**
   * Returns IngressClasses with a domain-prefixed controller name, some of them marked as the
   * default class by the {@code ingressclass.kubernetes.io/is-default-class} annotation.
   *
   * @return an arbitrary of ingress classes
   * @since 0.1
   */
  public static Arbitrary<IngressClass> ingressClasses() {
    Arbitrary<String> controllers =
        Combinators.combine(
                K8snetArbitraries.dnsSubdomains().filter(d -> d.length() <= 200),
                Arbitraries.strings()
                    .withChars("abcdefghijklmnopqrstuvwxyz0123456789-._/~")
                    .ofMinLength(1)
                    .ofMaxLength(40))
            .as((domain, path) -> domain + "/" + path);
    return Combinators.combine(
            withExtras(
                Combinators.combine(K8snetArbitraries.dnsSubdomains(), K8snetArbitraries.labels())
                    .as((n, l) -> ObjectMeta.of("", n, l))),
            controllers,
            Arbitraries.of(true, false))
        .as(
            (meta, controller, isDefault) -> {
              Map<String, String> annotations = new HashMap<>(meta.annotations());
              if (isDefault) {
                annotations.put(IngressClass.DEFAULT_ANNOTATION, "true");
              } else {
                annotations.remove(IngressClass.DEFAULT_ANNOTATION);
              }
              return new IngressClass(
                  new ObjectMeta(
                      "",
                      meta.name(),
                      meta.labels(),
                      annotations,
                      meta.uid(),
                      meta.resourceVersion(),
                      meta.creationTimestamp()),
                  controller,
                  isDefault);
            });
  }

  /**
   * Returns Secrets: Opaque ones with up to three keys of any bytes, and {@code kubernetes.io/tls}
   * ones with the {@code tls.crt} and {@code tls.key} keys they require.
   *
   * @return an arbitrary of secrets
   * @since 0.1
   */
  public static Arbitrary<Secret> secrets() {
    Arbitrary<String> keys =
        Arbitraries.strings()
            .withChars("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._")
            .ofMinLength(1)
            .ofMaxLength(20)
            .filter(k -> !k.equals(".") && !k.equals(".."));
    Arbitrary<byte[]> bytes =
        Arbitraries.bytes().list().ofMaxSize(64).map(ClusterArbitraries::toBytes);
    return Combinators.combine(
            withExtras(K8snetArbitraries.objectMetas()),
            Arbitraries.of(true, false),
            Arbitraries.maps(keys, bytes).ofMaxSize(3),
            bytes,
            bytes)
        .as(
            (meta, tls, data, cert, key) -> {
              Map<String, byte[]> all = new HashMap<>(data);
              if (tls) {
                all.put(Secret.TLS_CERT_KEY, cert);
                all.put(Secret.TLS_KEY_KEY, key);
              }
              return new Secret(meta, tls ? Secret.TLS_TYPE : "Opaque", all);
            });
  }

  private static byte[] toBytes(List<Byte> list) {
    byte[] out = new byte[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = list.get(i);
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Clusters

  /**
   * Returns consistent cluster snapshots of the {@link ClusterShape#defaults() default shape}.
   *
   * @return an arbitrary of cluster states
   * @see #clusters(ClusterShape)
   * @since 0.1
   */
  public static Arbitrary<ClusterState> clusters() {
    return clusters(ClusterShape.defaults());
  }

  /**
   * Returns consistent cluster snapshots (version 1) of the given shape. In every generated state:
   *
   * <ul>
   *   <li>each node has a pod CIDR carved from the shape's pod CIDR, disjoint from the other nodes'
   *       (and, in dual-stack clusters, an IPv6 one), an InternalIP and a zone label;
   *   <li>each pod is in an existing namespace; scheduled pods are on an existing node; pods with
   *       IPs (all but Pending ones and those whose node block is full) have IPs inside their
   *       node's pod CIDR, unique among the pods that are not finished (a Succeeded or Failed pod
   *       keeps IPs that the node may have given to a later pod, as kubelets do), except
   *       host-network pods, which have their node's InternalIPs; phases, readiness and termination
   *       vary;
   *   <li>services have unique ClusterIPs inside the service CIDR (IPv6 ones inside {@code
   *       fd00:10:96::/112}) and unique node ports; most select existing pods by a subset of one
   *       pod's labels, some select none, some have no selector, some are headless or ExternalName;
   *   <li>each service with a selector has endpoint slices per address family, derived from the
   *       running or terminating pods it selects, as the EndpointSlice controller does: conditions
   *       from the pod's readiness and termination (and {@code publishNotReadyAddresses}), named
   *       target ports resolved through the pod's container ports, one slice per distinct port
   *       mapping, and an empty placeholder slice when no pod is selected;
   *   <li>network policies select pods by labels that occur in their namespace, and their peers
   *       refer to existing labels, namespaces and blocks of the pod CIDR;
   *   <li>ingresses route paths of every path type to ports (by number or name) of existing
   *       services in their namespace;
   *   <li>AdminNetworkPolicies (with distinct priorities) and at most one
   *       BaselineAdminNetworkPolicy select existing namespaces and pod labels, with namespace, pod
   *       and node-block network peers and numbered or named ports.
   * </ul>
   *
   * <p>Generation is built from jqwik combinators over plain plans, so shrinking removes
   * namespaces, pods, services and rules and simplifies their settings.
   *
   * @param shape the shape
   * @return an arbitrary of cluster states
   * @throws IllegalArgumentException if the shape's pod CIDR has fewer node blocks than its most
   *     nodes, or its service CIDR fewer addresses than its most services
   * @since 0.1
   */
  public static Arbitrary<ClusterState> clusters(ClusterShape shape) {
    return ClusterGenerator.clusters(Objects.requireNonNull(shape, "shape"));
  }
}
