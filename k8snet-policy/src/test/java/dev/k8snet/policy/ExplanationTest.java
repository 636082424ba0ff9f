package dev.k8snet.policy;

import static dev.k8snet.policy.E2eModel.state;
import static dev.k8snet.policy.NetworkPolicyE2eTest.np;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.IpAddress;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.ObjectRef;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Explanations, and the endpoints that are not pods subject to policy. */
class ExplanationTest {
  static final String HOST_POD =
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: host, namespace: kube-system, labels: {pod: a}}
      spec: {nodeName: node-2, hostNetwork: true, containers: [{name: c}]}
      status: {phase: Running, podIP: 192.168.0.2}
      """;

  static Verdict check(ClusterState s, String from, String to, Protocol p, int port) {
    Verdict compiled = PolicyEngine.compile(s).check(Connection.of(from, to, p, port));
    assertEquals(
        PolicyEngine.reference(s).check(Connection.of(from, to, p, port)),
        compiled,
        "compiled and reference engines disagree");
    return compiled;
  }

  @Test
  void allowedByANetworkPolicyRuleNamesPolicyRulePeerAndPort() {
    ClusterState s =
        state(
            np(
                "x",
                "allow-b",
                """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                - from: [{ipBlock: {cidr: 172.16.0.0/12}}]
                - from: [{podSelector: {matchLabels: {pod: c}}}, {podSelector: {matchLabels: {pod: b}}}]
                  ports: [{port: 81}, {port: 80}]
                """));
    Decision d = check(s, "x/b", "x/a", Protocol.TCP, 80).ingress();
    assertEquals(Optional.of(new ObjectRef("NetworkPolicy", "x", "allow-b")), d.policy());
    assertEquals(OptionalInt.of(1), d.rule());
    assertEquals(Optional.of("podSelector pod=b"), d.peer());
    assertEquals(Optional.of("80/TCP"), d.port());
    assertEquals(
        "allowed by rule 1 of NetworkPolicy x/allow-b: peer podSelector pod=b, port 80/TCP",
        d.reason());
  }

  @Test
  void deniedByIsolationListsEveryIsolatingPolicy() {
    ClusterState s =
        state(
            np("x", "deny", "podSelector: {}\npolicyTypes: [Ingress]"),
            np(
                "x",
                "allow-b",
                "podSelector: {matchLabels: {pod: a}}\n"
                    + "ingress: [{from: [{podSelector: {matchLabels: {pod: b}}}]}]"));
    Verdict v = check(s, "x/c", "x/a", Protocol.TCP, 80);
    assertFalse(v.allowed());
    assertTrue(v.egress().allowed());
    assertEquals(Tier.DEFAULT, v.egress().tier());
    Decision d = v.ingress();
    assertEquals(Tier.NETWORK_POLICY, d.tier());
    assertEquals(
        List.of(
            new ObjectRef("NetworkPolicy", "x", "allow-b"),
            new ObjectRef("NetworkPolicy", "x", "deny")),
        d.isolatedBy());
    assertEquals(
        "denied: isolated by NetworkPolicy x/allow-b and NetworkPolicy x/deny, no rule allows it",
        d.reason());
    assertTrue(v.explain().contains("DENIED"));
  }

  @Test
  void defaultAllowSaysNoPolicyIsolates() {
    Verdict v = check(state(), "x/a", "y/b", Protocol.UDP, 53);
    assertTrue(v.allowed());
    assertEquals(
        "allowed: no rule decided and no NetworkPolicy isolates y/b for ingress: allowed by default",
        v.ingress().reason());
  }

  @Test
  void externalAddressesHaveNoPolicySide() {
    ClusterState s =
        state(
            np("x", "deny-all", "podSelector: {}\npolicyTypes: [Ingress, Egress]"),
            np(
                "y",
                "from-outside",
                "podSelector: {}\ningress: [{from: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]}]"));
    Verdict out = check(s, "x/a", "8.8.8.8", Protocol.UDP, 53);
    assertFalse(out.allowed());
    assertEquals(Tier.NONE, out.ingress().tier());
    assertTrue(check(s, "8.8.8.8", "y/a", Protocol.TCP, 80).allowed());
    assertFalse(check(s, "x/b", "y/a", Protocol.TCP, 80).allowed());
    // An address that is a pod's IP is that pod.
    Verdict byIp = check(s, "10.0.1.10", "y/a", Protocol.TCP, 80);
    assertFalse(byIp.allowed());
    assertEquals(Tier.NETWORK_POLICY, byIp.egress().tier());
  }

  @Test
  void ingressFromThePodsOwnNodeIsAlwaysAllowed() {
    ClusterState s = state(np("x", "deny-all", "podSelector: {}\npolicyTypes: [Ingress]"));
    Verdict own = check(s, "192.168.0.1", "x/a", Protocol.TCP, 8080);
    assertTrue(own.allowed());
    assertEquals(Tier.NONE, own.ingress().tier());
    assertFalse(check(s, "192.168.0.2", "x/a", Protocol.TCP, 8080).allowed());
  }

  @Test
  void hostNetworkPodsAreTheirNodesAddressForPolicy() {
    ClusterState s =
        state(
            HOST_POD,
            np(
                "x",
                "from-pod-a",
                """
                podSelector: {matchLabels: {pod: b}}
                ingress: [{from: [{namespaceSelector: {}, podSelector: {matchLabels: {pod: a}}}]}]
                """),
            np(
                "x",
                "from-nodes",
                """
                podSelector: {matchLabels: {pod: c}}
                ingress: [{from: [{ipBlock: {cidr: 192.168.0.0/24}}]}]
                """));
    // Selectors never pick a host-network pod, even with matching labels.
    assertFalse(check(s, "kube-system/host", "x/b", Protocol.TCP, 80).allowed());
    assertTrue(check(s, "y/a", "x/b", Protocol.TCP, 80).allowed());
    // ipBlock matches its (node) address.
    assertTrue(check(s, "kube-system/host", "x/c", Protocol.TCP, 80).allowed());
    Verdict v = check(s, "kube-system/host", "x/b", Protocol.TCP, 80);
    assertEquals(Tier.NONE, v.egress().tier());
  }

  @Test
  void aPodTalkingToItselfIsNotSubjectToPolicy() {
    ClusterState s = state(np("x", "deny-all", "podSelector: {}\npolicyTypes: [Ingress, Egress]"));
    Verdict v = check(s, "x/a", "x/a", Protocol.TCP, 80);
    assertTrue(v.allowed());
    assertEquals(Tier.NONE, v.ingress().tier());
    assertTrue(check(s, "x/a", "10.0.1.10", Protocol.TCP, 80).allowed());
  }

  @Test
  void namedPortNeverMatchesANonPodDestination() {
    ClusterState s =
        state(
            np(
                "x",
                "egress-named",
                "podSelector: {}\npolicyTypes: [Egress]\negress: [{ports: [{port: serve-80-tcp}]}]"));
    assertTrue(check(s, "x/a", "y/a", Protocol.TCP, 80).allowed());
    assertFalse(check(s, "x/a", "1.1.1.1", Protocol.TCP, 80).allowed());
  }

  @Test
  void dualStackPodsConnectOverTheSharedFamily() {
    String pods =
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: d1, namespace: y}
        spec: {nodeName: node-1, containers: [{name: c}]}
        status: {phase: Running, podIPs: [{ip: 10.0.9.1}, {ip: "fd00::1"}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: v6, namespace: y}
        spec: {nodeName: node-1, containers: [{name: c}]}
        status: {phase: Running, podIPs: [{ip: "fd00::2"}]}
        """;
    ClusterState s =
        state(
            pods,
            np(
                "y",
                "v6-only",
                "podSelector: {}\ningress: [{from: [{ipBlock: {cidr: \"fd00::/64\"}}]}]"));
    assertTrue(check(s, "y/d1", "y/v6", Protocol.TCP, 80).allowed());
    assertFalse(check(s, "x/a", "y/d1", Protocol.TCP, 80).allowed());
    assertTrue(check(s, "fd00::2", "y/d1", Protocol.TCP, 80).allowed());
  }

  @Test
  void unknownPodsAndBadEndpointsAreRejected() {
    PolicyEngine engine = PolicyEngine.compile(state());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> engine.check(Connection.of("x/zz", "x/a", Protocol.TCP, 80)));
    assertTrue(e.getMessage().startsWith("from: x/zz (expected:"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("x/a/b"));
    assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("nonsense"));
    assertThrows(
        IllegalArgumentException.class, () -> Connection.of("x/a", "x/b", Protocol.TCP, 0));
    assertEquals(Endpoint.ip(IpAddress.parse("fd00::1")), Endpoint.parse("fd00::1"));
    assertEquals("x/a", Endpoint.parse("x/a").toString());
  }
}
