package dev.k8snet.policy;

import static dev.k8snet.policy.AdminPolicyTest.anp;
import static dev.k8snet.policy.AdminPolicyTest.cnp;
import static dev.k8snet.policy.E2eModel.state;
import static dev.k8snet.policy.NetworkPolicyE2eTest.np;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyLinterTest {

  static List<String> codes(String... manifests) {
    return PolicyLinter.lint(state(manifests)).stream()
        .map(w -> w.policy().name() + " " + w.field() + " " + w.code())
        .toList();
  }

  static final String DNS_POD =
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: coredns, namespace: kube-system, labels: {k8s-app: kube-dns}}
      spec: {nodeName: node-1, containers: [{name: c}]}
      status: {phase: Running, podIP: 10.0.9.53}
      """;

  @Test
  void cleanPoliciesHaveNoWarnings() {
    assertEquals(
        List.of(),
        codes(
            np(
                "x",
                "ok",
                """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                - from: [{namespaceSelector: {matchLabels: {ns: y}}}]
                  ports: [{port: serve-80-tcp}, {port: 81, protocol: UDP}]
                """)));
  }

  @Test
  void egressRulesWithoutPolicyTypesAlsoDenyIngress() {
    List<LintWarning> w =
        PolicyLinter.lint(
            state(
                np(
                    "x",
                    "egress-only",
                    "podSelector: {}\negress: [{to: [{namespaceSelector: {}}]}]")));
    assertEquals("ingress-isolated-by-egress-rules", w.get(0).code());
    assertTrue(w.get(0).message().contains("policyTypes: [Egress]"), w.get(0).message());
  }

  @Test
  void rulesOfAnExcludedDirectionAreReported() {
    assertEquals(
        List.of("in-types spec.egress egress-rules-ignored"),
        codes(
            np(
                "x",
                "in-types",
                "podSelector: {}\npolicyTypes: [Ingress]\ningress: [{}]\negress: [{}]")));
    assertEquals(
        List.of("eg-types spec.ingress ingress-rules-ignored"),
        codes(
            np(
                "x",
                "eg-types",
                "podSelector: {}\npolicyTypes: [Egress]\ningress: [{}]\negress: [{}]")));
  }

  @Test
  void emptyPortEntryIsTcpOnly() {
    assertEquals(
        List.of("tcp spec.ingress[0].ports[0] tcp-only-port"),
        codes(np("x", "tcp", "podSelector: {}\ningress: [{ports: [{}]}]")));
  }

  @Test
  void dnsBlockedByEgressDefaultDeny() {
    List<String> withoutDnsPods =
        codes(np("x", "deny-egress", "podSelector: {}\npolicyTypes: [Egress]"));
    assertEquals(
        List.of("deny-egress spec.egress dns-blocked", "deny-egress spec.egress dns-blocked"),
        withoutDnsPods);
    // UDP allowed by port, TCP not.
    assertEquals(
        List.of("udp-only spec.egress dns-blocked"),
        codes(
            np(
                "x",
                "udp-only",
                "podSelector: {}\npolicyTypes: [Egress]\negress: [{ports: [{port: 53, protocol: UDP}]}]")));
    // With a kube-dns pod the actual verdict counts: a rule to ns y does not reach kube-system.
    List<LintWarning> w =
        PolicyLinter.lint(
            state(
                DNS_POD,
                np(
                    "x",
                    "to-y",
                    """
                    podSelector: {matchLabels: {pod: a}}
                    policyTypes: [Egress]
                    egress: [{to: [{namespaceSelector: {matchLabels: {ns: y}}}]}]
                    """)));
    assertEquals(2, w.size());
    assertTrue(w.get(0).message().startsWith("egress of x/a is isolated"), w.get(0).message());
    assertEquals(
        List.of(),
        codes(
            DNS_POD,
            np(
                "x",
                "to-dns",
                """
                podSelector: {}
                policyTypes: [Egress]
                egress:
                - to: [{namespaceSelector: {}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]
                  ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
                """)));
  }

  @Test
  void podSelectorOnlyPeerProbablyMeantAnotherNamespace() {
    String yOnly =
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: d, namespace: y, labels: {pod: d}}
        spec: {nodeName: node-1, containers: [{name: c}]}
        status: {phase: Running, podIP: 10.0.2.13}
        """;
    List<LintWarning> w =
        PolicyLinter.lint(
            state(
                yOnly,
                np(
                    "x",
                    "from-d",
                    "podSelector: {}\ningress: [{from: [{podSelector: {matchLabels: {pod: d}}}]}]")));
    assertEquals(1, w.size());
    assertEquals("pod-selector-only-peer", w.get(0).code());
    assertEquals("spec.ingress[0].from[0]", w.get(0).field());
    assertTrue(w.get(0).message().contains("y/d"), w.get(0).message());
  }

  @Test
  void unresolvableNamedPorts() {
    assertEquals(
        List.of(
            "named spec.egress[0].ports[0] unresolvable-named-port",
            "named spec.ingress[0].ports[0] unresolvable-named-port"),
        codes(
            np(
                "x",
                "named",
                """
                podSelector: {}
                policyTypes: [Ingress, Egress]
                ingress: [{ports: [{port: serve-80-tcp, protocol: UDP}]}]
                egress: [{ports: [{port: metrics}, {port: 53, protocol: UDP}, {port: 53}]}]
                """)));
    LintWarning w =
        PolicyLinter.lint(
                state(
                    np(
                        "x",
                        "named",
                        "podSelector: {}\ningress: [{ports: [{port: serve-80-tcp, protocol: UDP}]}]")))
            .get(0);
    assertTrue(w.message().contains("declared with protocol TCP"), w.message());
  }

  @Test
  void equalAdminPrioritiesAndDomainNames() {
    String body =
        "subject: {namespaces: {}}\negress:\n- {action: Allow, to: [{domainNames: [example.com]}]}";
    assertEquals(
        List.of(
            "a spec.egress[0].to[0] domain-names-unsupported",
            "a spec.priority equal-priority",
            "c spec.egress[0].to[0] domain-names-unsupported",
            "c spec.priority equal-priority"),
        codes(anp("a", 5, body), cnp("c", "Admin", 5, body.replace("Allow", "Accept"))));
  }
}
