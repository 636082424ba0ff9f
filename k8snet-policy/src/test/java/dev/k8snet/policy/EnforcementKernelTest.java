package dev.k8snet.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.k8snet.core.Protocol;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.core.nftables.NftRule;
import dev.k8snet.core.nftables.Nftables;
import dev.k8snet.policy.enforce.EnforcementOptions;
import dev.k8snet.policy.enforce.EnforcementResult;
import dev.k8snet.policy.enforce.PolicyEnforcer;
import dev.k8snet.policy.enforce.PolicyRuleset;
import dev.k8snet.testkit.NetnsTest;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Enforcement on real packets: the e2e topology (pods attached by our bridge plugin and by the
 * reference one) with the rules programmed in the node's namespace; the kernel's verdict on every
 * probe must be {@link PolicyEngine#check}'s.
 */
@NetnsTest(tools = {"nft", "nsenter"})
class EnforcementKernelTest {
  @TempDir Path data;

  /** The representative policies, each a step on top of the bare model. */
  static final List<String[]> CASES =
      List.of(
          new String[] {
            "deny all ingress in x",
            """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: deny-all, namespace: x}
            spec: {podSelector: {}, policyTypes: [Ingress]}
            """
          },
          new String[] {
            "y allows ingress from namespace x only",
            """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: allow-from-x, namespace: y}
            spec:
              podSelector: {}
              ingress: [{from: [{namespaceSelector: {matchLabels: {ns: x}}}]}]
            """
          },
          new String[] {
            "x/a egress to 10.77.0.0/16 except z/b",
            """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: egress-block, namespace: x}
            spec:
              podSelector: {matchLabels: {pod: a}}
              policyTypes: [Egress]
              egress: [{to: [{ipBlock: {cidr: 10.77.0.0/16, except: [Z_B/32]}}]}]
            """
          },
          new String[] {
            "z egress to TCP 80 and UDP 81 only",
            """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: egress-ports, namespace: z}
            spec:
              podSelector: {}
              policyTypes: [Egress]
              egress: [{ports: [{port: 80, protocol: TCP}, {port: 81, protocol: UDP}]}]
            """
          },
          new String[] {
            "y ingress on named ports serve-81-tcp and serve-80-udp, z egress to serve-80-tcp",
            """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: named-in, namespace: y}
            spec:
              podSelector: {}
              ingress:
              - ports: [{port: serve-81-tcp}, {port: serve-80-udp, protocol: UDP}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: named-out, namespace: z}
            spec:
              podSelector: {matchLabels: {pod: c}}
              policyTypes: [Egress]
              egress: [{ports: [{port: serve-80-tcp}, {port: serve-81-udp, protocol: UDP}]}]
            """
          },
          new String[] {
            "ANP Deny and Pass, a NetworkPolicy after the Pass, BANP",
            """
            apiVersion: policy.networking.k8s.io/v1alpha1
            kind: AdminNetworkPolicy
            metadata: {name: guard-x}
            spec:
              priority: 10
              subject: {namespaces: {matchLabels: {ns: x}}}
              ingress:
              - {name: deny-z-80, action: Deny, from: [{namespaces: {matchLabels: {ns: z}}}],
                 ports: [{portNumber: {protocol: TCP, port: 80}}]}
              - {name: pass-y, action: Pass, from: [{namespaces: {matchLabels: {ns: y}}}]}
              - {name: allow-z, action: Allow, from: [{namespaces: {matchLabels: {ns: z}}}]}
              egress:
              - {name: deny-y-c-udp, action: Deny,
                 to: [{pods: {namespaceSelector: {matchLabels: {ns: y}},
                              podSelector: {matchLabels: {pod: c}}}}],
                 ports: [{portRange: {protocol: UDP, start: 81, end: 90}}]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: only-y-b, namespace: x}
            spec:
              podSelector: {matchLabels: {pod: a}}
              ingress: [{from: [{namespaceSelector: {matchLabels: {ns: y}},
                                 podSelector: {matchLabels: {pod: b}}}]}]
            ---
            apiVersion: policy.networking.k8s.io/v1alpha1
            kind: BaselineAdminNetworkPolicy
            metadata: {name: default}
            spec:
              subject: {namespaces: {}}
              ingress:
              - {name: deny-from-y, action: Deny, from: [{namespaces: {matchLabels: {ns: y}}}]}
            """
          },
          new String[] {
            "ClusterNetworkPolicy tiers: Admin Accept over a NetworkPolicy, Baseline Deny and Pass",
            String.join(
                "\n---\n",
                AdminPolicyTest.cnp(
                    "admin-accept",
                    "Admin",
                    5,
                    AdminPolicyTest.SUBJECT_X
                        + """
                        ingress:
                        - action: Accept
                          from: [{namespaces: {matchLabels: {ns: y}}}]
                          protocols: [{tcp: {destinationPort: {number: 80}}}]
                        egress:
                        - action: Deny
                          to: [{pods: {namespaceSelector: {matchLabels: {ns: z}},
                                       podSelector: {matchLabels: {pod: c}}}}]
                        """),
                """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: deny, namespace: x}
                spec: {podSelector: {}, policyTypes: [Ingress]}
                """,
                AdminPolicyTest.cnp(
                    "baseline-deny-z",
                    "Baseline",
                    5,
                    "subject: {namespaces: {}}\n"
                        + "ingress:\n- {action: Deny, from: [{namespaces: {matchLabels: {ns: z}}}]}"),
                AdminPolicyTest.cnp(
                    "baseline-pass-z-a",
                    "Baseline",
                    1,
                    "subject: {namespaces: {}}\ningress:\n- action: Pass\n  from: [{pods: "
                        + "{namespaceSelector: {matchLabels: {ns: z}}, podSelector: {matchLabels:"
                        + " {pod: a}}}}]"))
          });

  @Test
  void kernelVerdictsAgreeWithTheEngineOnEveryProbe(NetworkNamespace node) throws Exception {
    try (PodLab lab = PodLab.start(node, data);
        Nftables nft = node.nftables();
        PolicyEnforcer enforcer = PolicyEnforcer.create(nft);
        Prober prober = new Prober(lab)) {
      ClusterState bare = E2eModel.stateOn(lab.manifests());
      EnforcementResult first = enforcer.sync(PolicyRuleset.render(bare, PodLab.NODE));
      assertTrue(first.full(), first.toString());
      prober.assertAgreement("no policy", bare);
      for (String[] c : CASES) {
        String yaml = c[1].replace("Z_B", lab.ips.get("z/b"));
        ClusterState state = E2eModel.stateOn(lab.manifests(), yaml);
        EnforcementResult r = enforcer.sync(PolicyRuleset.render(state, PodLab.NODE));
        assertFalse(r.full(), c[0] + ": a policy change is a diff, not a rebuild: " + r);
        prober.assertAgreement(c[0], state);
      }
    }
  }

  @Test
  void aPolicyChangeKeepsUnrelatedEstablishedFlowsAndTakesEffectForNewOnes(NetworkNamespace node)
      throws Exception {
    try (PodLab lab = PodLab.start(node, data);
        Nftables nft = node.nftables();
        PolicyEnforcer enforcer = PolicyEnforcer.create(nft)) {
      ClusterState bare = E2eModel.stateOn(lab.manifests());
      enforcer.sync(PolicyRuleset.render(bare, PodLab.NODE));
      try (Socket unrelated = lab.open("x/a", "y/b", 80);
          Socket soonDenied = lab.open("x/b", "z/c", 81)) {
        assertTrue(PodLab.echoes(unrelated));
        assertTrue(PodLab.echoes(soonDenied));
        assertTrue(lab.connects("x/b", "z/c", Protocol.TCP, 81, 2000));
        ClusterState denyZ =
            E2eModel.stateOn(
                lab.manifests(),
                """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: deny-all, namespace: z}
                spec: {podSelector: {}, policyTypes: [Ingress]}
                """);
        EnforcementResult r = enforcer.sync(PolicyRuleset.render(denyZ, PodLab.NODE));
        assertFalse(r.full(), r.toString());
        // New connections follow the new policy at once; established ones keep flowing
        // (conntrack), the unrelated one and the one the policy now denies alike.
        assertFalse(lab.connects("x/b", "z/c", Protocol.TCP, 81, 500));
        assertFalse(lab.connects("y/a", "z/a", Protocol.UDP, 80, 500));
        assertTrue(lab.connects("y/a", "x/c", Protocol.UDP, 80, 2000));
        assertTrue(PodLab.echoes(unrelated));
        assertTrue(PodLab.echoes(soonDenied));
        // Replies of allowed connections pass although z may not be reached by anyone:
        // z/a's own connection out gets its answers.
        assertTrue(lab.connects("z/a", "x/a", Protocol.TCP, 80, 2000));
        assertTrue(lab.connects("z/a", "y/c", Protocol.UDP, 81, 2000));
        // A pod's label change is set elements alone.
        ClusterState selectByLabel =
            E2eModel.stateOn(
                lab.manifests(),
                """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: deny-all, namespace: z}
                spec: {podSelector: {matchExpressions: [{key: x, operator: DoesNotExist}]},
                       policyTypes: [Ingress]}
                """);
        assertFalse(enforcer.sync(PolicyRuleset.render(selectByLabel, PodLab.NODE)).full());
        ClusterState relabelled =
            E2eModel.stateOn(
                lab.manifests()
                    .replace("labels: {pod: c}}\nspec:", "labels: {pod: c, x: y}}\nspec:"),
                """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: deny-all, namespace: z}
                spec: {podSelector: {matchExpressions: [{key: x, operator: DoesNotExist}]},
                       policyTypes: [Ingress]}
                """);
        EnforcementResult labelOnly = enforcer.sync(PolicyRuleset.render(relabelled, PodLab.NODE));
        assertTrue(labelOnly.elementsOnly(), labelOnly.toString());
        assertEquals(1, labelOnly.elementsDeleted(), labelOnly.toString());
        assertTrue(lab.connects("x/b", "z/c", Protocol.TCP, 81, 2000), "z/c no longer isolated");
        assertFalse(lab.connects("x/b", "z/b", Protocol.TCP, 81, 500));
      }
    }
  }

  @Test
  void bothFamiliesAreEnforced(NetworkNamespace node) throws Exception {
    try (PodLab lab = PodLab.dualStack(node, data);
        Nftables nft = node.nftables();
        PolicyEnforcer enforcer = PolicyEnforcer.create(nft)) {
      StringBuilder m = new StringBuilder();
      m.append("apiVersion: v1\nkind: Node\nmetadata: {name: ")
          .append(PodLab.NODE)
          .append("}\nstatus: {addresses: [{type: InternalIP, address: ")
          .append(PodLab.NODE_IP)
          .append("}]}\n");
      for (String ns : List.of("x", "y")) {
        m.append("---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ")
            .append(ns)
            .append("}\n");
      }
      for (String pod : lab.pods.keySet()) {
        String[] p = pod.split("/");
        m.append("---\napiVersion: v1\nkind: Pod\nmetadata: {name: ")
            .append(p[1])
            .append(", namespace: ")
            .append(p[0])
            .append(", labels: {pod: ")
            .append(p[1])
            .append("}}\nspec: {nodeName: ")
            .append(PodLab.NODE)
            .append("}\nstatus: {phase: Running, podIPs: [{ip: ")
            .append(lab.ips.get(pod))
            .append("}, {ip: '")
            .append(lab.ips6.get(pod))
            .append("'}]}\n");
      }
      ClusterState state =
          E2eModel.stateOn(
              m.toString(),
              """
              apiVersion: networking.k8s.io/v1
              kind: NetworkPolicy
              metadata: {name: only-from-a, namespace: x}
              spec:
                podSelector: {matchLabels: {pod: b}}
                ingress: [{from: [{podSelector: {matchLabels: {pod: a}}}], ports: [{port: 80}]}]
              ---
              apiVersion: networking.k8s.io/v1
              kind: NetworkPolicy
              metadata: {name: v6-block, namespace: y}
              spec:
                podSelector: {}
                ingress: [{from: [{ipBlock: {cidr: 'fd00:77:1::/64', except: ['XB6/128']}},
                                  {ipBlock: {cidr: 10.77.1.0/24}}]}]
              """
                  .replace("XB6", lab.ips6.get("x/b")));
      enforcer.sync(PolicyRuleset.render(state, PodLab.NODE));
      PolicyEngine engine = PolicyEngine.compile(state);
      // IPv6 addresses are usable once duplicate address detection is done.
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!lab.connects6("x/a", "x/b", Protocol.TCP, 80, 500)) {
        assertTrue(System.nanoTime() < deadline, "IPv6 between x/a and x/b never worked");
        Thread.sleep(100);
      }
      List<String> wrong = new ArrayList<>();
      int denied = 0;
      for (String from : lab.pods.keySet()) {
        for (String to : lab.pods.keySet()) {
          if (from.equals(to)) {
            continue;
          }
          for (Protocol p : List.of(Protocol.TCP, Protocol.UDP)) {
            for (int port : new int[] {80, 81}) {
              for (boolean v6 : new boolean[] {false, true}) {
                Map<String, String> ips = v6 ? lab.ips6 : lab.ips;
                boolean expected =
                    engine
                        .check(
                            new Connection(
                                Endpoint.parse(ips.get(from)),
                                Endpoint.parse(ips.get(to)),
                                p,
                                port))
                        .allowed();
                boolean got =
                    v6
                        ? lab.connects6(from, to, p, port, expected ? 3000 : 400)
                        : lab.connects(from, to, p, port, expected ? 3000 : 400);
                denied += expected ? 0 : 1;
                if (got != expected) {
                  wrong.add(
                      from
                          + " -> "
                          + to
                          + " "
                          + ips.get(to)
                          + ":"
                          + port
                          + "/"
                          + p
                          + " kernel "
                          + got
                          + ", engine "
                          + expected);
                }
              }
            }
          }
        }
      }
      assertEquals(List.of(), wrong);
      assertTrue(denied > 0);
    }
  }

  @Test
  void sctpRulesAreProgrammedAsRendered(NetworkNamespace node) {
    ClusterState state =
        E2eModel.state(
            """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: sctp, namespace: x}
            spec:
              podSelector: {}
              ingress:
              - ports: [{port: 80, protocol: SCTP}, {port: 9000, endPort: 9010, protocol: SCTP},
                        {port: 9100, protocol: SCTP}, {port: serve-81-sctp, protocol: SCTP}]
            """);
    PolicyRuleset rules = PolicyRuleset.render(state, "node-1");
    try (Nftables nft = node.nftables();
        PolicyEnforcer enforcer = PolicyEnforcer.create(nft)) {
      enforcer.sync(rules);
      List<NftRule> programmed = nft.ruleset().rules("inet", "k8snet-policy", "np/x/sctp/ingress");
      List<String> json = programmed.stream().map(NftRule::expressionJson).toList();
      assertEquals(
          rules.chains().get("np/x/sctp/ingress").size(), programmed.size(), json.toString());
      String all = String.join("\n", json);
      assertTrue(all.contains("\"sctp\""), all);
      assertTrue(
          nft.ruleset()
              .set("inet", "k8snet-policy", "named4-serve-81-sctp")
              .orElseThrow()
              .elements()
              .contains("10.0.1.10 . sctp . 81"),
          nft.listJson("set inet k8snet-policy named4-serve-81-sctp"));
    }
  }

  @Test
  void loggingTagsDenialsWithThePolicy(NetworkNamespace node) {
    ClusterState state =
        E2eModel.state(
            """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: deny-all, namespace: x}
            spec: {podSelector: {}, policyTypes: [Ingress]}
            """);
    EnforcementOptions options = EnforcementOptions.DEFAULTS.withLogDenied(true);
    PolicyRuleset rules = PolicyRuleset.render(state, "node-1", options);
    try (Nftables nft = node.nftables();
        PolicyEnforcer enforcer = PolicyEnforcer.create(nft, options)) {
      enforcer.sync(rules);
      String table = nft.listJson("table inet k8snet-policy");
      assertTrue(table.contains("isolated by NetworkPolicy x/deny-all"), table);
      assertTrue(table.contains("\"limit\""), table);
    }
  }

  /** Runs the e2e probes in parallel, with short timeouts and one slower retry on disagreement. */
  static final class Prober implements AutoCloseable {
    private final PodLab lab;
    private final ExecutorService pool = Executors.newFixedThreadPool(48);

    Prober(PodLab lab) {
      this.lab = lab;
    }

    void assertAgreement(String name, ClusterState state) throws Exception {
      PolicyEngine engine = PolicyEngine.compile(state);
      record Probe(String from, String to, Protocol protocol, int port, boolean expected) {}
      List<Probe> probes = new ArrayList<>();
      for (String from : E2eModel.ALL) {
        for (String to : E2eModel.ALL) {
          if (from.equals(to)) {
            continue;
          }
          for (Protocol p : List.of(Protocol.TCP, Protocol.UDP)) {
            for (int port : new int[] {80, 81}) {
              boolean expected = engine.check(Connection.of(from, to, p, port)).allowed();
              probes.add(new Probe(from, to, p, port, expected));
            }
          }
        }
      }
      List<Future<Boolean>> results = new ArrayList<>();
      for (Probe p : probes) {
        results.add(pool.submit(() -> lab.connects(p.from, p.to, p.protocol, p.port, 400)));
      }
      List<String> wrong = new ArrayList<>();
      int allowed = 0;
      for (int i = 0; i < probes.size(); i++) {
        Probe p = probes.get(i);
        boolean got = results.get(i).get();
        if (got != p.expected) {
          got = lab.connects(p.from, p.to, p.protocol, p.port, 3000); // a slow machine, or not
        }
        if (got != p.expected) {
          wrong.add(
              p.from
                  + " -> "
                  + p.to
                  + ":"
                  + p.port
                  + "/"
                  + p.protocol
                  + " kernel "
                  + got
                  + ", engine "
                  + p.expected);
        }
        allowed += p.expected ? 1 : 0;
      }
      if (!wrong.isEmpty()) {
        fail(
            name
                + ": "
                + wrong.size()
                + " of "
                + probes.size()
                + " probes disagree:\n"
                + String.join("\n", wrong));
      }
      if (!name.equals("no policy")) {
        assertTrue(allowed < probes.size(), name + ": the case denies something");
      }
    }

    @Override
    public void close() {
      pool.shutdownNow();
    }
  }
}
