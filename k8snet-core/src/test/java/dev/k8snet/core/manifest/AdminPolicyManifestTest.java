package dev.k8snet.core.manifest;

import static dev.k8snet.core.manifest.CoreKindsTest.one;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.model.AdminNetworkPolicy;
import dev.k8snet.core.model.AdminPeer;
import dev.k8snet.core.model.AdminPolicyAction;
import dev.k8snet.core.model.AdminPolicyRule;
import dev.k8snet.core.model.AdminPort;
import dev.k8snet.core.model.BaselineAdminNetworkPolicy;
import dev.k8snet.core.model.ClusterNetworkPolicy;
import dev.k8snet.core.model.LabelSelector;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AdminPolicyManifestTest {
  private static final String ANP =
      "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\n"
          + "metadata: {name: anp}\nspec:\n";
  private static final String CNP =
      "apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\n"
          + "metadata: {name: cnp}\nspec:\n";

  @Test
  void readsAnAdminNetworkPolicy() {
    AdminNetworkPolicy p =
        one(
            AdminNetworkPolicy.class,
            ANP
                + """
                  priority: 10
                  subject:
                    namespaces: {matchLabels: {tenant: a}}
                  ingress:
                  - name: pass-monitoring
                    action: Pass
                    from:
                    - namespaces: {matchLabels: {kubernetes.io/metadata.name: monitoring}}
                  - name: deny-others
                    action: Deny
                    from:
                    - pods:
                        namespaceSelector: {}
                        podSelector: {matchLabels: {app: x}}
                    ports:
                    - portNumber: {port: 80}
                    - portRange: {protocol: UDP, start: 1000, end: 2000}
                    - namedPort: http
                  egress:
                  - action: Allow
                    to:
                    - networks: [10.0.0.0/8, "fd00::/8"]
                  - action: Allow
                    to:
                    - domainNames: ["*.example.com"]
                  - action: Deny
                    to:
                    - nodes: {}
                """);
    assertEquals(10, p.priority());
    assertEquals(new AdminPeer.Namespaces(LabelSelector.of(Map.of("tenant", "a"))), p.subject());
    AdminPolicyRule pass = p.ingress().get(0);
    assertEquals("pass-monitoring", pass.name());
    assertEquals(AdminPolicyAction.PASS, pass.action());
    assertTrue(pass.ports().isEmpty());
    AdminPolicyRule deny = p.ingress().get(1);
    assertEquals(
        new AdminPeer.Pods(LabelSelector.EVERYTHING, LabelSelector.of(Map.of("app", "x"))),
        deny.peers().get(0));
    assertEquals(
        List.of(
            new AdminPort.Number(Protocol.TCP, 80),
            new AdminPort.Range(Protocol.UDP, 1000, 2000),
            new AdminPort.Named("http")),
        deny.ports());
    assertEquals(
        new AdminPeer.Networks(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8"))),
        p.egress().get(0).peers().get(0));
    assertEquals(
        new AdminPeer.DomainNames(List.of("*.example.com")), p.egress().get(1).peers().get(0));
    assertEquals(new AdminPeer.Nodes(LabelSelector.EVERYTHING), p.egress().get(2).peers().get(0));
  }

  @Test
  void readsTheBaselineAdminNetworkPolicy() {
    BaselineAdminNetworkPolicy p =
        one(
            BaselineAdminNetworkPolicy.class,
            """
            apiVersion: policy.networking.k8s.io/v1alpha1
            kind: BaselineAdminNetworkPolicy
            metadata: {name: default}
            spec:
              subject: {pods: {namespaceSelector: {}, podSelector: {}}}
              ingress:
              - {action: Deny, from: [{namespaces: {}}]}
            """);
    assertEquals(AdminPolicyAction.DENY, p.ingress().get(0).action());
    assertEquals("", p.metadata().namespace());
  }

  @Test
  void readsAClusterNetworkPolicyWithProtocols() {
    ClusterNetworkPolicy p =
        one(
            ClusterNetworkPolicy.class,
            CNP
                + """
                  tier: Baseline
                  priority: 5
                  subject: {namespaces: {}}
                  egress:
                  - name: dns
                    action: Accept
                    to: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {k8s-app: kube-dns}}}}]
                    protocols:
                    - udp: {destinationPort: {number: 53}}
                    - tcp: {destinationPort: {range: {start: 8000, end: 8080}}}
                    - destinationNamedPort: dns
                """);
    assertEquals(ClusterNetworkPolicy.Tier.BASELINE, p.tier());
    assertEquals(5, p.priority());
    assertEquals(AdminPolicyAction.ALLOW, p.egress().get(0).action());
    assertEquals(
        List.of(
            new AdminPort.Number(Protocol.UDP, 53),
            new AdminPort.Range(Protocol.TCP, 8000, 8080),
            new AdminPort.Named("dns")),
        p.egress().get(0).ports());
  }

  static Stream<Arguments> invalidPolicies() {
    String subject = "  subject: {namespaces: {}}\n";
    return Stream.of(
        Arguments.of(
            ANP + "  priority: 1001\n" + subject,
            "spec.priority",
            5,
            "Invalid value: 1001: spec.priority in body should be less than or equal to 1000"),
        Arguments.of(
            ANP + "  priority: -1\n" + subject,
            "spec.priority",
            5,
            "should be greater than or equal to 0"),
        Arguments.of(ANP + subject, "spec.priority", 4, "Required value"),
        Arguments.of(
            ANP + "  priority: 1\n  subject: {}\n",
            "spec.subject",
            6,
            "should have at least 1 properties"),
        Arguments.of(
            ANP + "  priority: 1\n  subject:\n    namespaces: {}\n    pods: {podSelector: {}}\n",
            "spec.subject",
            6,
            "Too many: 2: must have at most 1 items"),
        Arguments.of(
            ANP
                + "  priority: 1\n"
                + subject
                + "  ingress:\n  - action: Accept\n"
                + "    from: [{namespaces: {}}]\n",
            "spec.ingress[0].action",
            8,
            "Unsupported value: \"Accept\": supported values: \"Allow\", \"Deny\", \"Pass\""),
        Arguments.of(
            ANP + "  priority: 1\n" + subject + "  ingress:\n  - action: Allow\n    from: []\n",
            "spec.ingress[0].from",
            9,
            "should have at least 1 items"),
        Arguments.of(
            ANP
                + "  priority: 1\n"
                + subject
                + "  ingress:\n  - action: Allow\n"
                + "    from: [{networks: [10.0.0.0/8]}]\n",
            "spec.ingress[0].from[0]",
            9,
            "should have at least 1 properties"),
        Arguments.of(
            ANP
                + "  priority: 1\n"
                + subject
                + "  egress:\n  - action: Allow\n"
                + "    to: [{networks: [10.0.0.1/8]}]\n",
            "spec.egress[0].to[0].networks[0]",
            9,
            "10.0.0.1/8"),
        Arguments.of(
            ANP
                + "  priority: 1\n"
                + subject
                + "  egress:\n  - action: Deny\n"
                + "    to: [{domainNames: [example.com]}]\n",
            "spec.egress[0].to[0].domainNames",
            9,
            "only be used in rules with action Allow"),
        Arguments.of(
            ANP
                + "  priority: 1\n"
                + subject
                + "  egress:\n  - action: Allow\n"
                + "    to: [{networks: [10.0.0.0/8]}]\n    ports: [{namedPort: http}]\n",
            "spec.egress[0]",
            8,
            "cannot be set with namedPorts"),
        Arguments.of(
            ANP
                + "  priority: 1\n"
                + subject
                + "  ingress:\n  - action: Allow\n"
                + "    from: [{namespaces: {}}]\n    ports:\n"
                + "    - portRange: {start: 90, end: 80}\n",
            "spec.ingress[0].ports[0].portRange",
            11,
            "Start port must be less than End port"),
        Arguments.of(
            ANP
                + "  priority: 1\n"
                + subject
                + "  ingress:\n  - action: Allow\n"
                + "    from: [{namespaces: {}}]\n    ports:\n"
                + "    - portNumber: {port: 80, protocol: ICMP}\n",
            "spec.ingress[0].ports[0].portNumber.protocol",
            11,
            "Unsupported value: \"ICMP\""),
        Arguments.of(
            "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\n"
                + "metadata: {name: other}\nspec: {subject: {namespaces: {}}}\n",
            "metadata.name",
            3,
            "metadata.name=\"default\""),
        Arguments.of(
            "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\n"
                + "metadata: {name: default}\nspec:\n"
                + subject
                + "  ingress: [{action: Pass, from: [{namespaces: {}}]}]\n",
            "spec.ingress[0].action",
            6,
            "supported values: \"Allow\", \"Deny\""),
        Arguments.of(CNP + "  priority: 1\n" + subject, "spec.tier", 4, "Required value"),
        Arguments.of(
            CNP + "  tier: Middle\n  priority: 1\n" + subject,
            "spec.tier",
            5,
            "Unsupported value: \"Middle\""),
        Arguments.of(
            CNP
                + "  tier: Admin\n  priority: 1\n"
                + subject
                + "  ingress:\n  - action: Allow\n"
                + "    from: [{namespaces: {}}]\n",
            "spec.ingress[0].action",
            9,
            "supported values: \"Accept\", \"Deny\", \"Pass\""),
        Arguments.of(
            CNP
                + "  tier: Admin\n  priority: 1\n"
                + subject
                + "  ingress:\n  - action: Deny\n"
                + "    from: [{namespaces: {}}]\n    protocols:\n    - tcp: {}\n",
            "spec.ingress[0].protocols[0].tcp",
            12,
            "should have at least 1 properties"),
        Arguments.of(
            CNP
                + "  tier: Admin\n  priority: 1\n"
                + subject
                + "  ingress:\n  - action: Deny\n"
                + "    from: [{namespaces: {}}]\n    protocols:\n"
                + "    - {tcp: {destinationPort: {number: 80}}, udp: {destinationPort: {number: 80}}}\n",
            "spec.ingress[0].protocols[0]",
            12,
            "Too many: 2"));
  }

  @ParameterizedTest
  @MethodSource("invalidPolicies")
  void rejectsWhatTheCrdValidationRejects(String yaml, String field, int line, String part) {
    ManifestException e = CoreKindsTest.error(yaml);
    assertEquals(field, e.field(), e.getMessage());
    assertEquals(line, e.line(), e.getMessage());
    assertTrue(e.getMessage().contains(part), () -> e.getMessage() + " lacks " + part);
  }
}
