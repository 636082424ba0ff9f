package dev.k8snet.policy;

import static org.junit.jupiter.api.Assertions.fail;

import dev.k8snet.core.Protocol;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.manifest.ManifestReader;
import java.util.ArrayList;
import java.util.List;

/**
 * The upstream e2e model: namespaces x, y, z (labelled ns=NAME) × pods a, b, c (labelled pod=NAME)
 * serving ports 80 and 81 over TCP, UDP and SCTP, named serve-PORT-PROTO; all on node-1
 * (192.168.0.1). Pod IPs: x/a 10.0.1.10, x/b 10.0.1.11, … z/c 10.0.3.12.
 */
final class E2eModel {
  static final List<String> NAMESPACES = List.of("x", "y", "z");
  static final List<String> PODS = List.of("a", "b", "c");
  static final List<String> ALL = new ArrayList<>();

  static {
    for (String ns : NAMESPACES) {
      for (String p : PODS) {
        ALL.add(ns + "/" + p);
      }
    }
  }

  private E2eModel() {}

  static String ip(String pod) {
    String[] parts = pod.split("/");
    return "10.0." + (NAMESPACES.indexOf(parts[0]) + 1) + "." + (10 + PODS.indexOf(parts[1]));
  }

  static String base() {
    return base(E2eModel::ip, "node-1", "192.168.0.1");
  }

  /**
   * The model with pod IPs from {@code ips}, all pods on {@code node} whose InternalIP is {@code
   * nodeIp} (plus node-2, 192.168.0.2, with no pods).
   */
  static String base(java.util.function.Function<String, String> ips, String node, String nodeIp) {
    StringBuilder b = new StringBuilder();
    b.append("apiVersion: v1\nkind: Node\nmetadata: {name: ")
        .append(node)
        .append(", labels: {role: worker}}\nstatus: {addresses: [{type: InternalIP, address: ")
        .append(nodeIp)
        .append("}]}\n");
    b.append(
        """
        ---
        apiVersion: v1
        kind: Node
        metadata: {name: node-2, labels: {role: control-plane}}
        status: {addresses: [{type: InternalIP, address: 192.168.0.2}]}
        """);
    for (String ns : NAMESPACES) {
      b.append("---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ")
          .append(ns)
          .append(", labels: {ns: ")
          .append(ns)
          .append("}}\n");
      for (String p : PODS) {
        b.append("---\napiVersion: v1\nkind: Pod\nmetadata: {name: ")
            .append(p)
            .append(", namespace: ")
            .append(ns)
            .append(", labels: {pod: ")
            .append(p)
            .append("}}\nspec:\n  nodeName: ")
            .append(node)
            .append("\n  containers:\n");
        for (String proto : List.of("TCP", "UDP", "SCTP")) {
          for (int port : new int[] {80, 81}) {
            String name = "serve-" + port + "-" + proto.toLowerCase(java.util.Locale.ROOT);
            b.append("  - name: c-")
                .append(port)
                .append("-")
                .append(proto.toLowerCase(java.util.Locale.ROOT))
                .append("\n    ports: [{name: ")
                .append(name)
                .append(", containerPort: ")
                .append(port)
                .append(", protocol: ")
                .append(proto)
                .append("}]\n");
          }
        }
        b.append("status: {phase: Running, podIP: ").append(ips.apply(ns + "/" + p)).append("}\n");
      }
    }
    return b.toString();
  }

  /** The model plus extra manifests (YAML documents). */
  static ClusterState state(String... extra) {
    return stateOn(base(), extra);
  }

  /** A given base plus extra manifests (YAML documents). */
  static ClusterState stateOn(String base, String... extra) {
    String text = base + "---\n" + String.join("\n---\n", extra);
    ManifestReader.Result r = ManifestReader.create().readString("test.yaml", text);
    if (!r.isValid()) {
      throw new AssertionError("invalid fixture: " + r.errors());
    }
    return ClusterState.of(1, r.objects());
  }

  static List<Endpoint> endpoints() {
    return ALL.stream().map(Endpoint::parse).toList();
  }

  /** Expected reachability, all allowed until edited (as the e2e suite's Reachability). */
  static final class Expect {
    final boolean[][] allowed = new boolean[9][9];

    Expect() {
      for (boolean[] row : allowed) {
        java.util.Arrays.fill(row, true);
      }
    }

    private static boolean matches(String pattern, String pod) {
      String[] p = pattern.split("/");
      String[] q = pod.split("/");
      return (p[0].equals("*") || p[0].equals(q[0])) && (p[1].equals("*") || p[1].equals(q[1]));
    }

    /** Sets every pair whose client matches {@code from} and server matches {@code to}. */
    Expect set(String from, String to, boolean value) {
      for (int i = 0; i < 9; i++) {
        for (int j = 0; j < 9; j++) {
          if (matches(from, ALL.get(i)) && matches(to, ALL.get(j))) {
            allowed[i][j] = value;
          }
        }
      }
      return this;
    }

    Expect allIngress(String to, boolean value) {
      return set("*/*", to, value);
    }

    Expect allEgress(String from, boolean value) {
      return set(from, "*/*", value);
    }

    String table() {
      StringBuilder b = new StringBuilder("-");
      ALL.forEach(p -> b.append('\t').append(p));
      for (int i = 0; i < 9; i++) {
        b.append('\n').append(ALL.get(i));
        for (int j = 0; j < 9; j++) {
          b.append('\t').append(i == j ? '-' : allowed[i][j] ? '.' : 'X');
        }
      }
      return b.toString();
    }
  }

  /** Checks both engines against the expectation, ignoring loopback as the e2e suite does. */
  static void assertReachability(ClusterState state, Protocol protocol, int port, Expect expect) {
    for (PolicyEngine engine :
        List.of(PolicyEngine.compile(state), PolicyEngine.reference(state))) {
      Reachability r = Reachability.of(engine, endpoints(), protocol, port);
      Expect actual = new Expect();
      boolean ok = true;
      for (int i = 0; i < 9; i++) {
        for (int j = 0; j < 9; j++) {
          actual.allowed[i][j] = r.verdict(i, j).allowed();
          ok &= i == j || actual.allowed[i][j] == expect.allowed[i][j];
        }
      }
      if (!ok) {
        fail(
            engine.getClass().getSimpleName()
                + " "
                + port
                + "/"
                + protocol
                + "\nexpected:\n"
                + expect.table()
                + "\nactual:\n"
                + actual.table());
      }
    }
  }
}
