package dev.k8snet.policy;

import static dev.k8snet.policy.E2eModel.assertReachability;
import static dev.k8snet.policy.E2eModel.state;

import dev.k8snet.core.Protocol;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.policy.E2eModel.Expect;
import org.junit.jupiter.api.Test;

/**
 * Scenarios of the upstream Kubernetes e2e network policy suite, on its x/y/z × a/b/c model, as
 * truth tables (our own fixtures, written from the suite's documented expectations).
 */
class NetworkPolicyE2eTest {

  static String np(String namespace, String name, String spec) {
    return "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: "
        + name
        + ", namespace: "
        + namespace
        + "}\nspec:\n"
        + spec.indent(2);
  }

  @Test
  void noPoliciesAllowsEverything() {
    assertReachability(state(), Protocol.TCP, 80, new Expect());
  }

  @Test
  void defaultDenyIngressIsolatesEveryPodOfTheNamespace() {
    ClusterState s = state(np("x", "deny-ingress", "podSelector: {}\npolicyTypes: [Ingress]"));
    assertReachability(s, Protocol.TCP, 80, new Expect().allIngress("x/*", false));
    assertReachability(s, Protocol.UDP, 81, new Expect().allIngress("x/*", false));
  }

  @Test
  void defaultDenyAllIsolatesBothDirections() {
    ClusterState s = state(np("x", "deny-all", "podSelector: {}\npolicyTypes: [Ingress, Egress]"));
    assertReachability(
        s, Protocol.TCP, 80, new Expect().allIngress("x/*", false).allEgress("x/*", false));
  }

  @Test
  void ingressFromPodSelectorIsNamespaceLocal() {
    ClusterState s =
        state(
            np(
                "x",
                "allow-b",
                """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                - from: [{podSelector: {matchLabels: {pod: b}}}]
                """));
    assertReachability(
        s, Protocol.TCP, 80, new Expect().allIngress("x/a", false).set("x/b", "x/a", true));
  }

  @Test
  void ingressFromNamespaceSelector() {
    ClusterState s =
        state(
            np(
                "x",
                "allow-ns-y",
                """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                - from: [{namespaceSelector: {matchLabels: {ns: y}}}]
                """));
    assertReachability(
        s, Protocol.TCP, 80, new Expect().allIngress("x/a", false).set("y/*", "x/a", true));
  }

  @Test
  void namespaceSelectorWithMatchExpressions() {
    ClusterState s =
        state(
            np(
                "x",
                "allow-not-x",
                """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                - from:
                  - namespaceSelector:
                      matchExpressions: [{key: ns, operator: NotIn, values: [x]}]
                """));
    assertReachability(
        s,
        Protocol.TCP,
        80,
        new Expect().allIngress("x/a", false).set("y/*", "x/a", true).set("z/*", "x/a", true));
  }

  @Test
  void namespaceByItsDefaultNameLabel() {
    ClusterState s =
        state(
            np(
                "x",
                "allow-y",
                """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}}]
                """));
    assertReachability(
        s, Protocol.TCP, 80, new Expect().allIngress("x/a", false).set("y/*", "x/a", true));
  }

  @Test
  void podSelectorOrNamespaceSelectorInTwoPeers() {
    ClusterState s =
        state(
            np(
                "x",
                "or",
                """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                - from:
                  - namespaceSelector: {matchLabels: {ns: y}}
                  - podSelector: {matchLabels: {pod: b}}
                """));
    assertReachability(
        s,
        Protocol.TCP,
        80,
        new Expect().allIngress("x/a", false).set("y/*", "x/a", true).set("x/b", "x/a", true));
  }

  @Test
  void podSelectorAndNamespaceSelectorInOnePeer() {
    ClusterState s =
        state(
            np(
                "x",
                "and",
                """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                - from:
                  - namespaceSelector: {matchLabels: {ns: y}}
                    podSelector: {matchLabels: {pod: b}}
                """));
    assertReachability(
        s, Protocol.TCP, 80, new Expect().allIngress("x/a", false).set("y/b", "x/a", true));
  }

  @Test
  void multiplePodSelectorsAndNamespaceSelectorsWithExpressions() {
    ClusterState s =
        state(
            np(
                "x",
                "multi",
                """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                - from:
                  - namespaceSelector:
                      matchExpressions: [{key: ns, operator: NotIn, values: [x]}]
                    podSelector:
                      matchExpressions: [{key: pod, operator: In, values: [b, c]}]
                """));
    assertReachability(
        s,
        Protocol.TCP,
        80,
        new Expect()
            .allIngress("x/a", false)
            .set("y/b", "x/a", true)
            .set("y/c", "x/a", true)
            .set("z/b", "x/a", true)
            .set("z/c", "x/a", true));
  }

  @Test
  void emptyNamespaceSelectorWithPodSelectorMatchesThatLabelInEveryNamespace() {
    ClusterState s =
        state(
            np(
                "x",
                "any-ns-b",
                """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                - from: [{namespaceSelector: {}, podSelector: {matchLabels: {pod: b}}}]
                """));
    assertReachability(
        s, Protocol.TCP, 80, new Expect().allIngress("x/a", false).set("*/b", "x/a", true));
  }

  @Test
  void ingressOnOnePortOnly() {
    ClusterState s =
        state(
            np(
                "x",
                "port-81",
                """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                - from: [{namespaceSelector: {matchLabels: {ns: y}}}]
                  ports: [{port: 81, protocol: TCP}]
                """));
    assertReachability(s, Protocol.TCP, 80, new Expect().allIngress("x/a", false));
    assertReachability(
        s, Protocol.TCP, 81, new Expect().allIngress("x/a", false).set("y/*", "x/a", true));
  }

  @Test
  void rulesAreUnionsPerRuleNotCrossProducts() {
    // Two policies: {from b, port 80} and {from ns y, port 81}: b:81 and y:80 stay closed.
    ClusterState s =
        state(
            np(
                "x",
                "from-b-80",
                """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                - from: [{podSelector: {matchLabels: {pod: b}}}]
                  ports: [{port: 80}]
                """),
            np(
                "x",
                "from-y-81",
                """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                - from: [{namespaceSelector: {matchLabels: {ns: y}}}]
                  ports: [{port: 81}]
                """));
    assertReachability(
        s, Protocol.TCP, 80, new Expect().allIngress("x/a", false).set("x/b", "x/a", true));
    assertReachability(
        s, Protocol.TCP, 81, new Expect().allIngress("x/a", false).set("y/*", "x/a", true));
  }

  @Test
  void namedPortIngressResolvedOnTheServer() {
    ClusterState s =
        state(
            np(
                "x",
                "named",
                """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                - ports: [{port: serve-80-tcp}]
                """));
    assertReachability(s, Protocol.TCP, 80, new Expect());
    assertReachability(s, Protocol.TCP, 81, new Expect().allIngress("x/a", false));
    // The name is declared for TCP: a UDP rule with that name matches nothing.
    assertReachability(s, Protocol.UDP, 80, new Expect().allIngress("x/a", false));
  }

  @Test
  void namedPortWithAnotherProtocolMatchesNothingButStillIsolates() {
    ClusterState s =
        state(
            np(
                "x",
                "named-udp",
                """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                - ports: [{port: serve-80-tcp, protocol: UDP}]
                """));
    assertReachability(s, Protocol.TCP, 80, new Expect().allIngress("x/a", false));
    assertReachability(s, Protocol.UDP, 80, new Expect().allIngress("x/a", false));
  }

  @Test
  void namedPortEgressResolvedOnEachDestination() {
    ClusterState s =
        state(
            np(
                "x",
                "egress-named",
                """
                podSelector: {matchLabels: {pod: a}}
                policyTypes: [Egress]
                egress:
                - ports: [{port: serve-81-udp, protocol: UDP}]
                """));
    assertReachability(s, Protocol.UDP, 81, new Expect());
    assertReachability(s, Protocol.UDP, 80, new Expect().allEgress("x/a", false));
    assertReachability(s, Protocol.TCP, 81, new Expect().allEgress("x/a", false));
  }

  @Test
  void endPortIsAnInclusiveRange() {
    ClusterState s =
        state(
            np(
                "x",
                "range",
                """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                - ports: [{port: 79, endPort: 80}]
                """));
    assertReachability(s, Protocol.TCP, 80, new Expect());
    assertReachability(s, Protocol.TCP, 81, new Expect().allIngress("x/a", false));
  }

  @Test
  void protocolWithoutPortAllowsEveryPortOfThatProtocolOnly() {
    ClusterState s =
        state(
            np(
                "x",
                "udp-only",
                """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                - ports: [{protocol: UDP}]
                """));
    assertReachability(s, Protocol.UDP, 80, new Expect());
    assertReachability(s, Protocol.UDP, 81, new Expect());
    assertReachability(s, Protocol.TCP, 80, new Expect().allIngress("x/a", false));
    assertReachability(s, Protocol.SCTP, 81, new Expect().allIngress("x/a", false));
  }

  @Test
  void sctpOnlyRuleKeepsTcpClosed() {
    ClusterState s =
        state(
            np(
                "x",
                "sctp",
                """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                - ports: [{protocol: SCTP, port: 80}]
                """));
    assertReachability(s, Protocol.SCTP, 80, new Expect());
    assertReachability(s, Protocol.TCP, 80, new Expect().allIngress("x/a", false));
  }

  @Test
  void emptyPortsListMeansEveryProtocolButEmptyEntryMeansTcpOnly() {
    ClusterState all =
        state(
            np(
                "x",
                "ports-empty",
                "podSelector: {matchLabels: {pod: a}}\ningress:\n- ports: []\n"));
    ClusterState tcp =
        state(
            np(
                "x",
                "ports-empty-entry",
                "podSelector: {matchLabels: {pod: a}}\ningress:\n- ports: [{}]\n"));
    for (Protocol p : Protocol.values()) {
      assertReachability(all, p, 81, new Expect());
      assertReachability(
          tcp, p, 81, p == Protocol.TCP ? new Expect() : new Expect().allIngress("x/a", false));
    }
  }

  @Test
  void allowAllRuleAfterDenyAll() {
    ClusterState s =
        state(
            np("x", "deny", "podSelector: {}\npolicyTypes: [Ingress]"),
            np("x", "allow-all", "podSelector: {}\ningress: [{}]"));
    assertReachability(s, Protocol.TCP, 80, new Expect());
  }

  @Test
  void stackedPoliciesWithOverlappingSelectorsAreAdditive() {
    ClusterState s =
        state(
            np(
                "x",
                "from-y",
                """
                podSelector: {matchLabels: {pod: a}}
                ingress: [{from: [{namespaceSelector: {matchLabels: {ns: y}}}]}]
                """),
            np(
                "x",
                "from-z",
                """
                podSelector: {}
                ingress: [{from: [{namespaceSelector: {matchLabels: {ns: z}}}]}]
                """));
    assertReachability(
        s,
        Protocol.TCP,
        80,
        new Expect().allIngress("x/*", false).set("z/*", "x/*", true).set("y/*", "x/a", true));
  }

  @Test
  void egressDenyOnTheClientWinsOverServerAllow() {
    ClusterState s =
        state(
            np("x", "deny-egress-a", "podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Egress]"),
            np("y", "allow-all-in", "podSelector: {}\ningress: [{}]"));
    assertReachability(s, Protocol.TCP, 80, new Expect().allEgress("x/a", false));
  }

  @Test
  void egressToNamespaceOnly() {
    ClusterState s =
        state(
            np(
                "x",
                "egress-y",
                """
                podSelector: {matchLabels: {pod: a}}
                policyTypes: [Egress]
                egress:
                - to: [{namespaceSelector: {matchLabels: {ns: y}}}]
                - ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
                """));
    assertReachability(
        s, Protocol.TCP, 80, new Expect().allEgress("x/a", false).set("x/a", "y/*", true));
  }

  @Test
  void egressToPodInCidrBlock() {
    ClusterState s =
        state(
            np(
                "x",
                "egress-cidr",
                """
                podSelector: {matchLabels: {pod: a}}
                policyTypes: [Egress]
                egress:
                - to: [{ipBlock: {cidr: 10.0.1.11/32}}]
                """));
    assertReachability(
        s, Protocol.TCP, 80, new Expect().allEgress("x/a", false).set("x/a", "x/b", true));
  }

  @Test
  void ipBlockExceptSubtractsPodIps() {
    // 10.0.0.0/16 covers every pod; except y's /24.
    ClusterState s =
        state(
            np(
                "x",
                "egress-except",
                """
                podSelector: {matchLabels: {pod: a}}
                policyTypes: [Egress]
                egress:
                - to: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.0.2.0/24]}}]
                """));
    assertReachability(s, Protocol.TCP, 80, new Expect().set("x/a", "y/*", false));
  }

  @Test
  void anotherPolicyReallowsAnExceptedAddress() {
    ClusterState s =
        state(
            np(
                "x",
                "egress-except",
                """
                podSelector: {matchLabels: {pod: a}}
                policyTypes: [Egress]
                egress:
                - to: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.0.2.0/24]}}]
                """),
            np(
                "x",
                "egress-y-b",
                """
                podSelector: {matchLabels: {pod: a}}
                policyTypes: [Egress]
                egress:
                - to: [{ipBlock: {cidr: 10.0.2.11/32}}]
                """));
    assertReachability(
        s, Protocol.TCP, 80, new Expect().set("x/a", "y/a", false).set("x/a", "y/c", false));
  }

  @Test
  void ingressIpBlockMatchesClientPodIps() {
    ClusterState s =
        state(
            np(
                "x",
                "in-cidr",
                """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                - from: [{ipBlock: {cidr: 10.0.3.0/24}}]
                """));
    assertReachability(
        s, Protocol.TCP, 80, new Expect().allIngress("x/a", false).set("z/*", "x/a", true));
  }

  @Test
  void policyTypesDefaultWithEgressRulesAlsoIsolatesIngress() {
    ClusterState s =
        state(
            np(
                "x",
                "egress-only-rules",
                """
                podSelector: {matchLabels: {pod: a}}
                egress:
                - to: [{namespaceSelector: {matchLabels: {ns: y}}}]
                """));
    assertReachability(
        s,
        Protocol.TCP,
        80,
        new Expect().allIngress("x/a", false).allEgress("x/a", false).set("x/a", "y/*", true));
  }

  @Test
  void rulesOfADirectionNotInPolicyTypesAreIgnored() {
    ClusterState s =
        state(
            np(
                "x",
                "ingress-rules-egress-type",
                """
                podSelector: {matchLabels: {pod: a}}
                policyTypes: [Egress]
                ingress: [{}]
                egress:
                - to: [{podSelector: {matchLabels: {pod: b}}}]
                """));
    assertReachability(
        s, Protocol.TCP, 80, new Expect().allEgress("x/a", false).set("x/a", "x/b", true));
  }

  @Test
  void ingressAndEgressTogether() {
    ClusterState s =
        state(
            np(
                "x",
                "both",
                """
                podSelector: {matchLabels: {pod: a}}
                policyTypes: [Ingress, Egress]
                ingress:
                - from: [{podSelector: {matchLabels: {pod: b}}}]
                egress:
                - to: [{podSelector: {matchLabels: {pod: c}}}]
                """));
    assertReachability(
        s,
        Protocol.TCP,
        80,
        new Expect()
            .allIngress("x/a", false)
            .allEgress("x/a", false)
            .set("x/b", "x/a", true)
            .set("x/a", "x/c", true));
  }

  @Test
  void labelChangeOnAPodChangesTheVerdict() {
    String policy =
        np(
            "x",
            "allow-b",
            """
            podSelector: {matchLabels: {pod: a}}
            ingress:
            - from: [{podSelector: {matchLabels: {pod: b}}}]
            """);
    ClusterState before = state(policy);
    ClusterState after =
        before.with(
            2,
            java.util.List.of(relabel(before, "x", "c", java.util.Map.of("pod", "b"))),
            java.util.List.of());
    assertReachability(
        before, Protocol.TCP, 80, new Expect().allIngress("x/a", false).set("x/b", "x/a", true));
    assertReachability(
        after,
        Protocol.TCP,
        80,
        new Expect().allIngress("x/a", false).set("x/b", "x/a", true).set("x/c", "x/a", true));
  }

  @Test
  void namespaceLabelChangeChangesTheVerdict() {
    ClusterState before =
        state(
            np(
                "x",
                "allow-ns-y",
                """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                - from: [{namespaceSelector: {matchLabels: {ns: y}}}]
                """));
    ClusterState after =
        before.with(
            2,
            java.util.List.of(dev.k8snet.core.model.Namespace.of("z", java.util.Map.of("ns", "y"))),
            java.util.List.of());
    assertReachability(
        after,
        Protocol.TCP,
        80,
        new Expect().allIngress("x/a", false).set("y/*", "x/a", true).set("z/*", "x/a", true));
  }

  @Test
  void deletedPolicyStopsApplying() {
    ClusterState before = state(np("x", "deny", "podSelector: {}\npolicyTypes: [Ingress]"));
    ClusterState after =
        before.with(
            2,
            java.util.List.of(),
            java.util.List.of(new dev.k8snet.core.model.ObjectRef("NetworkPolicy", "x", "deny")));
    assertReachability(after, Protocol.TCP, 80, new Expect());
  }

  @Test
  void egressDenyByPodSelector() {
    ClusterState s =
        state(
            np(
                "x",
                "deny-egress-b",
                "podSelector: {matchLabels: {pod: b}}\npolicyTypes: [Egress]\negress: []"));
    assertReachability(s, Protocol.TCP, 80, new Expect().allEgress("x/b", false));
  }

  @Test
  void egressToAPodOfAnotherNamespaceByPodAndNamespaceSelector() {
    ClusterState s =
        state(
            np(
                "x",
                "to-y-b",
                """
                podSelector: {matchLabels: {pod: a}}
                policyTypes: [Egress]
                egress:
                - to: [{namespaceSelector: {matchLabels: {ns: y}}, podSelector: {matchLabels: {pod: b}}}]
                """));
    assertReachability(
        s, Protocol.TCP, 80, new Expect().allEgress("x/a", false).set("x/a", "y/b", true));
  }

  @Test
  void ingressAndEgressAreControlledIndependently() {
    // x/a may only send to x/b; x/b may only receive from x/c: x/a -> x/b is denied at x/b.
    ClusterState s =
        state(
            np(
                "x",
                "a-egress",
                """
                podSelector: {matchLabels: {pod: a}}
                policyTypes: [Egress]
                egress: [{to: [{podSelector: {matchLabels: {pod: b}}}]}]
                """),
            np(
                "x",
                "b-ingress",
                """
                podSelector: {matchLabels: {pod: b}}
                ingress: [{from: [{podSelector: {matchLabels: {pod: c}}}]}]
                """));
    assertReachability(
        s,
        Protocol.TCP,
        80,
        new Expect().allEgress("x/a", false).allIngress("x/b", false).set("x/c", "x/b", true));
  }

  @Test
  void oneNamedPortMeansDifferentNumbersOnDifferentPods() {
    String pods =
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: web1, namespace: y, labels: {app: web}}
        spec: {nodeName: node-1, containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
        status: {phase: Running, podIP: 10.0.2.50}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: web2, namespace: y, labels: {app: web}}
        spec: {nodeName: node-1, containers: [{name: c, ports: [{name: http, containerPort: 9090}]}]}
        status: {phase: Running, podIP: 10.0.2.51}
        """;
    ClusterState s =
        state(
            pods,
            np(
                "x",
                "egress-http",
                """
                podSelector: {matchLabels: {pod: a}}
                policyTypes: [Egress]
                egress: [{ports: [{port: http}]}]
                """));
    for (PolicyEngine e : java.util.List.of(PolicyEngine.compile(s), PolicyEngine.reference(s))) {
      org.junit.jupiter.api.Assertions.assertTrue(
          e.check(Connection.of("x/a", "y/web1", Protocol.TCP, 8080)).allowed());
      org.junit.jupiter.api.Assertions.assertFalse(
          e.check(Connection.of("x/a", "y/web1", Protocol.TCP, 9090)).allowed());
      org.junit.jupiter.api.Assertions.assertTrue(
          e.check(Connection.of("x/a", "y/web2", Protocol.TCP, 9090)).allowed());
      org.junit.jupiter.api.Assertions.assertFalse(
          e.check(Connection.of("x/a", "y/web2", Protocol.TCP, 8080)).allowed());
      // By IP the destination is still the pod, so the name still resolves on it.
      org.junit.jupiter.api.Assertions.assertTrue(
          e.check(Connection.of("x/a", "10.0.2.51", Protocol.TCP, 9090)).allowed());
    }
  }

  @Test
  void updatedPolicyTakesEffect() {
    ClusterState before =
        state(
            np(
                "x",
                "allow",
                """
                podSelector: {matchLabels: {pod: a}}
                ingress: [{from: [{podSelector: {matchLabels: {pod: b}}}]}]
                """));
    ClusterState after =
        before.with(
            2,
            E2eModelTestSupport.read(
                np(
                    "x",
                    "allow",
                    """
                    podSelector: {matchLabels: {pod: a}}
                    ingress: [{from: [{podSelector: {matchLabels: {pod: c}}}]}]
                    """)),
            java.util.List.of());
    assertReachability(
        after, Protocol.TCP, 80, new Expect().allIngress("x/a", false).set("x/c", "x/a", true));
    PolicyEngine updated = PolicyEngine.compile(before).update(after);
    org.junit.jupiter.api.Assertions.assertFalse(
        updated.check(Connection.of("x/b", "x/a", Protocol.TCP, 80)).allowed());
    org.junit.jupiter.api.Assertions.assertTrue(
        updated.check(Connection.of("x/c", "x/a", Protocol.TCP, 80)).allowed());
  }

  static dev.k8snet.core.model.Pod relabel(
      ClusterState s, String ns, String name, java.util.Map<String, String> labels) {
    dev.k8snet.core.model.Pod p = s.get(dev.k8snet.core.model.Pod.class, ns, name).orElseThrow();
    dev.k8snet.core.model.ObjectMeta m = p.metadata();
    return new dev.k8snet.core.model.Pod(
        new dev.k8snet.core.model.ObjectMeta(
            m.namespace(),
            m.name(),
            labels,
            m.annotations(),
            m.uid(),
            m.resourceVersion(),
            m.creationTimestamp()),
        p.nodeName(),
        p.hostNetwork(),
        p.hostname(),
        p.subdomain(),
        p.podIps(),
        p.phase(),
        p.ready(),
        p.containerPorts(),
        p.deletionTimestamp());
  }
}
