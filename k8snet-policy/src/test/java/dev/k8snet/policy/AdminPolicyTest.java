package dev.k8snet.policy;

import static dev.k8snet.policy.E2eModel.assertReachability;
import static dev.k8snet.policy.E2eModel.state;
import static dev.k8snet.policy.NetworkPolicyE2eTest.np;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.Protocol;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.policy.E2eModel.Expect;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * AdminNetworkPolicy, BaselineAdminNetworkPolicy and ClusterNetworkPolicy tiers on the e2e model.
 */
class AdminPolicyTest {

  static String anp(String name, int priority, String body) {
    return "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: "
        + name
        + "}\nspec:\n  priority: "
        + priority
        + "\n"
        + body.indent(2);
  }

  static String banp(String body) {
    return "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\n"
        + "metadata: {name: default}\nspec:\n"
        + body.indent(2);
  }

  static String cnp(String name, String tier, int priority, String body) {
    return "apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata: {name: "
        + name
        + "}\nspec:\n  tier: "
        + tier
        + "\n  priority: "
        + priority
        + "\n"
        + body.indent(2);
  }

  static final String SUBJECT_X = "subject: {namespaces: {matchLabels: {ns: x}}}\n";

  static Verdict check(ClusterState s, String from, String to, Protocol p, int port) {
    Verdict compiled = PolicyEngine.compile(s).check(Connection.of(from, to, p, port));
    Verdict reference = PolicyEngine.reference(s).check(Connection.of(from, to, p, port));
    assertEquals(reference, compiled, "compiled and reference engines disagree");
    return compiled;
  }

  @Test
  void adminDenyOverridesANetworkPolicyAllow() {
    ClusterState s =
        state(
            np("x", "allow-all", "podSelector: {}\ningress: [{}]"),
            anp(
                "deny-y",
                10,
                SUBJECT_X
                    + "ingress:\n- {name: no-y, action: Deny, from: [{namespaces: {matchLabels: {ns: y}}}]}"));
    assertReachability(s, Protocol.TCP, 80, new Expect().set("y/*", "x/*", false));
    Verdict v = check(s, "y/a", "x/b", Protocol.TCP, 80);
    assertEquals(Tier.ADMIN, v.ingress().tier());
    assertEquals(
        "denied by rule 0 \"no-y\" of AdminNetworkPolicy deny-y: peer namespaces ns=y, port any",
        v.ingress().reason());
  }

  @Test
  void adminAllowOverridesNetworkPolicyIsolation() {
    ClusterState s =
        state(
            np("x", "deny", "podSelector: {}\npolicyTypes: [Ingress]"),
            anp(
                "allow-y",
                10,
                SUBJECT_X
                    + "ingress:\n- {action: Allow, from: [{namespaces: {matchLabels: {ns: y}}}]}"));
    assertReachability(
        s, Protocol.TCP, 80, new Expect().allIngress("x/*", false).set("y/*", "x/*", true));
  }

  @Test
  void lowerPriorityValueIsEvaluatedFirst() {
    String deny =
        SUBJECT_X + "ingress:\n- {action: Deny, from: [{namespaces: {matchLabels: {ns: y}}}]}";
    String allow =
        SUBJECT_X + "ingress:\n- {action: Allow, from: [{namespaces: {matchLabels: {ns: y}}}]}";
    ClusterState allowFirst = state(anp("a", 20, deny), anp("b", 10, allow));
    ClusterState denyFirst = state(anp("a", 10, deny), anp("b", 20, allow));
    assertReachability(allowFirst, Protocol.TCP, 80, new Expect());
    assertReachability(denyFirst, Protocol.TCP, 80, new Expect().set("y/*", "x/*", false));
  }

  @Test
  void firstMatchingRuleInListOrderDecides() {
    ClusterState s =
        state(
            anp(
                "ordered",
                10,
                SUBJECT_X
                    + """
                    ingress:
                    - action: Allow
                      from: [{pods: {namespaceSelector: {matchLabels: {ns: y}}, podSelector: {matchLabels: {pod: b}}}}]
                    - action: Deny
                      from: [{namespaces: {matchLabels: {ns: y}}}]
                    """));
    assertReachability(
        s, Protocol.TCP, 80, new Expect().set("y/*", "x/*", false).set("y/b", "x/*", true));
  }

  @Test
  void passHandsTheDecisionToNetworkPoliciesThenBaseline() {
    String pass =
        anp(
            "pass-y",
            1,
            SUBJECT_X + "ingress:\n- {action: Pass, from: [{namespaces: {matchLabels: {ns: y}}}]}");
    String denyLater =
        anp(
            "deny-y",
            2,
            SUBJECT_X + "ingress:\n- {action: Deny, from: [{namespaces: {matchLabels: {ns: y}}}]}");
    String npAllowYa =
        np(
            "x",
            "allow-y-a",
            """
            podSelector: {matchLabels: {pod: a}}
            ingress:
            - from: [{namespaceSelector: {matchLabels: {ns: y}}, podSelector: {matchLabels: {pod: a}}}]
            """);
    String banpDenyY =
        banp(
            "subject: {namespaces: {}}\n"
                + "ingress:\n- {action: Deny, from: [{namespaces: {matchLabels: {ns: y}}}]}");

    // Pass skips the later Deny; x/a is isolated by the NP (final), x/b and x/c fall to default.
    ClusterState s = state(pass, denyLater, npAllowYa);
    assertReachability(
        s, Protocol.TCP, 80, new Expect().allIngress("x/a", false).set("y/a", "x/a", true));
    Verdict v = check(s, "y/a", "x/a", Protocol.TCP, 80);
    assertEquals(Tier.NETWORK_POLICY, v.ingress().tier());
    assertEquals("Admin tier passed by rule 0 of AdminNetworkPolicy pass-y", v.ingress().note());

    // With a baseline: pods the NP does not isolate get the BANP's Deny.
    ClusterState withBaseline = state(pass, denyLater, npAllowYa, banpDenyY);
    assertReachability(
        withBaseline,
        Protocol.TCP,
        80,
        new Expect()
            .allIngress("x/a", false)
            .set("y/a", "x/a", true)
            .set("y/*", "x/b", false)
            .set("y/*", "x/c", false)
            .set("y/*", "y/*", false)
            .set("y/*", "z/*", false));
    assertEquals(
        Tier.BASELINE, check(withBaseline, "y/a", "x/b", Protocol.TCP, 80).ingress().tier());
  }

  @Test
  void baselineAppliesOnlyToPodsNoNetworkPolicyIsolates() {
    ClusterState s =
        state(
            banp(
                "subject: {namespaces: {matchLabels: {ns: x}}}\n"
                    + "ingress:\n- {action: Deny, from: [{namespaces: {}}]}"),
            np(
                "x",
                "allow-z",
                """
                podSelector: {matchLabels: {pod: a}}
                ingress: [{from: [{namespaceSelector: {matchLabels: {ns: z}}}]}]
                """));
    assertReachability(
        s, Protocol.TCP, 80, new Expect().allIngress("x/*", false).set("z/*", "x/a", true));
  }

  @Test
  void clusterNetworkPolicyTiers() {
    ClusterState s =
        state(
            cnp(
                "admin-accept",
                "Admin",
                5,
                SUBJECT_X
                    + """
                    ingress:
                    - action: Accept
                      from: [{namespaces: {matchLabels: {ns: y}}}]
                      protocols: [{tcp: {destinationPort: {number: 80}}}]
                    """),
            np("x", "deny", "podSelector: {}\npolicyTypes: [Ingress]"),
            cnp(
                "baseline-deny-z",
                "Baseline",
                5,
                "subject: {namespaces: {}}\n"
                    + "ingress:\n- {action: Deny, from: [{namespaces: {matchLabels: {ns: z}}}]}"),
            cnp(
                "baseline-pass-z-a",
                "Baseline",
                1,
                "subject: {namespaces: {}}\ningress:\n- action: Pass\n  from: [{pods: "
                    + "{namespaceSelector: {matchLabels: {ns: z}}, podSelector: {matchLabels: {pod: a}}}}]"));
    assertReachability(
        s,
        Protocol.TCP,
        80,
        new Expect()
            .allIngress("x/*", false)
            .set("y/*", "x/*", true)
            .set("z/*", "y/*", false)
            .set("z/*", "z/*", false)
            .set("z/a", "y/*", true)
            .set("z/a", "z/*", true));
    // Port 81 is not in the Accept rule: the NetworkPolicy isolation decides.
    assertReachability(
        s,
        Protocol.TCP,
        81,
        new Expect()
            .allIngress("x/*", false)
            .set("z/*", "y/*", false)
            .set("z/*", "z/*", false)
            .set("z/a", "y/*", true)
            .set("z/a", "z/*", true));
    Verdict pass = check(s, "z/a", "y/b", Protocol.TCP, 80);
    assertTrue(pass.allowed());
    assertEquals(Tier.BASELINE, pass.ingress().tier());
    assertEquals("Pass in the Baseline tier: allowed by default", pass.ingress().note());
  }

  @Test
  void clusterNetworkPolicyBeforeAdminNetworkPolicyAtEqualPriority() {
    String subject =
        SUBJECT_X + "ingress:\n- {action: %s, from: [{namespaces: {matchLabels: {ns: y}}}]}";
    ClusterState s =
        state(
            anp("anp-deny", 7, subject.formatted("Deny")),
            cnp("cnp-accept", "Admin", 7, subject.formatted("Accept")));
    assertReachability(s, Protocol.TCP, 80, new Expect());
    Verdict v = check(s, "y/a", "x/a", Protocol.TCP, 80);
    assertEquals("ClusterNetworkPolicy cnp-accept", v.ingress().policy().orElseThrow().toString());
    // A lower priority value still wins across the two APIs.
    ClusterState anpFirst =
        state(
            anp("anp-deny", 6, subject.formatted("Deny")),
            cnp("cnp-accept", "Admin", 7, subject.formatted("Accept")));
    assertReachability(anpFirst, Protocol.TCP, 80, new Expect().set("y/*", "x/*", false));
  }

  @Test
  void egressAllowDoesNotBypassTheDestinationsIngress() {
    ClusterState s =
        state(
            anp(
                "egress-allow",
                1,
                SUBJECT_X
                    + "egress:\n- {action: Allow, to: [{namespaces: {matchLabels: {ns: y}}}]}"),
            np("y", "deny", "podSelector: {}\npolicyTypes: [Ingress]"));
    Verdict v = check(s, "x/a", "y/a", Protocol.TCP, 80);
    assertTrue(v.egress().allowed());
    assertEquals(Tier.ADMIN, v.egress().tier());
    assertFalse(v.allowed());
    assertEquals(Tier.NETWORK_POLICY, v.ingress().tier());
  }

  @Test
  void networksPeerMatchesPodIps() {
    ClusterState s =
        state(
            anp(
                "no-y-net",
                1,
                SUBJECT_X + "egress:\n- {action: Deny, to: [{networks: [10.0.2.0/24]}]}"));
    assertReachability(s, Protocol.TCP, 80, new Expect().set("x/*", "y/*", false));
  }

  @Test
  void nodesPeerMatchesNodeAddressesAndHostNetworkPods() {
    String host =
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: host, namespace: kube-system}
        spec: {nodeName: node-1, hostNetwork: true, containers: [{name: c}]}
        status: {phase: Running, podIP: 192.168.0.1}
        """;
    ClusterState s =
        state(
            host,
            anp(
                "no-workers",
                1,
                SUBJECT_X
                    + "egress:\n- {action: Deny, to: [{nodes: {matchLabels: {role: worker}}}]}"));
    assertFalse(check(s, "x/a", "192.168.0.1", Protocol.TCP, 10250).allowed());
    assertTrue(check(s, "x/a", "192.168.0.2", Protocol.TCP, 10250).allowed());
    Verdict toHostPod = check(s, "x/a", "kube-system/host", Protocol.TCP, 10250);
    assertFalse(toHostPod.allowed());
    assertEquals(Tier.NONE, toHostPod.ingress().tier());
    assertTrue(check(s, "y/a", "192.168.0.1", Protocol.TCP, 10250).allowed());
  }

  @Test
  void namedPortAndPortRangeOfAdminRules() {
    ClusterState s =
        state(
            anp(
                "ports",
                1,
                SUBJECT_X
                    + """
                    ingress:
                    - action: Allow
                      from: [{namespaces: {}}]
                      ports: [{namedPort: serve-80-tcp}, {portRange: {protocol: UDP, start: 81, end: 90}}]
                    - action: Deny
                      from: [{namespaces: {}}]
                    """));
    assertReachability(s, Protocol.TCP, 80, new Expect());
    assertReachability(s, Protocol.TCP, 81, new Expect().allIngress("x/*", false));
    assertReachability(s, Protocol.UDP, 80, new Expect().allIngress("x/*", false));
    assertReachability(s, Protocol.UDP, 81, new Expect());
  }

  @Test
  void domainNamesPeersFailClosed() {
    ClusterState s =
        state(
            anp(
                "fqdn",
                1,
                SUBJECT_X
                    + """
                    egress:
                    - {action: Allow, to: [{domainNames: [example.com]}]}
                    - {action: Deny, to: [{networks: [0.0.0.0/0]}]}
                    """));
    Verdict v = check(s, "x/a", "93.184.216.34", Protocol.TCP, 443);
    assertFalse(v.allowed());
    assertEquals(1, v.egress().rule().orElseThrow());
  }

  @Test
  void adminPoliciesNeverIsolateByThemselves() {
    // A policy whose rules match nothing leaves the default allow in place.
    ClusterState s =
        state(
            anp(
                "narrow",
                1,
                SUBJECT_X
                    + "ingress:\n- {action: Deny, from: [{namespaces: {matchLabels: {ns: nope}}}]}"));
    assertReachability(s, Protocol.TCP, 80, new Expect());
    assertEquals(Tier.DEFAULT, check(s, "y/a", "x/a", Protocol.TCP, 80).ingress().tier());
    assertEquals(List.of(), check(s, "y/a", "x/a", Protocol.TCP, 80).ingress().isolatedBy());
  }
}
