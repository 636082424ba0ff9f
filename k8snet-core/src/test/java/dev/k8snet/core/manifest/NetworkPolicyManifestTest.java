package dev.k8snet.core.manifest;

import static dev.k8snet.core.manifest.CoreKindsTest.one;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.PortRange;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.model.IpBlock;
import dev.k8snet.core.model.LabelSelector;
import dev.k8snet.core.model.NetworkPolicy;
import dev.k8snet.core.model.NetworkPolicyPeer;
import dev.k8snet.core.model.NetworkPolicyPort;
import dev.k8snet.core.model.NetworkPolicyRule;
import dev.k8snet.core.model.PolicyType;
import dev.k8snet.core.model.PortRef;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NetworkPolicyManifestTest {
  private static final String HEAD =
      "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np, namespace: x}\n";

  private static NetworkPolicy np(String spec) {
    return one(NetworkPolicy.class, HEAD + "spec:\n" + spec);
  }

  static Stream<Arguments> policyTypeDefaults() {
    return Stream.of(
        Arguments.of("  podSelector: {}\n", Set.of(PolicyType.INGRESS)),
        Arguments.of("  egress: [{}]\n", Set.of(PolicyType.INGRESS, PolicyType.EGRESS)),
        Arguments.of("  egress: []\n", Set.of(PolicyType.INGRESS)),
        Arguments.of("  policyTypes: [Egress]\n", Set.of(PolicyType.EGRESS)),
        Arguments.of(
            "  policyTypes: []\n  egress: [{}]\n", Set.of(PolicyType.INGRESS, PolicyType.EGRESS)),
        Arguments.of("  policyTypes: [Ingress, Ingress]\n", Set.of(PolicyType.INGRESS)));
  }

  @ParameterizedTest
  @MethodSource("policyTypeDefaults")
  void defaultsPolicyTypesAsTheApiServer(String spec, Set<PolicyType> expected) {
    assertEquals(expected, np(spec).policyTypes());
  }

  @Test
  void absentPodSelectorSelectsAllPods() {
    NetworkPolicy p = one(NetworkPolicy.class, HEAD + "spec: {}\n");
    assertEquals(LabelSelector.EVERYTHING, p.podSelector());
    assertTrue(p.ingress().isEmpty());
    assertTrue(p.isolates(PolicyType.INGRESS));
  }

  @Test
  void keepsEmptyAndAbsentDistinctWhereTheyDiffer() {
    NetworkPolicy p =
        np(
            """
              ingress:
              - {}
              - from: []
                ports: []
              - ports: [{}]
              - ports: [{protocol: UDP}]
            """);
    assertEquals(NetworkPolicyRule.ALLOW_ALL, p.ingress().get(0));
    assertEquals(NetworkPolicyRule.ALLOW_ALL, p.ingress().get(1));
    NetworkPolicyPort allTcp = p.ingress().get(2).ports().get(0);
    assertEquals(Protocol.TCP, allTcp.protocol());
    assertEquals(Optional.empty(), allTcp.port());
    assertEquals(Optional.of(new PortRange(1, 65535)), allTcp.range());
    assertEquals(Protocol.UDP, p.ingress().get(3).ports().get(0).protocol());
  }

  @Test
  void readsPeersAndPorts() {
    NetworkPolicy p =
        np(
            """
              podSelector: {matchLabels: {app: db}}
              ingress:
              - from:
                - podSelector: {matchLabels: {app: web}}
                - namespaceSelector: {matchExpressions: [{key: team, operator: In, values: [a, b]}]}
                  podSelector: {}
                - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}
                ports:
                - {port: 5432}
                - {port: metrics, protocol: TCP}
                - {port: 32000, endPort: 32768, protocol: SCTP}
            """);
    List<NetworkPolicyPeer> peers = p.ingress().get(0).peers();
    assertEquals(NetworkPolicyPeer.pods(LabelSelector.of(Map.of("app", "web"))), peers.get(0));
    assertEquals(
        Optional.of(LabelSelector.parse("team in (a,b)")), peers.get(1).namespaceSelector());
    assertEquals(Optional.of(LabelSelector.EVERYTHING), peers.get(1).podSelector());
    IpBlock block = peers.get(2).ipBlock().orElseThrow();
    assertEquals(new IpBlock(Cidr.parse("10.0.0.0/8"), List.of(Cidr.parse("10.1.0.0/16"))), block);
    assertTrue(block.contains(IpAddress.parse("10.2.0.1")));
    assertTrue(!block.contains(IpAddress.parse("10.1.0.1")));
    List<NetworkPolicyPort> ports = p.ingress().get(0).ports();
    assertEquals(NetworkPolicyPort.of(Protocol.TCP, 5432), ports.get(0));
    assertEquals(Optional.of(PortRef.named("metrics")), ports.get(1).port());
    assertEquals(Optional.empty(), ports.get(1).range());
    assertEquals(OptionalInt.of(32768), ports.get(2).endPort());
    assertEquals(Optional.of(new PortRange(32000, 32768)), ports.get(2).range());
  }

  static Stream<Arguments> invalidPolicies() {
    return Stream.of(
        Arguments.of(
            "  ingress:\n  - from:\n    - {}\n",
            "spec.ingress[0].from[0]",
            7,
            "Required value: must specify a peer"),
        Arguments.of(
            "  egress:\n  - to:\n    - ipBlock: {cidr: 10.0.0.0/8}\n      podSelector: {}\n",
            "spec.egress[0].to[0]",
            7,
            "Forbidden: may not specify both ipBlock and another peer"),
        Arguments.of(
            "  ingress:\n  - from:\n    - ipBlock:\n        except: [10.0.0.0/8]\n",
            "spec.ingress[0].from[0].ipBlock.cidr",
            7,
            "Required value"),
        Arguments.of(
            "  ingress:\n  - from:\n    - ipBlock:\n        cidr: 10.0.0.0/8\n        except:\n"
                + "        - 10.0.0.0/8\n",
            "spec.ingress[0].from[0].ipBlock.except[0]",
            10,
            "Invalid value: \"10.0.0.0/8\": must be a strict subset of `cidr`"),
        Arguments.of(
            "  ingress:\n  - from:\n    - ipBlock: {cidr: 10.0.0.0/8, except: [192.168.0.0/16]}\n",
            "spec.ingress[0].from[0].ipBlock.except[0]",
            7,
            "must be a strict subset of `cidr`"),
        Arguments.of(
            "  ingress:\n  - from:\n    - ipBlock: {cidr: 10.0.0.1/8}\n",
            "spec.ingress[0].from[0].ipBlock.cidr",
            7,
            "Invalid value: \"10.0.0.1/8\""),
        Arguments.of(
            "  ingress:\n  - ports:\n    - {port: 80, endPort: 79}\n",
            "spec.ingress[0].ports[0].endPort",
            7,
            "Invalid value: 79: must be greater than or equal to `port`"),
        Arguments.of(
            "  ingress:\n  - ports:\n    - {port: http, endPort: 90}\n",
            "spec.ingress[0].ports[0].endPort",
            7,
            "may not be specified when `port` is non-numeric"),
        Arguments.of(
            "  ingress:\n  - ports:\n    - {endPort: 90}\n",
            "spec.ingress[0].ports[0].endPort",
            7,
            "may not be specified when `port` is not specified"),
        Arguments.of(
            "  ingress:\n  - ports:\n    - port: 0\n",
            "spec.ingress[0].ports[0].port",
            7,
            "Invalid value: 0: must be between 1 and 65535"),
        Arguments.of(
            "  ingress:\n  - ports:\n    - {port: 80, protocol: tcp}\n",
            "spec.ingress[0].ports[0].protocol",
            7,
            "Unsupported value: \"tcp\""),
        Arguments.of(
            "  ingress:\n  - ports:\n    - port: this-name-is-too-long\n",
            "spec.ingress[0].ports[0].port",
            7,
            "must be no more than 15 characters"),
        Arguments.of(
            "  policyTypes: [Ingress, Egress, Ingress]\n",
            "spec.policyTypes",
            5,
            "Too many: 3: must have at most 2 items"),
        Arguments.of(
            "  policyTypes:\n  - Ingress\n  - Sideways\n",
            "spec.policyTypes[1]",
            7,
            "Unsupported value: \"Sideways\": supported values: \"Egress\", \"Ingress\""),
        Arguments.of(
            "  podSelector:\n    matchExpressions:\n    - {key: a, operator: In}\n",
            "spec.podSelector.matchExpressions[0].values",
            7,
            "must be specified when `operator` is 'In' or 'NotIn'"),
        Arguments.of(
            "  podSelector:\n    matchExpressions:\n    - {key: a, operator: Exists, values: [x]}\n",
            "spec.podSelector.matchExpressions[0].values",
            7,
            "may not be specified"),
        Arguments.of(
            "  podSelector:\n    matchExpressions:\n    - {key: a, operator: Near}\n",
            "spec.podSelector.matchExpressions[0].operator",
            7,
            "not a valid selector operator"));
  }

  @ParameterizedTest
  @MethodSource("invalidPolicies")
  void rejectsWhatTheApiServerRejects(String spec, String field, int line, String messagePart) {
    ManifestException e = CoreKindsTest.error(HEAD + "spec:\n" + spec);
    assertEquals(field, e.field(), e.getMessage());
    assertEquals(line, e.line(), e.getMessage());
    assertTrue(
        e.getMessage().contains(messagePart), () -> e.getMessage() + " lacks " + messagePart);
    assertTrue(
        e.getMessage().startsWith("m.yaml:" + line + ": NetworkPolicy x/np: " + field + ": "));
  }
}
