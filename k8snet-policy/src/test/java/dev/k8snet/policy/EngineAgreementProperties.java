package dev.k8snet.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
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
import dev.k8snet.core.model.IpBlock;
import dev.k8snet.core.model.KubernetesObject;
import dev.k8snet.core.model.LabelSelector;
import dev.k8snet.core.model.LabelSelectorRequirement;
import dev.k8snet.core.model.Namespace;
import dev.k8snet.core.model.NetworkPolicy;
import dev.k8snet.core.model.NetworkPolicyPeer;
import dev.k8snet.core.model.NetworkPolicyPort;
import dev.k8snet.core.model.NetworkPolicyRule;
import dev.k8snet.core.model.Node;
import dev.k8snet.core.model.NodeAddress;
import dev.k8snet.core.model.ObjectMeta;
import dev.k8snet.core.model.Pod;
import dev.k8snet.core.model.PolicyType;
import dev.k8snet.core.model.PortRef;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The compiled engine returns exactly the reference evaluator's verdicts (explanations included) on
 * generated clusters: namespaces, pods (host-network, dual-stack, without IPs), nodes,
 * NetworkPolicies, AdminNetworkPolicies, a BaselineAdminNetworkPolicy and ClusterNetworkPolicies
 * drawn from a small vocabulary so that selectors overlap, and random probes between pods, pod IPs,
 * node IPs and external IPs.
 */
class EngineAgreementProperties {

  @Property(tries = 1000)
  void compiledEngineAgreesWithTheReferenceEvaluator(@ForAll long seed) {
    Random r = new Random(seed);
    Scenario s = Scenario.generate(r);
    PolicyEngine compiled = PolicyEngine.compile(s.state);
    PolicyEngine reference = PolicyEngine.reference(s.state);
    for (int i = 0; i < 60; i++) {
      Connection c =
          new Connection(
              s.endpoints.get(r.nextInt(s.endpoints.size())),
              s.endpoints.get(r.nextInt(s.endpoints.size())),
              Protocol.values()[r.nextInt(3)],
              80 + r.nextInt(3));
      assertEquals(reference.check(c), compiled.check(c), () -> c + "\nin " + s.objects);
    }
  }

  @Property(tries = 500)
  void updatedEngineAgreesWithTheReferenceEvaluatorOfTheNextSnapshot(@ForAll long seed) {
    Random r = new Random(seed);
    Scenario first = Scenario.generate(r);
    Scenario other = Scenario.generate(r);
    // The next snapshot mixes both: each object kept, replaced by the other's version, or dropped.
    Map<dev.k8snet.core.model.ObjectRef, KubernetesObject> next = new java.util.TreeMap<>();
    int keep = r.nextInt(10);
    for (KubernetesObject o : first.objects) {
      if (r.nextInt(10) <= keep) {
        next.put(o.ref(), o);
      }
    }
    for (KubernetesObject o : other.objects) {
      if (r.nextInt(10) > keep || !next.containsKey(o.ref()) && r.nextBoolean()) {
        next.put(o.ref(), o);
      }
    }
    if (r.nextInt(4) == 0) { // a Node change: the update recompiles
      Node relabelled =
          new Node(
              ObjectMeta.of("", "node-2", Map.of("app", "c")),
              List.of(new NodeAddress(NodeAddress.Type.INTERNAL_IP, "192.168.0.3")),
              List.of(),
              false);
      next.put(relabelled.ref(), relabelled);
    }
    ClusterState before = first.state;
    ClusterState after =
        before.with(
            2,
            next.values(),
            before.changesSince(ClusterState.EMPTY).stream()
                .map(dev.k8snet.core.cluster.ClusterChange::ref)
                .filter(ref -> !next.containsKey(ref))
                .toList());
    // Branch first: the sibling's new groups must not leak into the other update.
    PolicyEngine base = PolicyEngine.compile(before);
    ClusterState sibling = before.with(3, other.objects, List.of());
    PolicyEngine branch = base.update(sibling);
    PolicyEngine updated = base.update(after);
    PolicyEngine referenceSibling = PolicyEngine.reference(sibling);
    PolicyEngine twice = updated.update(before);
    PolicyEngine reference = PolicyEngine.reference(after);
    PolicyEngine referenceBefore = PolicyEngine.reference(before);
    List<Endpoint> endpoints = new ArrayList<>(first.endpoints);
    other.endpoints.forEach(
        e -> {
          if (!endpoints.contains(e)) {
            endpoints.add(e);
          }
        });
    for (int i = 0; i < 60; i++) {
      Connection c =
          new Connection(
              endpoints.get(r.nextInt(endpoints.size())),
              endpoints.get(r.nextInt(endpoints.size())),
              Protocol.values()[r.nextInt(3)],
              80 + r.nextInt(3));
      assertEquals(
          outcome(reference, c), outcome(updated, c), () -> c + "\nafter " + after.objects());
      assertEquals(
          outcome(referenceBefore, c),
          outcome(twice, c),
          () -> c + "\nback to " + before.objects());
      assertEquals(
          outcome(referenceSibling, c),
          outcome(branch, c),
          () -> c + "\nsibling " + sibling.objects());
    }
  }

  /** The verdict, or the message of the rejection (an unknown pod). */
  static Object outcome(PolicyEngine engine, Connection c) {
    try {
      return engine.check(c);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  record Scenario(ClusterState state, List<KubernetesObject> objects, List<Endpoint> endpoints) {
    static final List<String> KEYS = List.of("app", "tier");
    static final List<String> VALUES = List.of("a", "b", "c");

    static <T> T pick(Random r, List<T> list) {
      return list.get(r.nextInt(list.size()));
    }

    static Map<String, String> labels(Random r) {
      Map<String, String> m = new HashMap<>();
      for (String k : KEYS) {
        if (r.nextInt(3) > 0) {
          m.put(k, pick(r, VALUES));
        }
      }
      return m;
    }

    static LabelSelector selector(Random r) {
      int kind = r.nextInt(5);
      if (kind == 0) {
        return LabelSelector.EVERYTHING;
      }
      if (kind <= 2) {
        return LabelSelector.of(Map.of(pick(r, KEYS), pick(r, VALUES)));
      }
      LabelSelectorRequirement.Operator op =
          pick(r, List.of(LabelSelectorRequirement.Operator.values()));
      List<String> values =
          op == LabelSelectorRequirement.Operator.IN
                  || op == LabelSelectorRequirement.Operator.NOT_IN
              ? (r.nextBoolean() ? List.of(pick(r, VALUES)) : List.of("a", "b"))
              : List.of();
      return new LabelSelector(
          Map.of(), List.of(new LabelSelectorRequirement(pick(r, KEYS), op, values)));
    }

    static final List<IpBlock> BLOCKS =
        List.of(
            IpBlock.of(Cidr.parse("10.0.0.0/8")),
            new IpBlock(Cidr.parse("10.0.0.0/8"), List.of(Cidr.parse("10.1.0.0/16"))),
            IpBlock.of(Cidr.parse("10.2.0.0/16")),
            IpBlock.of(Cidr.parse("192.168.0.0/24")),
            new IpBlock(Cidr.parse("0.0.0.0/0"), List.of(Cidr.parse("10.0.0.0/8"))),
            IpBlock.of(Cidr.parse("fd00::/64")),
            IpBlock.of(Cidr.parse("10.0.0.1/32")));

    static NetworkPolicyPeer npPeer(Random r) {
      return switch (r.nextInt(4)) {
        case 0 -> NetworkPolicyPeer.pods(selector(r));
        case 1 -> NetworkPolicyPeer.namespaces(selector(r));
        case 2 -> NetworkPolicyPeer.podsInNamespaces(selector(r), selector(r));
        default -> NetworkPolicyPeer.ipBlock(pick(r, BLOCKS));
      };
    }

    static NetworkPolicyPort npPort(Random r) {
      Protocol p = Protocol.values()[r.nextInt(3)];
      return switch (r.nextInt(4)) {
        case 0 -> new NetworkPolicyPort(p, Optional.empty(), OptionalInt.empty());
        case 1 -> NetworkPolicyPort.of(p, 80 + r.nextInt(2));
        case 2 -> new NetworkPolicyPort(p, Optional.of(PortRef.of(80)), OptionalInt.of(81));
        default ->
            new NetworkPolicyPort(
                p, Optional.of(PortRef.named(pick(r, List.of("web", "alt")))), OptionalInt.empty());
      };
    }

    static <T> List<T> some(Random r, int max, java.util.function.Supplier<T> gen) {
      int n = r.nextInt(max + 1);
      List<T> list = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        list.add(gen.get());
      }
      return list;
    }

    static NetworkPolicyRule npRule(Random r) {
      return new NetworkPolicyRule(some(r, 2, () -> npPeer(r)), some(r, 2, () -> npPort(r)));
    }

    static AdminPeer subject(Random r) {
      return r.nextBoolean()
          ? new AdminPeer.Namespaces(selector(r))
          : new AdminPeer.Pods(selector(r), selector(r));
    }

    static AdminPeer adminPeer(Random r, boolean egress, AdminPolicyAction action) {
      int kind = r.nextInt(egress ? 5 : 2);
      return switch (kind) {
        case 0 -> new AdminPeer.Namespaces(selector(r));
        case 1 -> new AdminPeer.Pods(selector(r), selector(r));
        case 2 ->
            new AdminPeer.Networks(
                List.of(pick(r, BLOCKS).cidr(), Cidr.parse("10." + r.nextInt(3) + ".0.0/16")));
        case 3 -> new AdminPeer.Nodes(selector(r));
        default ->
            action == AdminPolicyAction.ALLOW
                ? new AdminPeer.DomainNames(List.of("example.com"))
                : new AdminPeer.Networks(List.of(Cidr.parse("0.0.0.0/0")));
      };
    }

    static AdminPort adminPort(Random r) {
      Protocol p = Protocol.values()[r.nextInt(3)];
      return switch (r.nextInt(3)) {
        case 0 -> new AdminPort.Number(p, 80 + r.nextInt(2));
        case 1 -> new AdminPort.Range(p, 80, 81);
        default -> new AdminPort.Named(pick(r, List.of("web", "alt")));
      };
    }

    static List<AdminPolicyRule> adminRules(
        Random r, boolean egress, List<AdminPolicyAction> actions) {
      return some(
          r,
          3,
          () -> {
            AdminPolicyAction a = pick(r, actions);
            int peers = 1 + r.nextInt(2);
            List<AdminPeer> list = new ArrayList<>();
            for (int i = 0; i < peers; i++) {
              list.add(adminPeer(r, egress, a));
            }
            return new AdminPolicyRule(
                r.nextBoolean() ? "" : "r" + r.nextInt(9), a, list, some(r, 2, () -> adminPort(r)));
          });
    }

    static Scenario generate(Random r) {
      List<KubernetesObject> objects = new ArrayList<>();
      List<Endpoint> endpoints = new ArrayList<>();
      objects.add(
          new Node(
              ObjectMeta.of("", "node-1", Map.of("app", "a")),
              List.of(new NodeAddress(NodeAddress.Type.INTERNAL_IP, "192.168.0.1")),
              List.of(),
              false));
      objects.add(
          new Node(
              ObjectMeta.of("", "node-2", Map.of("app", "b")),
              List.of(
                  new NodeAddress(NodeAddress.Type.INTERNAL_IP, "192.168.0.2"),
                  new NodeAddress(NodeAddress.Type.HOSTNAME, "node-2")),
              List.of(),
              false));
      int namespaces = 1 + r.nextInt(3);
      List<String> nsNames = new ArrayList<>();
      for (int n = 0; n < namespaces; n++) {
        String ns = "ns" + n;
        nsNames.add(ns);
        if (r.nextInt(10) > 0) {
          objects.add(Namespace.of(ns, labels(r)));
        }
        int pods = 1 + r.nextInt(4);
        for (int i = 0; i < pods; i++) {
          Pod.Builder b =
              Pod.builder(ns, "p" + i)
                  .labels(labels(r))
                  .nodeName(r.nextBoolean() ? "node-1" : "node-2");
          int ipKind = r.nextInt(10);
          if (ipKind == 0) {
            b.hostNetwork(true).podIps(IpAddress.parse("192.168.0." + (1 + r.nextInt(2))));
          } else if (ipKind == 1) {
            b.podIps(); // no IP yet
          } else if (ipKind == 2) {
            b.podIps(
                IpAddress.parse("10." + n + ".0." + (i + 1)),
                IpAddress.parse("fd00::" + n + ":" + (i + 1)));
          } else if (ipKind == 3) {
            b.podIps(IpAddress.parse("fd00::" + n + ":" + (i + 1)));
          } else {
            b.podIps(IpAddress.parse("10." + n + ".0." + (i + 1)));
          }
          for (String name : List.of("web", "alt")) {
            if (r.nextBoolean()) {
              b.containerPort(
                  ContainerPort.named(name, 80 + r.nextInt(3), Protocol.values()[r.nextInt(3)]));
            }
          }
          Pod pod = b.build();
          objects.add(pod);
          endpoints.add(Endpoint.pod(ns, "p" + i));
          pod.podIps().forEach(ip -> endpoints.add(Endpoint.ip(ip)));
        }
      }
      for (String ip : List.of("192.168.0.1", "192.168.0.2", "8.8.8.8", "fd00::99", "10.1.0.7")) {
        endpoints.add(Endpoint.parse(ip));
      }
      int nps = r.nextInt(5);
      for (int i = 0; i < nps; i++) {
        Set<PolicyType> types = EnumSet.noneOf(PolicyType.class);
        while (types.isEmpty()) {
          if (r.nextBoolean()) {
            types.add(PolicyType.INGRESS);
          }
          if (r.nextBoolean()) {
            types.add(PolicyType.EGRESS);
          }
        }
        objects.add(
            new NetworkPolicy(
                ObjectMeta.of(pick(r, nsNames), "np" + i, Map.of()),
                selector(r),
                types,
                some(r, 2, () -> npRule(r)),
                some(r, 2, () -> npRule(r))));
      }
      List<AdminPolicyAction> all = List.of(AdminPolicyAction.values());
      List<AdminPolicyAction> allowDeny = List.of(AdminPolicyAction.ALLOW, AdminPolicyAction.DENY);
      int anps = r.nextInt(3);
      for (int i = 0; i < anps; i++) {
        objects.add(
            new AdminNetworkPolicy(
                ObjectMeta.of("", "anp" + i, Map.of()),
                1 + r.nextInt(3),
                subject(r),
                adminRules(r, false, all),
                adminRules(r, true, all)));
      }
      if (r.nextBoolean()) {
        objects.add(
            new BaselineAdminNetworkPolicy(
                ObjectMeta.of("", "default", Map.of()),
                subject(r),
                adminRules(r, false, allowDeny),
                adminRules(r, true, allowDeny)));
      }
      int cnps = r.nextInt(3);
      for (int i = 0; i < cnps; i++) {
        objects.add(
            new ClusterNetworkPolicy(
                ObjectMeta.of("", "cnp" + i, Map.of()),
                r.nextBoolean()
                    ? ClusterNetworkPolicy.Tier.ADMIN
                    : ClusterNetworkPolicy.Tier.BASELINE,
                1 + r.nextInt(3),
                subject(r),
                adminRules(r, false, all),
                adminRules(r, true, all)));
      }
      return new Scenario(ClusterState.of(1, objects), objects, endpoints);
    }
  }
}
