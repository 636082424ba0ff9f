package dev.k8snet.testkit;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.PortRange;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.AdminNetworkPolicy;
import dev.k8snet.core.model.AdminPeer;
import dev.k8snet.core.model.AdminPolicyAction;
import dev.k8snet.core.model.AdminPolicyRule;
import dev.k8snet.core.model.AdminPort;
import dev.k8snet.core.model.BaselineAdminNetworkPolicy;
import dev.k8snet.core.model.ContainerPort;
import dev.k8snet.core.model.EndpointSlice;
import dev.k8snet.core.model.HttpIngressPath;
import dev.k8snet.core.model.Ingress;
import dev.k8snet.core.model.IngressBackend;
import dev.k8snet.core.model.IngressRule;
import dev.k8snet.core.model.IngressTls;
import dev.k8snet.core.model.IpBlock;
import dev.k8snet.core.model.IpFamilyPolicy;
import dev.k8snet.core.model.KubernetesObject;
import dev.k8snet.core.model.LabelSelector;
import dev.k8snet.core.model.LabelSelectorRequirement;
import dev.k8snet.core.model.LoadBalancerIngress;
import dev.k8snet.core.model.Namespace;
import dev.k8snet.core.model.NetworkPolicy;
import dev.k8snet.core.model.NetworkPolicyPeer;
import dev.k8snet.core.model.NetworkPolicyPort;
import dev.k8snet.core.model.NetworkPolicyRule;
import dev.k8snet.core.model.Node;
import dev.k8snet.core.model.NodeAddress;
import dev.k8snet.core.model.ObjectMeta;
import dev.k8snet.core.model.PathType;
import dev.k8snet.core.model.Pod;
import dev.k8snet.core.model.PolicyType;
import dev.k8snet.core.model.PortRef;
import dev.k8snet.core.model.Service;
import dev.k8snet.core.model.ServicePort;
import dev.k8snet.core.model.ServiceType;
import dev.k8snet.core.model.TrafficPolicy;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generates consistent clusters: plans (plain records of small numbers and choices, which jqwik
 * shrinks well) turned into objects by a pure function.
 */
final class ClusterGenerator {
  static final Cidr POD_V6 = Cidr.parse("fd00:10:244::/56");
  static final int NODE_PREFIX_V6 = 64;
  static final Cidr SERVICE_V6 = Cidr.parse("fd00:10:96::/112");
  static final Cidr NODE_V4 = Cidr.parse("192.168.0.0/16");
  static final Cidr NODE_V6 = Cidr.parse("fd00:192:168::/64");
  static final Cidr LB_V4 = Cidr.parse("203.0.113.0/24");
  static final int NODE_PORT_MIN = 30000;
  static final int NODE_PORT_MAX = 32767;

  private static final List<String> NAMESPACES =
      List.of("default", "prod", "dev", "kube-system", "team-a", "team-b", "monitoring");
  private static final List<String> APPS = List.of("web", "api", "db", "cache");
  private static final List<String> TIERS = List.of("front", "back");
  private static final List<String> TRACKS = List.of("stable", "canary");
  private static final List<String> ZONES = List.of("zone-a", "zone-b", "zone-c");

  /** A named container port: its name, protocol and the two numbers pods use for it. */
  private record NamedPort(
      String name, Protocol protocol, int first, int second, int servicePort) {}

  private static final List<NamedPort> NAMED_PORTS =
      List.of(
          new NamedPort("http", Protocol.TCP, 8080, 8081, 80),
          new NamedPort("https", Protocol.TCP, 8443, 8443, 443),
          new NamedPort("dns", Protocol.UDP, 53, 5353, 53),
          new NamedPort("metrics", Protocol.TCP, 9090, 9100, 9090),
          // no pod has this one: a service targeting it by name gets no port for any endpoint
          new NamedPort("grpc", Protocol.TCP, 9000, 9000, 9000));

  record NodePlan(int zone, boolean unschedulable) {}

  record PodPlan(
      int app,
      int tier,
      int track,
      int node,
      Pod.Phase phase,
      boolean ready,
      boolean terminating,
      boolean hostNetwork,
      List<Integer> ports,
      boolean secondPortNumbers) {}

  record ServicePortPlan(int named, boolean byName) {}

  record ServicePlan(
      int kind,
      int selectorMode,
      int pod,
      int labelMask,
      List<ServicePortPlan> ports,
      boolean dual,
      boolean preferDual,
      Optional<Integer> affinity,
      boolean localExternal,
      boolean localInternal,
      boolean publishNotReady) {}

  record PeerPlan(int kind, int pick, int labelMask) {}

  record PortPlan(int kind, int named, int span) {}

  record RulePlan(List<PeerPlan> peers, List<PortPlan> ports) {}

  record PolicyPlan(
      int selectorMode,
      int pod,
      int labelMask,
      int types,
      List<RulePlan> ingress,
      List<RulePlan> egress) {}

  record PathPlan(int service, int port, boolean byName, int pathType, int path) {}

  record IngressPlan(boolean host, boolean tls, boolean className, List<PathPlan> paths) {}

  record AdminRulePlan(int action, int peer, int pick) {}

  record AdminPlan(
      boolean baseline,
      int subject,
      int pick,
      List<AdminRulePlan> ingress,
      List<AdminRulePlan> egress) {}

  record NamespacePlan(
      int env,
      boolean team,
      List<PodPlan> pods,
      List<ServicePlan> services,
      List<PolicyPlan> policies,
      List<IngressPlan> ingresses) {}

  record ClusterPlan(
      boolean dual, List<NodePlan> nodes, List<NamespacePlan> namespaces, List<AdminPlan> admin) {}

  private ClusterGenerator() {}

  static Arbitrary<ClusterState> clusters(ClusterShape shape) {
    BigInteger blocks =
        BigInteger.ONE.shiftLeft(shape.nodeCidrPrefix() - shape.podCidr().prefixLength());
    if (blocks.compareTo(BigInteger.valueOf(shape.maxNodes())) < 0) {
      throw new IllegalArgumentException(
          "nodes: "
              + shape.maxNodes()
              + " (expected: at most the "
              + blocks
              + " node blocks of "
              + shape.podCidr()
              + ")");
    }
    if (shape.maxAdminPolicies() > 100) {
      throw new IllegalArgumentException(
          "adminPolicies: " + shape.maxAdminPolicies() + " (expected: at most 100)");
    }
    long services = (long) shape.maxNamespaces() * shape.maxServices();
    if (shape.serviceCidr().size().compareTo(BigInteger.valueOf(services + 2)) < 0
        || services * NAMED_PORTS.size() > NODE_PORT_MAX - NODE_PORT_MIN) {
      throw new IllegalArgumentException(
          "servicesPerNamespace: "
              + shape.maxServices()
              + " (expected: room for every service in "
              + shape.serviceCidr()
              + " and the node port range)");
    }
    Arbitrary<Boolean> dual =
        shape.dualStack().map(Arbitraries::just).orElse(Arbitraries.of(false, true));
    Arbitrary<List<NodePlan>> nodes =
        Combinators.combine(
                Arbitraries.integers().between(0, ZONES.size() - 1),
                Arbitraries.of(false, false, false, true))
            .as(NodePlan::new)
            .list()
            .ofMinSize(shape.minNodes())
            .ofMaxSize(shape.maxNodes());
    Arbitrary<List<NamespacePlan>> namespaces =
        namespacePlan(shape)
            .list()
            .ofMinSize(shape.minNamespaces())
            .ofMaxSize(shape.maxNamespaces());
    Arbitrary<AdminRulePlan> adminRules =
        Combinators.combine(
                Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 63))
            .as(AdminRulePlan::new);
    Arbitrary<List<AdminPlan>> admin =
        Combinators.combine(
                Arbitraries.of(false, false, true),
                Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 63),
                adminRules.list().ofMaxSize(2),
                adminRules.list().ofMaxSize(2))
            .as(AdminPlan::new)
            .list()
            .ofMinSize(shape.minAdminPolicies())
            .ofMaxSize(shape.maxAdminPolicies());
    return Combinators.combine(dual, nodes, namespaces, admin)
        .as(ClusterPlan::new)
        .map(plan -> new Assembly(shape, plan).build());
  }

  private static Arbitrary<NamespacePlan> namespacePlan(ClusterShape shape) {
    Arbitrary<Integer> small = Arbitraries.integers().between(0, 63);
    Arbitrary<Pod.Phase> phases =
        Arbitraries.frequency(
            Tuple.of(12, Pod.Phase.RUNNING),
            Tuple.of(1, Pod.Phase.PENDING),
            Tuple.of(1, Pod.Phase.SUCCEEDED),
            Tuple.of(1, Pod.Phase.FAILED));
    Arbitrary<PodPlan> pods =
        Combinators.combine(
                Combinators.combine(
                        Arbitraries.integers().between(0, APPS.size() - 1),
                        Arbitraries.integers().between(-1, TIERS.size() - 1),
                        Arbitraries.integers().between(-1, TRACKS.size() - 1),
                        small)
                    .as(List::of),
                phases,
                Arbitraries.frequency(Tuple.of(4, true), Tuple.of(1, false)),
                Arbitraries.frequency(Tuple.of(6, false), Tuple.of(1, true)),
                Arbitraries.frequency(Tuple.of(9, false), Tuple.of(1, true)),
                Arbitraries.integers()
                    .between(0, NAMED_PORTS.size() - 2)
                    .list()
                    .ofMaxSize(3)
                    .uniqueElements(),
                Arbitraries.of(false, true))
            .as(
                (l, phase, ready, terminating, host, ports, second) ->
                    new PodPlan(
                        l.get(0),
                        l.get(1),
                        l.get(2),
                        l.get(3),
                        phase,
                        ready,
                        terminating,
                        host,
                        ports,
                        second));
    Arbitrary<ServicePlan> services =
        Combinators.combine(
                Combinators.combine(
                        Arbitraries.frequency(
                            Tuple.of(5, 0),
                            Tuple.of(1, 1),
                            Tuple.of(2, 2),
                            Tuple.of(2, 3),
                            Tuple.of(1, 4)),
                        Arbitraries.frequency(Tuple.of(6, 0), Tuple.of(1, 1), Tuple.of(1, 2)),
                        small,
                        small)
                    .as(List::of),
                Combinators.combine(
                        Arbitraries.integers().between(0, NAMED_PORTS.size() - 1),
                        Arbitraries.of(true, false))
                    .as(ServicePortPlan::new)
                    .list()
                    .ofMinSize(1)
                    .ofMaxSize(3)
                    .uniqueElements(ServicePortPlan::named),
                Arbitraries.of(true, false),
                Arbitraries.of(true, false),
                Arbitraries.integers().between(1, 86400).optional(0.2),
                Arbitraries.of(false, false, true),
                Arbitraries.of(false, false, true),
                Arbitraries.of(false, false, true))
            .as(
                (l, ports, dual, prefer, affinity, etp, itp, publish) ->
                    new ServicePlan(
                        l.get(0), l.get(1), l.get(2), l.get(3), ports, dual, prefer, affinity, etp,
                        itp, publish));
    Arbitrary<PeerPlan> peers =
        Combinators.combine(Arbitraries.integers().between(0, 4), small, small).as(PeerPlan::new);
    Arbitrary<PortPlan> portPlans =
        Combinators.combine(
                Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, NAMED_PORTS.size() - 1),
                Arbitraries.integers().between(0, 100))
            .as(PortPlan::new);
    Arbitrary<RulePlan> rules =
        Combinators.combine(peers.list().ofMaxSize(3), portPlans.list().ofMaxSize(2))
            .as(RulePlan::new);
    Arbitrary<PolicyPlan> policies =
        Combinators.combine(
                Arbitraries.frequency(Tuple.of(4, 0), Tuple.of(1, 1), Tuple.of(1, 2)),
                small,
                small,
                Arbitraries.integers().between(0, 2),
                rules.list().ofMaxSize(2),
                rules.list().ofMaxSize(2))
            .as(PolicyPlan::new);
    Arbitrary<PathPlan> paths =
        Combinators.combine(
                small,
                small,
                Arbitraries.of(true, false),
                Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 3))
            .as(PathPlan::new);
    Arbitrary<IngressPlan> ingressPlans =
        Combinators.combine(
                Arbitraries.of(true, false),
                Arbitraries.of(true, false),
                Arbitraries.of(true, false),
                paths.list().ofMinSize(1).ofMaxSize(3))
            .as(IngressPlan::new);
    return Combinators.combine(
            Arbitraries.integers().between(0, 1),
            Arbitraries.of(true, false),
            pods.list().ofMinSize(shape.minPods()).ofMaxSize(shape.maxPods()),
            services.list().ofMinSize(shape.minServices()).ofMaxSize(shape.maxServices()),
            policies.list().ofMinSize(shape.minPolicies()).ofMaxSize(shape.maxPolicies()),
            ingressPlans.list().ofMinSize(shape.minIngresses()).ofMaxSize(shape.maxIngresses()))
        .as(NamespacePlan::new);
  }

  /** Turns one plan into objects; single use. */
  private static final class Assembly {
    private final ClusterShape shape;
    private final ClusterPlan plan;
    private final List<KubernetesObject> objects = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final List<Namespace> namespaces = new ArrayList<>();
    private final int[] podsOnNode;
    private final long podCapacity;
    private int serviceOrdinal;

    Assembly(ClusterShape shape, ClusterPlan plan) {
      this.shape = shape;
      this.plan = plan;
      this.podsOnNode = new int[plan.nodes().size()];
      // the block's network address, the gateway (.1) and the last address stay free
      this.podCapacity =
          shape
                  .podCidr()
                  .size()
                  .shiftRight(shape.nodeCidrPrefix() - shape.podCidr().prefixLength())
                  .longValueExact()
              - 3;
    }

    ClusterState build() {
      for (int i = 0; i < plan.nodes().size(); i++) {
        nodes.add(node(i, plan.nodes().get(i)));
      }
      objects.addAll(nodes);
      for (int i = 0; i < plan.namespaces().size(); i++) {
        NamespacePlan np = plan.namespaces().get(i);
        Map<String, String> labels = new TreeMap<>();
        labels.put("env", np.env() == 0 ? "prod" : "dev");
        if (np.team()) {
          labels.put("team", "t" + (i % 2));
        }
        namespaces.add(Namespace.of(namespaceName(i), labels));
      }
      objects.addAll(namespaces);
      for (int i = 0; i < plan.namespaces().size(); i++) {
        namespace(namespaces.get(i), plan.namespaces().get(i));
      }
      boolean baseline = false;
      for (int i = 0; i < plan.admin().size(); i++) {
        AdminPlan a = plan.admin().get(i);
        if (a.baseline() && !baseline) {
          baseline = true;
          objects.add(
              new BaselineAdminNetworkPolicy(
                  ObjectMeta.of("", "default", Map.of()),
                  adminPeer(a.subject(), a.pick()),
                  adminRules(a.ingress(), true, true),
                  adminRules(a.egress(), true, false)));
        } else {
          objects.add(
              new AdminNetworkPolicy(
                  ObjectMeta.of("", "anp-" + i, Map.of()),
                  10 * i + a.pick() % 10,
                  adminPeer(a.subject(), a.pick()),
                  adminRules(a.ingress(), false, true),
                  adminRules(a.egress(), false, false)));
        }
      }
      return ClusterState.of(1, objects);
    }

    private AdminPeer adminPeer(int kind, int pick) {
      String ns = namespaceName(pick % namespaces.size());
      LabelSelector byName =
          new LabelSelector(
              Map.of(),
              List.of(
                  new LabelSelectorRequirement(
                      Namespace.NAME_LABEL, LabelSelectorRequirement.Operator.IN, List.of(ns))));
      return switch (kind) {
        case 0 -> new AdminPeer.Namespaces(byName);
        case 1 ->
            new AdminPeer.Namespaces(
                LabelSelector.of(Map.of("env", pick % 2 == 0 ? "prod" : "dev")));
        default ->
            new AdminPeer.Pods(
                LabelSelector.EVERYTHING,
                LabelSelector.of(Map.of("app", APPS.get(pick % APPS.size()))));
      };
    }

    private List<AdminPolicyRule> adminRules(
        List<AdminRulePlan> plans, boolean baseline, boolean ingress) {
      List<AdminPolicyRule> rules = new ArrayList<>();
      for (int i = 0; i < plans.size(); i++) {
        AdminRulePlan r = plans.get(i);
        AdminPolicyAction action =
            switch (r.action()) {
              case 0 -> AdminPolicyAction.ALLOW;
              case 1 -> AdminPolicyAction.DENY;
              default -> baseline ? AdminPolicyAction.DENY : AdminPolicyAction.PASS;
            };
        AdminPeer peer =
            r.peer() == 3 && !ingress
                ? new AdminPeer.Networks(
                    List.of(nodes.get(r.pick() % nodes.size()).podCidrs().get(0)))
                : adminPeer(r.peer() % 3, r.pick());
        NamedPort np = NAMED_PORTS.get(r.pick() % NAMED_PORTS.size());
        List<AdminPort> ports =
            r.pick() % 3 == 0
                ? List.of()
                : List.of(
                    peer.selectsPods() && r.pick() % 3 == 1
                        ? new AdminPort.Named(np.name())
                        : new AdminPort.Number(np.protocol(), np.first()));
        rules.add(new AdminPolicyRule("rule-" + i, action, List.of(peer), ports));
      }
      return rules;
    }

    private static String namespaceName(int i) {
      return i < NAMESPACES.size() ? NAMESPACES.get(i) : "ns-" + i;
    }

    private Node node(int i, NodePlan p) {
      List<NodeAddress> addresses = new ArrayList<>();
      List<Cidr> cidrs = new ArrayList<>();
      addresses.add(
          new NodeAddress(NodeAddress.Type.INTERNAL_IP, plus(NODE_V4.first(), 10 + i).toString()));
      cidrs.add(block(shape.podCidr(), shape.nodeCidrPrefix(), i));
      if (plan.dual()) {
        addresses.add(
            new NodeAddress(
                NodeAddress.Type.INTERNAL_IP, plus(NODE_V6.first(), 10 + i).toString()));
        cidrs.add(block(POD_V6, NODE_PREFIX_V6, i));
      }
      String name = "node-" + (i + 1);
      addresses.add(new NodeAddress(NodeAddress.Type.HOSTNAME, name));
      return new Node(
          ObjectMeta.of(
              "",
              name,
              Map.of(Node.ZONE_LABEL, ZONES.get(p.zone()), "kubernetes.io/hostname", name)),
          addresses,
          cidrs,
          p.unschedulable());
    }

    private void namespace(Namespace ns, NamespacePlan np) {
      String name = ns.metadata().name();
      List<Pod> pods = new ArrayList<>();
      for (int j = 0; j < np.pods().size(); j++) {
        pods.add(pod(name, j, np.pods().get(j)));
      }
      objects.addAll(pods);
      List<Service> services = new ArrayList<>();
      for (int j = 0; j < np.services().size(); j++) {
        Service s = service(name, j, np.services().get(j), pods);
        services.add(s);
        objects.add(s);
        objects.addAll(slices(s, pods));
      }
      for (int j = 0; j < np.policies().size(); j++) {
        objects.add(policy(name, j, np.policies().get(j), pods));
      }
      if (!services.isEmpty()) {
        for (int j = 0; j < np.ingresses().size(); j++) {
          objects.add(ingress(name, j, np.ingresses().get(j), services));
        }
      }
    }

    private static Ingress ingress(String namespace, int j, IngressPlan p, List<Service> services) {
      List<HttpIngressPath> paths = new ArrayList<>();
      for (PathPlan path : p.paths()) {
        Service s = services.get(path.service() % services.size());
        ServicePort port = s.ports().get(path.port() % s.ports().size());
        PortRef ref =
            path.byName() && !port.name().isEmpty()
                ? PortRef.named(port.name())
                : PortRef.of(port.port());
        PathType type = PathType.values()[path.pathType()];
        String text = List.of("/", "/api", "/api/v1", "/static/").get(path.path());
        paths.add(
            new HttpIngressPath(
                text, type, new IngressBackend.ServiceBackend(s.metadata().name(), ref)));
      }
      String host = "app-" + j + "." + namespace + ".example.com";
      return new Ingress(
          ObjectMeta.of(namespace, "ingress-" + j, Map.of()),
          p.className() ? Optional.of("k8snet") : Optional.empty(),
          Optional.empty(),
          p.tls() && p.host()
              ? List.of(new IngressTls(List.of(host), Optional.of("tls-" + j)))
              : List.of(),
          List.of(new IngressRule(p.host() ? Optional.of(host) : Optional.empty(), paths)));
    }

    private Pod pod(String namespace, int j, PodPlan p) {
      Map<String, String> labels = new TreeMap<>();
      labels.put("app", APPS.get(p.app()));
      if (p.tier() >= 0) {
        labels.put("tier", TIERS.get(p.tier()));
      }
      if (p.track() >= 0) {
        labels.put("track", TRACKS.get(p.track()));
      }
      int nodeIndex = p.node() % nodes.size();
      Node node = nodes.get(nodeIndex);
      Pod.Phase phase = p.phase();
      List<IpAddress> ips = new ArrayList<>();
      boolean scheduled = true;
      if (p.hostNetwork()) {
        ips.addAll(node.internalIps());
      } else if (phase != Pod.Phase.PENDING) {
        if (podsOnNode[nodeIndex] < podCapacity) {
          int offset = 2 + podsOnNode[nodeIndex];
          // a finished pod keeps its IPs, which the node hands out again: the next pod gets them
          if (phase != Pod.Phase.SUCCEEDED && phase != Pod.Phase.FAILED) {
            podsOnNode[nodeIndex]++;
          }
          ips.add(plus(node.podCidrs().get(0).first(), offset));
          if (plan.dual()) {
            ips.add(plus(node.podCidrs().get(1).first(), offset));
          }
        } else {
          // the node's block is full: the pod stays unscheduled
          phase = Pod.Phase.PENDING;
          scheduled = false;
        }
      }
      if (phase == Pod.Phase.PENDING && p.node() % 2 == 1) {
        scheduled = false;
      }
      List<ContainerPort> ports = new ArrayList<>();
      for (int k : p.ports()) {
        NamedPort np = NAMED_PORTS.get(k);
        ports.add(
            ContainerPort.named(
                np.name(), p.secondPortNumbers() ? np.second() : np.first(), np.protocol()));
      }
      boolean running = phase == Pod.Phase.RUNNING;
      if (p.hostNetwork() && scheduled) {
        ports = ClusterArbitraries.onHost(ports);
      }
      return new Pod(
          ObjectMeta.of(namespace, APPS.get(p.app()) + "-" + j, labels),
          scheduled ? Optional.of(node.metadata().name()) : Optional.empty(),
          p.hostNetwork() && scheduled,
          Optional.empty(),
          Optional.empty(),
          scheduled ? ips : List.of(),
          phase,
          running && p.ready(),
          ports,
          running && p.terminating()
              ? Optional.of(Instant.parse("2026-01-01T00:00:00Z"))
              : Optional.empty());
    }

    private static Map<String, String> labelSubset(Pod pod, int mask) {
      Map<String, String> out = new TreeMap<>();
      int bit = 0;
      for (Map.Entry<String, String> e : pod.metadata().labels().entrySet()) {
        if ((mask >> bit++ & 1) == 1) {
          out.put(e.getKey(), e.getValue());
        }
      }
      if (out.isEmpty()) {
        out.put("app", pod.metadata().labels().get("app"));
      }
      return out;
    }

    private Service service(String namespace, int j, ServicePlan p, List<Pod> pods) {
      int g = serviceOrdinal++;
      Service.Builder b = Service.builder(namespace, "svc-" + j);
      ServiceType type =
          switch (p.kind()) {
            case 2 -> ServiceType.NODE_PORT;
            case 3 -> ServiceType.LOAD_BALANCER;
            case 4 -> ServiceType.EXTERNAL_NAME;
            default -> ServiceType.CLUSTER_IP;
          };
      b.type(type);
      boolean dual = plan.dual() && p.dual();
      if (type == ServiceType.EXTERNAL_NAME) {
        b.externalName("svc-" + j + ".example.com");
      } else {
        if (dual) {
          b.ipFamilies(IpFamily.IPV4, IpFamily.IPV6);
          b.ipFamilyPolicy(
              p.preferDual()
                  ? IpFamilyPolicy.PREFER_DUAL_STACK
                  : IpFamilyPolicy.REQUIRE_DUAL_STACK);
        } else {
          b.ipFamilies(IpFamily.IPV4);
          b.ipFamilyPolicy(IpFamilyPolicy.SINGLE_STACK);
        }
        if (p.kind() == 1) {
          b.headless();
        } else {
          IpAddress v4 = plus(shape.serviceCidr().first(), 1 + g);
          if (dual) {
            b.clusterIps(v4, plus(SERVICE_V6.first(), 1 + g));
          } else {
            b.clusterIps(v4);
          }
        }
      }
      boolean nodePorts = type == ServiceType.NODE_PORT || type == ServiceType.LOAD_BALANCER;
      for (int i = 0; i < p.ports().size(); i++) {
        ServicePortPlan sp = p.ports().get(i);
        NamedPort np = NAMED_PORTS.get(sp.named());
        b.port(
            new ServicePort(
                np.name(),
                np.protocol(),
                np.servicePort(),
                sp.byName() ? PortRef.named(np.name()) : PortRef.of(np.first()),
                nodePorts
                    ? OptionalInt.of(NODE_PORT_MIN + g * NAMED_PORTS.size() + sp.named())
                    : OptionalInt.empty(),
                Optional.empty()));
      }
      if (type != ServiceType.EXTERNAL_NAME) {
        if (p.selectorMode() == 0 && !pods.isEmpty()) {
          b.selector(labelSubset(pods.get(p.pod() % pods.size()), p.labelMask()));
        } else if (p.selectorMode() <= 1) {
          b.selector(Map.of("app", "nothing"));
        }
      }
      p.affinity().ifPresent(s -> b.clientIpAffinity(Duration.ofSeconds(s)));
      if (nodePorts && p.localExternal()) {
        b.externalTrafficPolicy(TrafficPolicy.LOCAL);
      }
      if (p.localInternal()) {
        b.internalTrafficPolicy(TrafficPolicy.LOCAL);
      }
      b.publishNotReadyAddresses(p.publishNotReady());
      if (type == ServiceType.LOAD_BALANCER) {
        b.loadBalancerIngress(LoadBalancerIngress.ofIp(plus(LB_V4.first(), 1 + g % 250)));
      }
      return b.build();
    }

    private List<EndpointSlice> slices(Service s, List<Pod> pods) {
      if (s.type() == ServiceType.EXTERNAL_NAME || s.selector().isEmpty()) {
        return List.of();
      }
      LabelSelector selector = LabelSelector.of(s.selector());
      String name = s.metadata().name();
      String namespace = s.metadata().namespace();
      List<EndpointSlice> out = new ArrayList<>();
      for (IpFamily family : s.ipFamilies()) {
        Map<List<EndpointSlice.Port>, List<EndpointSlice.Endpoint>> groups = new LinkedHashMap<>();
        for (Pod pod : pods) {
          if (!selector.matches(pod.metadata().labels())
              || pod.phase() == Pod.Phase.SUCCEEDED
              || pod.phase() == Pod.Phase.FAILED) {
            continue;
          }
          Optional<IpAddress> ip =
              pod.podIps().stream().filter(a -> a.family() == family).findFirst();
          if (ip.isEmpty()) {
            continue;
          }
          List<EndpointSlice.Port> ports = new ArrayList<>();
          for (ServicePort sp : s.ports()) {
            OptionalInt target =
                sp.targetPort() instanceof PortRef.Number n
                    ? OptionalInt.of(n.port())
                    : pod.namedPort(sp.targetPort().toString(), sp.protocol());
            if (target.isPresent()) {
              ports.add(EndpointSlice.Port.of(sp.name(), target.getAsInt(), sp.protocol()));
            }
          }
          boolean serving = pod.ready();
          boolean ready = !pod.terminating() && (serving || s.publishNotReadyAddresses());
          Optional<String> zone =
              pod.nodeName()
                  .flatMap(
                      n -> nodes.stream().filter(x -> x.metadata().name().equals(n)).findFirst())
                  .flatMap(Node::zone);
          groups
              .computeIfAbsent(ports, k -> new ArrayList<>())
              .add(
                  new EndpointSlice.Endpoint(
                      List.of(ip.get()),
                      new EndpointSlice.Conditions(ready, serving, pod.terminating()),
                      Optional.empty(),
                      pod.nodeName(),
                      zone,
                      List.of(),
                      List.of(),
                      Optional.of(pod.ref())));
        }
        String suffix = family == IpFamily.IPV4 ? "-v4-" : "-v6-";
        int k = 0;
        for (Map.Entry<List<EndpointSlice.Port>, List<EndpointSlice.Endpoint>> e :
            groups.entrySet()) {
          out.add(slice(namespace, name, name + suffix + k++, family, e.getValue(), e.getKey()));
        }
        if (groups.isEmpty() && family == s.ipFamilies().get(0)) {
          out.add(slice(namespace, name, name + suffix + "0", family, List.of(), List.of()));
        }
      }
      return out;
    }

    private static EndpointSlice slice(
        String namespace,
        String service,
        String name,
        IpFamily family,
        List<EndpointSlice.Endpoint> endpoints,
        List<EndpointSlice.Port> ports) {
      return new EndpointSlice(
          ObjectMeta.of(
              namespace,
              name,
              Map.of(
                  EndpointSlice.SERVICE_NAME_LABEL,
                  service,
                  "endpointslice.kubernetes.io/managed-by",
                  "endpointslice-controller.k8s.io")),
          family,
          endpoints,
          ports);
    }

    private NetworkPolicy policy(String namespace, int j, PolicyPlan p, List<Pod> pods) {
      LabelSelector podSelector =
          switch (p.selectorMode()) {
            case 1 -> LabelSelector.EVERYTHING;
            case 2 ->
                new LabelSelector(
                    Map.of(),
                    List.of(
                        new LabelSelectorRequirement(
                            "app",
                            LabelSelectorRequirement.Operator.IN,
                            List.of(APPS.get(p.pod() % APPS.size())))));
            default ->
                pods.isEmpty()
                    ? LabelSelector.EVERYTHING
                    : LabelSelector.of(labelSubset(pods.get(p.pod() % pods.size()), p.labelMask()));
          };
      Set<PolicyType> types =
          switch (p.types()) {
            case 0 -> EnumSet.of(PolicyType.INGRESS);
            case 1 -> EnumSet.of(PolicyType.EGRESS);
            default -> EnumSet.of(PolicyType.INGRESS, PolicyType.EGRESS);
          };
      return new NetworkPolicy(
          ObjectMeta.of(namespace, "policy-" + j, Map.of()),
          podSelector,
          types,
          rules(p.ingress(), pods),
          rules(p.egress(), pods));
    }

    private List<NetworkPolicyRule> rules(List<RulePlan> plans, List<Pod> pods) {
      List<NetworkPolicyRule> rules = new ArrayList<>();
      for (RulePlan r : plans) {
        List<NetworkPolicyPeer> peers = new ArrayList<>();
        for (PeerPlan peer : r.peers()) {
          peers.add(peer(peer, pods));
        }
        List<NetworkPolicyPort> ports = new ArrayList<>();
        for (PortPlan port : r.ports()) {
          NamedPort np = NAMED_PORTS.get(port.named());
          ports.add(
              switch (port.kind()) {
                case 0 ->
                    new NetworkPolicyPort(
                        np.protocol(), Optional.of(PortRef.named(np.name())), OptionalInt.empty());
                case 1 -> NetworkPolicyPort.of(np.protocol(), np.first());
                case 2 ->
                    new NetworkPolicyPort(
                        np.protocol(),
                        Optional.of(PortRef.of(np.first())),
                        OptionalInt.of(Math.min(PortRange.MAX_PORT, np.first() + port.span())));
                default ->
                    new NetworkPolicyPort(np.protocol(), Optional.empty(), OptionalInt.empty());
              });
        }
        rules.add(new NetworkPolicyRule(peers, ports));
      }
      return rules;
    }

    private NetworkPolicyPeer peer(PeerPlan p, List<Pod> pods) {
      LabelSelector podSelector =
          pods.isEmpty()
              ? LabelSelector.of(Map.of("app", APPS.get(p.pick() % APPS.size())))
              : LabelSelector.of(labelSubset(pods.get(p.pick() % pods.size()), p.labelMask()));
      LabelSelector namespaceSelector =
          p.labelMask() % 3 == 0
              ? LabelSelector.of(Map.of("env", p.pick() % 2 == 0 ? "prod" : "dev"))
              : new LabelSelector(
                  Map.of(),
                  List.of(
                      new LabelSelectorRequirement(
                          Namespace.NAME_LABEL,
                          LabelSelectorRequirement.Operator.IN,
                          List.of(namespaceName(p.pick() % namespaces.size())))));
      return switch (p.kind()) {
        case 0 -> NetworkPolicyPeer.pods(podSelector);
        case 1 -> NetworkPolicyPeer.namespaces(namespaceSelector);
        case 2 -> NetworkPolicyPeer.podsInNamespaces(podSelector, namespaceSelector);
        case 3 -> {
          Cidr node = nodes.get(p.pick() % nodes.size()).podCidrs().get(0);
          yield NetworkPolicyPeer.ipBlock(
              p.labelMask() % 2 == 0
                  ? IpBlock.of(node)
                  : new IpBlock(shape.podCidr(), List.of(node)));
        }
        default ->
            NetworkPolicyPeer.ipBlock(
                IpBlock.of(Cidr.parse(p.pick() % 2 == 0 ? "0.0.0.0/0" : "::/0")));
      };
    }
  }

  static Cidr block(Cidr parent, int prefix, int index) {
    BigInteger step = BigInteger.ONE.shiftLeft(parent.family().bitLength() - prefix);
    return new Cidr(plus(parent.first(), step.multiply(BigInteger.valueOf(index))), prefix);
  }

  static IpAddress plus(IpAddress base, long offset) {
    return plus(base, BigInteger.valueOf(offset));
  }

  static IpAddress plus(IpAddress base, BigInteger offset) {
    BigInteger value = base.toBigInteger().add(offset);
    if (base.isIpv4()) {
      return IpAddress.ofIpv4(value.intValue());
    }
    return IpAddress.ofIpv6(value.shiftRight(64).longValue(), value.longValue());
  }
}
