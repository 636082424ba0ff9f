package dev.k8snet.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.policy.enforce.EnforcementOptions;
import dev.k8snet.policy.enforce.PolicyRuleset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The nftables rendering of policies, without a kernel. */
class PolicyRulesetTest {
  static final String DENY_X =
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: deny-all, namespace: x}
      spec: {podSelector: {}, policyTypes: [Ingress]}
      """;

  static final String ALLOW_B_TO_A =
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: allow-b, namespace: x}
      spec:
        podSelector: {matchLabels: {pod: a}}
        ingress:
        - from: [{podSelector: {matchLabels: {pod: b}}}]
          ports: [{port: 80}, {port: 81}, {port: 8000, endPort: 8080}]
      """;

  static PolicyRuleset render(ClusterState state) {
    return PolicyRuleset.render(state, "node-1");
  }

  @Test
  void anIsolatedPodIsInTheIsolatedSetAndTheChainsFollowThePolicy() {
    PolicyRuleset r = render(E2eModel.state(DENY_X, ALLOW_B_TO_A));
    assertEquals(List.of("10.0.1.10", "10.0.1.11", "10.0.1.12"), r.sets().get("isolated-ingress4"));
    assertEquals(List.of("jump np/x/allow-b/ingress"), r.chains().get("ns/x/ingress"));
    List<String> chain = r.chains().get("np/x/allow-b/ingress");
    assertTrue(chain.get(0).matches("ip daddr != @pods4-\\w+ return"), chain.toString());
    String rule = chain.get(2);
    assertTrue(rule.startsWith("ip saddr @pods4-"), rule);
    assertTrue(rule.contains("tcp dport @ports-tcp-"), rule);
    assertTrue(rule.endsWith("accept comment \"NetworkPolicy x/allow-b ingress[0]\""), rule);
    String ports = rule.replaceAll(".*tcp dport @(ports-tcp-\\w+).*", "$1");
    assertEquals(List.of("80-81", "8000-8080"), r.sets().get(ports), "ranges merged");
    String peers = rule.replaceAll("ip saddr @(pods4-\\w+).*", "$1");
    assertEquals(List.of("10.0.1.11"), r.sets().get(peers));
    assertEquals(
        List.of("10.0.1.10 . 10.0.1.10", "10.0.1.11 . 10.0.1.11"),
        r.sets().get("self4").subList(0, 2));
  }

  @Test
  void onlyThePodsOfTheNodeAreEnforced() {
    PolicyRuleset here = render(E2eModel.state(DENY_X));
    PolicyRuleset elsewhere = PolicyRuleset.render(E2eModel.state(DENY_X), "node-2");
    assertEquals(9, here.sets().get("local4").size());
    assertEquals(List.of(), elsewhere.sets().get("local4"));
    assertEquals(List.of(), elsewhere.sets().get("isolated-ingress4"));
    assertEquals(List.of("192.168.0.2"), elsewhere.sets().get("node4"));
  }

  @Test
  void aPodsLabelChangeChangesSetElementsAndNoChain() {
    ClusterState before = E2eModel.state(ALLOW_B_TO_A);
    ClusterState after =
        E2eModel.stateOn(
            E2eModel.base()
                .replace(
                    "name: c, namespace: x, labels: {pod: c}",
                    "name: c, namespace: x, labels: {pod: b}"),
            ALLOW_B_TO_A);
    PolicyRuleset r1 = render(before);
    PolicyRuleset r2 = render(after);
    assertEquals(r1.chains(), r2.chains());
    assertNotEquals(r1.sets(), r2.sets());
    Set<String> changed = new HashSet<>();
    r1.sets()
        .forEach(
            (k, v) -> {
              if (!v.equals(r2.sets().get(k))) {
                changed.add(k);
              }
            });
    assertEquals(1, changed.size(), changed.toString());
    assertTrue(r2.sets().get(changed.iterator().next()).contains("10.0.1.12"));
  }

  @Test
  void addingAndRemovingPodsChangesSetElementsAndNoChain() {
    ClusterState state = E2eModel.state(DENY_X, ALLOW_B_TO_A);
    ClusterState more =
        E2eModel.state(
            DENY_X,
            ALLOW_B_TO_A,
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: d, namespace: x, labels: {pod: b}}
            spec: {nodeName: node-1, containers: [{name: c}]}
            status: {phase: Running, podIP: 10.0.1.99}
            """);
    assertEquals(render(state).chains(), render(more).chains());
    assertTrue(render(more).sets().get("isolated-ingress4").contains("10.0.1.99"));
  }

  @Test
  void aPolicyChangeReplacesOnlyItsOwnChains() {
    PolicyRuleset r1 = render(E2eModel.state(DENY_X, ALLOW_B_TO_A));
    PolicyRuleset r2 =
        render(E2eModel.state(DENY_X, ALLOW_B_TO_A.replace("{port: 81}", "{port: 82}")));
    List<String> changed = new ArrayList<>();
    r1.chains()
        .forEach(
            (k, v) -> {
              if (!v.equals(r2.chains().get(k))) {
                changed.add(k);
              }
            });
    assertEquals(List.of("np/x/allow-b/ingress"), changed);
  }

  @Test
  void theRuleCountGrowsWithPoliciesNotWithPods() {
    int[][] counts = new int[2][2];
    int[] pods = {10, 1000};
    int[] policies = {10, 100};
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 2; j++) {
        counts[i][j] = render(cluster(pods[i], policies[j])).ruleCount();
      }
    }
    assertEquals(counts[0][0], counts[1][0], "10 policies: same rules for 10 and 1000 pods");
    assertEquals(counts[0][1], counts[1][1], "100 policies: same rules for 10 and 1000 pods");
    int fixed = counts[0][0] - 10 * ((counts[0][1] - counts[0][0]) / 90);
    assertEquals(counts[0][1], fixed + 100 * ((counts[0][1] - counts[0][0]) / 90), "linear");
  }

  /** {@code pods} pods in namespace x on node-1, {@code policies} policies each selecting all. */
  static ClusterState cluster(int pods, int policies) {
    List<String> docs = new ArrayList<>();
    docs.add("apiVersion: v1\nkind: Node\nmetadata: {name: node-1}\n");
    docs.add("apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n");
    for (int i = 0; i < pods; i++) {
      docs.add(
          "apiVersion: v1\nkind: Pod\nmetadata: {name: p"
              + i
              + ", namespace: x, labels: {app: a"
              + i % 10
              + "}}\nspec: {nodeName: node-1}\nstatus: {podIP: 10.1."
              + i / 250
              + "."
              + (i % 250 + 1)
              + "}\n");
    }
    for (int i = 0; i < policies; i++) {
      docs.add(
          "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np"
              + i
              + ", namespace: x}\nspec:\n  podSelector: {}\n  ingress: [{from: [{podSelector:"
              + " {matchLabels: {app: a"
              + i % 10
              + "}}}], ports: [{port: "
              + (1000 + i)
              + "}]}]\n");
    }
    var r =
        dev.k8snet.core.manifest.ManifestReader.create()
            .readString("cluster.yaml", String.join("---\n", docs));
    assertTrue(r.isValid(), r.errors().toString());
    return ClusterState.of(1, r.objects());
  }

  @Test
  void namedPortsAreResolvedOnEachDestinationPod() {
    ClusterState state =
        E2eModel.state(
            """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: named, namespace: y}
            spec:
              podSelector: {}
              policyTypes: [Egress]
              egress: [{ports: [{port: serve-81-udp, protocol: UDP}]}]
            """,
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: odd, namespace: z, labels: {pod: odd}}
            spec:
              nodeName: node-2
              containers: [{name: c, ports: [{name: serve-81-udp, containerPort: 9081, protocol: UDP}]}]
            status: {phase: Running, podIP: 10.0.3.99}
            """);
    PolicyRuleset r = render(state);
    List<String> named = r.sets().get("named4-serve-81-udp");
    assertTrue(named.contains("10.0.1.10 . udp . 81"), named.toString());
    assertTrue(named.contains("10.0.3.99 . udp . 9081"), named.toString());
    assertEquals(10, named.size());
    assertTrue(
        r.chains()
            .get("np/y/named/egress")
            .contains(
                "meta l4proto udp ip daddr . meta l4proto . th dport @named4-serve-81-udp accept"
                    + " comment \"NetworkPolicy y/named egress[0]\""),
        r.chains().toString());
  }

  @Test
  void ipBlockExceptIsAnIntervalSetOfWhatRemains() {
    PolicyRuleset r =
        render(
            E2eModel.state(
                """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: block, namespace: x}
                spec:
                  podSelector: {}
                  ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/22, except: [10.0.1.0/24]}},
                                    {ipBlock: {cidr: "2001:db8::/32"}}]}]
                """));
    List<String> rules = r.chains().get("np/x/block/ingress");
    String set = rules.get(2).replaceAll("ip saddr @(cidr4-\\w+) .*", "$1");
    assertEquals(List.of("10.0.0.0/24", "10.0.2.0/23"), r.sets().get(set));
    assertTrue(rules.get(3).startsWith("ip6 saddr 2001:db8::/32 accept"), rules.toString());
  }

  @Test
  void adminTiersVisitPoliciesInPriorityOrderAndPassGoesToTheNetworkPolicyTier() {
    PolicyRuleset r =
        render(
            E2eModel.state(
                """
                apiVersion: policy.networking.k8s.io/v1alpha1
                kind: AdminNetworkPolicy
                metadata: {name: late}
                spec:
                  priority: 20
                  subject: {namespaces: {}}
                  ingress: [{name: deny, action: Deny, from: [{namespaces: {}}]}]
                ---
                apiVersion: policy.networking.k8s.io/v1alpha1
                kind: AdminNetworkPolicy
                metadata: {name: early}
                spec:
                  priority: 10
                  subject: {namespaces: {matchLabels: {ns: x}}}
                  ingress:
                  - {name: pass, action: Pass, from: [{namespaces: {matchLabels: {ns: y}}}]}
                  - {name: dns, action: Allow, from: [{namespaces: {}}],
                     ports: [{portNumber: {protocol: UDP, port: 53}}, {namedPort: serve-80-tcp}]}
                  egress:
                  - {name: nets, action: Allow,
                     to: [{networks: [10.0.0.0/8, 10.1.0.0/16, 192.168.0.0/16]}]}
                ---
                apiVersion: policy.networking.k8s.io/v1alpha1
                kind: BaselineAdminNetworkPolicy
                metadata: {name: default}
                spec:
                  subject: {namespaces: {}}
                  ingress: [{name: deny, action: Deny, from: [{namespaces: {}}]}]
                """));
    List<String> admin = r.chains().get("ingress-admin");
    assertTrue(admin.get(0).endsWith("jump anp/early/ingress"), admin.toString());
    assertTrue(admin.get(2).endsWith("jump anp/late/ingress"), admin.toString());
    assertEquals("goto ingress-np", admin.get(4));
    List<String> early = r.chains().get("anp/early/ingress");
    assertTrue(early.get(0).contains("goto ingress-np"), early.toString());
    assertTrue(early.get(2).contains("udp dport 53 accept"), early.toString());
    assertTrue(
        early.get(3).contains("meta l4proto { tcp, udp, sctp } ip daddr . meta l4proto"),
        early.toString());
    assertTrue(r.chains().get("anp/late/ingress").get(0).contains(" drop comment"));
    List<String> baseline = r.chains().get("ingress-baseline");
    assertEquals("accept", baseline.get(baseline.size() - 1));
    assertTrue(baseline.get(0).endsWith("jump banp/default/ingress"), baseline.toString());
    assertEquals(
        List.of("10.0.0.0/8", "192.168.0.0/16"),
        r.sets().entrySet().stream()
            .filter(e -> e.getKey().startsWith("cidr4-"))
            .map(Map.Entry::getValue)
            .findFirst()
            .orElseThrow(),
        "nested networks collapse into disjoint intervals");
  }

  @Test
  void loggingSendsDenialsThroughRateLimitedChainsTaggedWithThePolicy() {
    PolicyRuleset r =
        PolicyRuleset.render(
            E2eModel.state(DENY_X), "node-1", EnforcementOptions.DEFAULTS.withLogDenied(true));
    String verdict = r.sets().get("isolated-ingress4").get(0);
    assertTrue(verdict.startsWith("10.0.1.10 : goto log/"), verdict);
    List<String> log = r.chains().get(verdict.substring(verdict.indexOf("log/")));
    assertEquals(
        List.of(
            "limit rate 10/second burst 10 packets log prefix \"k8snet-policy ingress denied:"
                + " isolated by NetworkPolicy x/deny-all: \" level info",
            "drop"),
        log);
  }

  @Test
  void badInputIsRejectedWithTheField() {
    ClusterState state = E2eModel.state();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PolicyRuleset.render(state, " "));
    assertTrue(e.getMessage().startsWith("nodeName: "), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> EnforcementOptions.DEFAULTS.withTableName("bad name"));
    assertTrue(e.getMessage().startsWith("tableName: bad name"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new EnforcementOptions("t", true, 0));
    assertTrue(e.getMessage().startsWith("logRatePerSecond: 0"), e.getMessage());
  }

  @Test
  void theScriptReplacesTheTableInOneTransaction() {
    String script = render(E2eModel.state(DENY_X)).script();
    assertTrue(
        script.startsWith(
            "table inet k8snet-policy {}\ndelete table inet k8snet-policy\n"
                + "table inet k8snet-policy {\n"),
        script);
    assertTrue(script.contains("type filter hook forward priority filter; policy accept;"));
    assertTrue(script.contains("ct state established,related accept"));
  }
}
