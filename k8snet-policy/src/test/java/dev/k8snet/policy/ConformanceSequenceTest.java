package dev.k8snet.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.k8snet.core.Protocol;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.cluster.ClusterUpdate;
import dev.k8snet.core.manifest.ManifestReader;
import dev.k8snet.core.model.KubernetesObject;
import dev.k8snet.core.model.ObjectRef;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sequences in the style of the network-policy-api conformance suite: one cluster of four houses
 * (namespaces labelled conformance-house, two pods each serving TCP 80, UDP 53, SCTP 9003), and
 * policies mutated between steps; each step's expectations follow from the state the previous steps
 * left. Every step is checked on an engine updated incrementally, one compiled from scratch and the
 * reference evaluator.
 */
class ConformanceSequenceTest {
  static final List<String> HOUSES = List.of("gryffindor", "slytherin", "hufflepuff", "ravenclaw");

  static String base() {
    StringBuilder b = new StringBuilder();
    for (int h = 0; h < HOUSES.size(); h++) {
      String house = HOUSES.get(h);
      b.append("---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ")
          .append(house)
          .append(", labels: {conformance-house: ")
          .append(house)
          .append("}}\n");
      for (int i = 0; i < 2; i++) {
        b.append("---\napiVersion: v1\nkind: Pod\nmetadata: {name: ")
            .append(house)
            .append('-')
            .append(i)
            .append(", namespace: ")
            .append(house)
            .append(", labels: {conformance-house: ")
            .append(house)
            .append("}}\nspec:\n  nodeName: node-1\n  containers:\n  - name: c\n    ports:\n")
            .append("    - {name: web, containerPort: 80}\n")
            .append("    - {name: dns, containerPort: 53, protocol: UDP}\n")
            .append("    - {containerPort: 9003, protocol: SCTP}\n")
            .append("status: {phase: Running, podIP: 10.1.")
            .append(h)
            .append('.')
            .append(10 + i)
            .append("}\n");
      }
    }
    return b.toString();
  }

  static List<KubernetesObject> read(String yaml) {
    ManifestReader.Result r = ManifestReader.create().readString("seq.yaml", yaml);
    if (!r.isValid()) {
      throw new AssertionError(r.errors().toString());
    }
    return r.objects();
  }

  private ClusterState state;
  private PolicyEngine incremental;

  void apply(String yaml, ObjectRef... deletions) {
    ClusterState next = state.with(state.version() + 1, read(yaml), List.of(deletions));
    incremental = incremental.update(ClusterUpdate.between(state, next));
    state = next;
  }

  void expect(String from, String to, Protocol protocol, int port, boolean allowed) {
    Connection c = Connection.of(from, to, protocol, port);
    Verdict reference = PolicyEngine.reference(state).check(c);
    assertEquals(allowed, reference.allowed(), () -> reference.explain());
    assertEquals(reference, PolicyEngine.compile(state).check(c));
    assertEquals(reference, incremental.check(c));
  }

  static String cnp(String name, String tier, int priority, String rules) {
    return "apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\n"
        + "metadata: {name: "
        + name
        + "}\nspec:\n  tier: "
        + tier
        + "\n  priority: "
        + priority
        + "\n  subject: {namespaces: {matchLabels: {conformance-house: gryffindor}}}\n"
        + rules.indent(2);
  }

  static String fromHouse(String action, String house, String protocols) {
    return "- action: "
        + action
        + "\n  from: [{namespaces: {matchLabels: {conformance-house: "
        + house
        + "}}}]\n"
        + (protocols.isEmpty() ? "" : "  protocols: " + protocols + "\n");
  }

  @Test
  void adminTierIngressSequence() {
    state = ClusterState.of(1, read(base()));
    incremental = PolicyEngine.compile(state);
    String g = "gryffindor/gryffindor-0";

    // Step 1: deny slytherin, accept hufflepuff on UDP 53 only; rule order decides.
    apply(
        cnp(
            "ingress-admin",
            "Admin",
            60,
            "ingress:\n"
                + fromHouse("Accept", "hufflepuff", "[{udp: {destinationPort: {number: 53}}}]")
                + fromHouse("Deny", "hufflepuff", "")
                + fromHouse("Deny", "slytherin", "")));
    expect("slytherin/slytherin-0", g, Protocol.TCP, 80, false);
    expect("hufflepuff/hufflepuff-1", g, Protocol.UDP, 53, true);
    expect("hufflepuff/hufflepuff-1", g, Protocol.TCP, 80, false);
    expect("ravenclaw/ravenclaw-0", g, Protocol.SCTP, 9003, true);

    // Step 2: swap the first two rules: the Deny now shadows the Accept.
    apply(
        cnp(
            "ingress-admin",
            "Admin",
            60,
            "ingress:\n"
                + fromHouse("Deny", "hufflepuff", "")
                + fromHouse("Accept", "hufflepuff", "[{udp: {destinationPort: {number: 53}}}]")
                + fromHouse("Deny", "slytherin", "")));
    expect("hufflepuff/hufflepuff-1", g, Protocol.UDP, 53, false);

    // Step 3: a second policy at priority 50 accepts slytherin on TCP 80: it goes first.
    apply(
        cnp(
            "ingress-admin-50",
            "Admin",
            50,
            "ingress:\n"
                + fromHouse("Accept", "slytherin", "[{tcp: {destinationPort: {number: 80}}}]")));
    expect("slytherin/slytherin-0", g, Protocol.TCP, 80, true);
    expect("slytherin/slytherin-0", g, Protocol.UDP, 53, false);

    // Step 4: move it to priority 70: the Deny of priority 60 wins again.
    apply(
        cnp(
            "ingress-admin-50",
            "Admin",
            70,
            "ingress:\n"
                + fromHouse("Accept", "slytherin", "[{tcp: {destinationPort: {number: 80}}}]")));
    expect("slytherin/slytherin-0", g, Protocol.TCP, 80, false);

    // Step 5: Deny slytherin becomes Pass; a NetworkPolicy in gryffindor allows only ravenclaw;
    // slytherin now falls to the NetworkPolicy and is dropped there.
    apply(
        cnp(
                "ingress-admin",
                "Admin",
                60,
                "ingress:\n"
                    + fromHouse("Deny", "hufflepuff", "")
                    + fromHouse("Pass", "slytherin", ""))
            + "\n---\n"
            + """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: only-ravenclaw, namespace: gryffindor}
            spec:
              podSelector: {}
              ingress: [{from: [{namespaceSelector: {matchLabels: {conformance-house: ravenclaw}}}]}]
            """);
    expect("slytherin/slytherin-1", g, Protocol.TCP, 80, false);
    expect("ravenclaw/ravenclaw-1", g, Protocol.TCP, 80, true);
    Verdict v =
        PolicyEngine.reference(state)
            .check(Connection.of("slytherin/slytherin-1", g, Protocol.TCP, 80));
    assertEquals(Tier.NETWORK_POLICY, v.ingress().tier());

    // Step 6: delete the NetworkPolicy; a Baseline policy denies slytherin: Pass -> Baseline.
    apply(
        cnp("baseline", "Baseline", 10, "ingress:\n" + fromHouse("Deny", "slytherin", "")),
        new ObjectRef("NetworkPolicy", "gryffindor", "only-ravenclaw"));
    expect("slytherin/slytherin-1", g, Protocol.TCP, 80, false);
    expect("ravenclaw/ravenclaw-1", g, Protocol.TCP, 80, true);
    assertEquals(
        Tier.BASELINE,
        incremental
            .check(Connection.of("slytherin/slytherin-1", g, Protocol.TCP, 80))
            .ingress()
            .tier());

    // Step 7: relabel slytherin's namespace as ravenclaw: its pods are ravenclaw now.
    apply(
        """
        apiVersion: v1
        kind: Namespace
        metadata: {name: slytherin, labels: {conformance-house: ravenclaw}}
        """);
    expect("slytherin/slytherin-1", g, Protocol.TCP, 80, true);

    // Step 8: delete the Admin policies: only the Baseline Deny for slytherin-labelled houses
    // remains, and nothing is labelled slytherin any more.
    apply(
        "",
        new ObjectRef("ClusterNetworkPolicy", "", "ingress-admin"),
        new ObjectRef("ClusterNetworkPolicy", "", "ingress-admin-50"));
    expect("hufflepuff/hufflepuff-0", g, Protocol.UDP, 53, true);
    expect("slytherin/slytherin-0", g, Protocol.TCP, 80, true);
  }
}
