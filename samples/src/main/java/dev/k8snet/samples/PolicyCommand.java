package dev.k8snet.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.k8snet.core.K8snetException;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.cluster.ClusterListener;
import dev.k8snet.core.cluster.ClusterSource;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.cluster.ClusterUpdate;
import dev.k8snet.core.cluster.DirectoryClusterSource;
import dev.k8snet.core.model.ObjectRef;
import dev.k8snet.core.model.Pod;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.core.nftables.Nftables;
import dev.k8snet.policy.Connection;
import dev.k8snet.policy.Decision;
import dev.k8snet.policy.Endpoint;
import dev.k8snet.policy.LintWarning;
import dev.k8snet.policy.PolicyEngine;
import dev.k8snet.policy.PolicyLinter;
import dev.k8snet.policy.Reachability;
import dev.k8snet.policy.Verdict;
import dev.k8snet.policy.enforce.EnforcementOptions;
import dev.k8snet.policy.enforce.EnforcementResult;
import dev.k8snet.policy.enforce.PolicyEnforcer;
import dev.k8snet.policy.enforce.PolicyRuleset;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code k8snet policy}: NetworkPolicy and admin network policy evaluation. */
@Command(
    name = "policy",
    mixinStandardHelpOptions = true,
    description =
        "Evaluates NetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy and"
            + " ClusterNetworkPolicy for connections between pods and IPs.",
    subcommands = {
      PolicyCommand.Check.class,
      PolicyCommand.Matrix.class,
      PolicyCommand.Explain.class,
      PolicyCommand.Lint.class,
      PolicyCommand.Render.class,
      PolicyCommand.Sync.class
    })
final class PolicyCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static Protocol protocol(String option, String text) {
    try {
      return Protocol.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + ": " + text + " (expected: one of TCP, UDP, SCTP)");
    }
  }

  static int port(String option, long port) {
    if (port < 1 || port > 65535) {
      throw new UsageException(option + ": " + port + " (expected: 1 ~ 65535)");
    }
    return (int) port;
  }

  static Verdict check(PolicyEngine engine, Connection c, String where) {
    try {
      return engine.check(c);
    } catch (IllegalArgumentException e) {
      throw new UsageException(where + e.getMessage());
    }
  }

  static Endpoint endpoint(String option, String text) {
    try {
      return Endpoint.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException(
          option + ": " + text + " (expected: namespace/pod or an IP address)");
    }
  }

  /** The JSON form of one direction's decision. */
  static ObjectNode json(ObjectMapper mapper, Decision d) {
    ObjectNode o = mapper.createObjectNode();
    o.put("allowed", d.allowed());
    o.put("tier", d.tier().displayName());
    if (d.policy().isPresent()) {
      o.set("policy", json(mapper, d.policy().get()));
    } else {
      o.putNull("policy");
    }
    if (d.rule().isPresent()) {
      o.put("rule", d.rule().getAsInt());
    } else {
      o.putNull("rule");
    }
    if (!d.ruleName().isEmpty()) {
      o.put("ruleName", d.ruleName());
    }
    d.peer().ifPresent(p -> o.put("peer", p));
    d.port().ifPresent(p -> o.put("ports", p));
    if (!d.isolatedBy().isEmpty()) {
      ArrayNode isolated = o.putArray("isolatedBy");
      d.isolatedBy().forEach(r -> isolated.add(json(mapper, r)));
    }
    o.put("reason", d.reason());
    return o;
  }

  static ObjectNode json(ObjectMapper mapper, ObjectRef ref) {
    ObjectNode o = mapper.createObjectNode();
    o.put("kind", ref.kind());
    if (!ref.namespace().isEmpty()) {
      o.put("namespace", ref.namespace());
    }
    o.put("name", ref.name());
    return o;
  }

  /** {@code k8snet policy check}: evaluates a file of probes, prints JSON. */
  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description =
          "Evaluates each probe of FILE (a JSON array of {\"from\", \"to\", \"port\", \"protocol\"},"
              + " endpoints as ns/pod or IP) and prints a JSON array in probe order: the probe's"
              + " fields, \"allowed\" and the explanation of egress and ingress.")
  static final class Check implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ManifestsOption manifests;

    @Option(names = "--probes", required = true, paramLabel = "FILE", description = "The probes.")
    Path probes;

    @Override
    public Integer call() {
      ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      JsonNode root;
      try {
        root = mapper.readTree(Files.readString(probes));
      } catch (IOException e) {
        throw new UsageException("--probes: " + probes + ": " + e.getMessage());
      }
      if (root == null || !root.isArray()) {
        throw new UsageException("--probes: " + probes + ": expected a JSON array of probes");
      }
      List<Connection> connections = new ArrayList<>();
      for (int i = 0; i < root.size(); i++) {
        connections.add(probe(root.get(i), "probes[" + i + "]"));
      }
      ClusterState state = manifests.load(spec.commandLine().getErr());
      PolicyEngine engine = PolicyEngine.compile(state);
      List<Verdict> verdicts = new ArrayList<>();
      for (int i = 0; i < connections.size(); i++) {
        verdicts.add(check(engine, connections.get(i), "probes[" + i + "]."));
      }
      ArrayNode out = mapper.createArrayNode();
      for (int i = 0; i < verdicts.size(); i++) {
        Verdict v = verdicts.get(i);
        ObjectNode o = out.addObject();
        o.put("from", root.get(i).get("from").asText());
        o.put("to", root.get(i).get("to").asText());
        o.put("port", v.connection().port());
        o.put("protocol", v.connection().protocol().name());
        o.put("allowed", v.allowed());
        ObjectNode explanation = o.putObject("explanation");
        explanation.set("egress", json(mapper, v.egress()));
        explanation.set("ingress", json(mapper, v.ingress()));
      }
      PrintWriter w = spec.commandLine().getOut();
      try {
        w.println(mapper.writeValueAsString(out));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      w.flush();
      return 0;
    }

    private static Connection probe(JsonNode p, String where) {
      if (p == null || !p.isObject()) {
        throw new UsageException(where + ": expected an object {from, to, port, protocol}");
      }
      Endpoint from = endpoint(where + ".from", text(p, "from", where));
      Endpoint to = endpoint(where + ".to", text(p, "to", where));
      JsonNode port = p.get("port");
      if (port == null || !port.canConvertToLong() || !port.isIntegralNumber()) {
        throw new UsageException(where + ".port: " + port + " (expected: a port number 1 ~ 65535)");
      }
      int n = port(where + ".port", port.asLong());
      JsonNode proto = p.get("protocol");
      Protocol protocol = Protocol.TCP;
      if (proto != null && !proto.isNull()) {
        if (!proto.isTextual()) {
          throw new UsageException(
              where + ".protocol: " + proto + " (expected: one of TCP, UDP, SCTP)");
        }
        protocol = protocol(where + ".protocol", proto.asText());
      }
      return new Connection(from, to, protocol, n);
    }

    private static String text(JsonNode p, String field, String where) {
      JsonNode v = p.get(field);
      if (v == null || !v.isTextual()) {
        throw new UsageException(
            where + "." + field + ": " + v + " (expected: \"namespace/pod\" or an IP address)");
      }
      return v.asText();
    }
  }

  /** {@code k8snet policy matrix}: the truth table of all pods. */
  @Command(
      name = "matrix",
      mixinStandardHelpOptions = true,
      description =
          "Prints the reachability truth table between all pods (rows: clients, columns: servers;"
              + " '.' allowed, 'X' denied), as the Kubernetes e2e suite prints it.")
  static final class Matrix implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ManifestsOption manifests;

    @Option(names = "--port", defaultValue = "80", description = "Destination port (default: 80).")
    long port;

    @Option(
        names = "--protocol",
        defaultValue = "TCP",
        description = "TCP, UDP or SCTP (default: TCP).")
    String protocol;

    @Override
    public Integer call() {
      int p = port("--port", port);
      Protocol proto = protocol("--protocol", protocol);
      ClusterState state = manifests.load(spec.commandLine().getErr());
      List<Endpoint> pods = new ArrayList<>();
      for (Pod pod : state.pods()) {
        if (!pod.hostNetwork()) {
          pods.add(Endpoint.pod(pod.metadata().namespace(), pod.metadata().name()));
        }
      }
      PrintWriter w = spec.commandLine().getOut();
      Reachability r = Reachability.of(PolicyEngine.compile(state), pods, proto, p);
      w.println(
          "Reachability " + p + "/" + proto + " (rows: from, columns: to; . allowed, X denied)");
      w.println(r.truthTable());
      w.println(r.allowedCount() + " of " + pods.size() * pods.size() + " allowed");
      w.flush();
      return 0;
    }
  }

  /** {@code k8snet policy explain}: one verdict, in words. */
  @Command(
      name = "explain",
      mixinStandardHelpOptions = true,
      description =
          "Explains the verdict for one connection: for egress and ingress, the deciding tier,"
              + " policy and rule, or the policies that isolate the pod.")
  static final class Explain implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ManifestsOption manifests;

    @Option(names = "--from", required = true, paramLabel = "NS/POD|IP", description = "Client.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "NS/POD|IP", description = "Server.")
    String to;

    @Option(names = "--port", required = true, description = "Destination port.")
    long port;

    @Option(
        names = "--protocol",
        defaultValue = "TCP",
        description = "TCP, UDP or SCTP (default: TCP).")
    String protocol;

    @Option(
        names = "--output",
        defaultValue = "text",
        paramLabel = "text|json",
        description = "text (default) or json (one object as `policy check` prints per probe).")
    String output;

    @Override
    public Integer call() {
      if (!output.equals("text") && !output.equals("json")) {
        throw new UsageException("--output: " + output + " (expected: text or json)");
      }
      Connection c =
          new Connection(
              endpoint("--from", from),
              endpoint("--to", to),
              protocol("--protocol", protocol),
              port("--port", port));
      ClusterState state = manifests.load(spec.commandLine().getErr());
      Verdict v = check(PolicyEngine.compile(state), c, "");
      PrintWriter w = spec.commandLine().getOut();
      if (output.equals("json")) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode o = mapper.createObjectNode();
        o.put("from", from);
        o.put("to", to);
        o.put("port", v.connection().port());
        o.put("protocol", v.connection().protocol().name());
        o.put("allowed", v.allowed());
        ObjectNode explanation = o.putObject("explanation");
        explanation.set("egress", json(mapper, v.egress()));
        explanation.set("ingress", json(mapper, v.ingress()));
        try {
          w.println(mapper.writeValueAsString(o));
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
        w.flush();
        return 0;
      }
      w.println(v.explain());
      for (Decision d : List.of(v.egress(), v.ingress())) {
        if (!d.isolatedBy().isEmpty()) {
          w.println(
              "  "
                  + d.direction().kubernetesName().toLowerCase(java.util.Locale.ROOT)
                  + " isolated by: "
                  + String.join(", ", d.isolatedBy().stream().map(ObjectRef::toString).toList()));
        }
      }
      w.flush();
      return 0;
    }
  }

  /** {@code k8snet policy lint}: the known traps. */
  @Command(
      name = "lint",
      mixinStandardHelpOptions = true,
      description =
          "Warns about policies that are valid but rarely do what was meant (missing policyTypes,"
              + " ports: [{}], DNS blocked, podSelector-only peers, unresolvable named ports, …).")
  static final class Lint implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ManifestsOption manifests;

    @Option(names = "--strict", description = "Exit 1 when there are warnings.")
    boolean strict;

    @Override
    public Integer call() {
      ClusterState state = manifests.load(spec.commandLine().getErr());
      List<LintWarning> warnings = PolicyLinter.lint(state);
      PrintWriter w = spec.commandLine().getOut();
      for (LintWarning warning : warnings) {
        w.println("warning: " + warning);
      }
      w.println(warnings.size() + (warnings.size() == 1 ? " warning" : " warnings"));
      w.flush();
      return strict && !warnings.isEmpty() ? 1 : 0;
    }
  }

  /** The options shared by {@code render} and {@code sync}. */
  static final class EnforceOptions {
    @Mixin ManifestsOption manifests;

    @Option(
        names = "--node-name",
        required = true,
        paramLabel = "NAME",
        description = "This node: the pods with this spec.nodeName are enforced.")
    String nodeName;

    @Option(
        names = "--table",
        paramLabel = "NAME",
        description = "The inet table to program (default: k8snet-policy).")
    String table = EnforcementOptions.DEFAULT_TABLE;

    @Option(
        names = "--log-denied",
        description =
            "Log denied connections to the kernel log, tagged with the policy that denied them.")
    boolean logDenied;

    @Option(
        names = "--log-rate",
        paramLabel = "N",
        description = "At most N log lines per second per denying rule (default: 10).")
    int logRate = 10;

    EnforcementOptions options() {
      if (nodeName.isBlank()) {
        throw new UsageException("--node-name: '" + nodeName + "' (expected: a node name)");
      }
      try {
        return new EnforcementOptions(table, logDenied, logRate);
      } catch (IllegalArgumentException e) {
        throw new UsageException(
            e.getMessage()
                .replace("tableName:", "--table:")
                .replace("logRatePerSecond:", "--log-rate:"));
      }
    }

    /** Loads the manifests and warns when nothing on this node will be enforced. */
    ClusterState load(PrintWriter err) {
      ClusterState state = manifests.load(err);
      if (state.node(nodeName).isEmpty()) {
        err.println(
            "warning: no Node "
                + nodeName
                + " in the manifests: its addresses are unknown, so traffic from the node to its"
                + " pods is not recognised as such");
      }
      long pods =
          state.pods().stream().filter(p -> p.nodeName().equals(Optional.of(nodeName))).count();
      if (pods == 0) {
        err.println("warning: no pod has spec.nodeName " + nodeName + ": nothing to enforce");
      }
      err.flush();
      return state;
    }
  }

  /** {@code k8snet policy render}: prints the enforcement ruleset. */
  @Command(
      name = "render",
      mixinStandardHelpOptions = true,
      description =
          "Prints the nftables ruleset that enforces the policies for the pods of one node"
              + " (loadable with nft -f; it replaces any table of the same name).")
  static final class Render implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin EnforceOptions options;

    @Override
    public Integer call() {
      EnforcementOptions o = options.options();
      ClusterState state = options.load(spec.commandLine().getErr());
      PrintWriter out = spec.commandLine().getOut();
      out.print(PolicyRuleset.render(state, options.nodeName, o).script());
      out.flush();
      return 0;
    }
  }

  /** {@code k8snet policy sync}: programs enforcement in the current network namespace. */
  @Command(
      name = "sync",
      mixinStandardHelpOptions = true,
      description =
          "Programs NetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy and"
              + " ClusterNetworkPolicy enforcement for the pods of one node (by IP) into the"
              + " current network namespace with nftables; without --once keeps it in step with"
              + " the manifests (a single directory is watched), each change one atomic"
              + " transaction holding only the difference.")
  static final class Sync implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin EnforceOptions options;

    @Option(names = "--once", description = "Exit after one sync.")
    boolean once;

    @Override
    public Integer call() throws InterruptedException {
      PrintWriter err = spec.commandLine().getErr();
      EnforcementOptions o = options.options();
      ClusterState state = options.load(err);
      warnIfBridgedTrafficBypassesIpHooks(err);
      try (Nftables nft = Nftables.open(NetworkNamespace.current());
          PolicyEnforcer enforcer = PolicyEnforcer.create(nft, o)) {
        PolicyRuleset ruleset = PolicyRuleset.render(state, options.nodeName, o);
        report(err, enforcer.sync(ruleset));
        if (once) {
          return 0;
        }
        AtomicReference<ClusterState> latest = new AtomicReference<>();
        Semaphore changed = new Semaphore(0);
        try (ClusterSource source = DirectoryClusterSource.create(options.manifests.paths)) {
          source.start(
              new ClusterListener() {
                @Override
                public void onUpdate(ClusterUpdate update) {
                  latest.set(update.current());
                  changed.release();
                }

                @Override
                public void onError(K8snetException error) {
                  err.println("warning: " + error.getMessage() + " (the previous state stays)");
                  err.flush();
                }
              });
          while (true) {
            changed.acquire();
            changed.drainPermits();
            ClusterState next = latest.getAndSet(null);
            if (next == null) {
              continue;
            }
            try {
              // Pod changes cost what changed; the enforcer diffs only what differs.
              ruleset = ruleset.update(next);
              report(err, enforcer.sync(ruleset));
            } catch (K8snetException e) {
              err.println("error: " + e.getMessage() + " (the next change rebuilds the table)");
              err.flush();
            }
          }
        }
      } catch (K8snetException e) {
        err.println("k8snet policy sync: error: " + e.getMessage());
        err.flush();
        return 1;
      }
    }

    /** Pods on one bridge reach each other past the IP hooks unless br_netfilter hands them in. */
    private static void warnIfBridgedTrafficBypassesIpHooks(PrintWriter err) {
      for (String key :
          List.of("net.bridge.bridge-nf-call-iptables", "net.bridge.bridge-nf-call-ip6tables")) {
        String value;
        try (NetworkNamespace ns = NetworkNamespace.current()) {
          value = ns.sysctls().get(key).strip();
        } catch (RuntimeException e) {
          continue; // no br_netfilter: no bridge filtering to worry about here
        }
        if (value.equals("0")) {
          err.println(
              "warning: "
                  + key
                  + " is 0: traffic between pods on the same bridge bypasses enforcement (set it"
                  + " to 1, as kube-proxy also requires)");
        }
      }
      err.flush();
    }

    private static void report(PrintWriter err, EnforcementResult r) {
      err.printf(
          Locale.ROOT,
          "%s sync: %d transaction(s), +%d/-%d elements, +%d/~%d/-%d chains; %d rules, %d"
              + " elements programmed; %.1f ms (nft %.1f ms)%n",
          r.full() ? "full" : r.transactions() == 0 ? "unchanged" : "partial",
          r.transactions(),
          r.elementsAdded(),
          r.elementsDeleted(),
          r.chainsAdded(),
          r.chainsReplaced(),
          r.chainsDeleted(),
          r.rules(),
          r.elements(),
          r.duration().toNanos() / 1e6,
          r.transaction().toNanos() / 1e6);
      err.flush();
    }
  }
}
