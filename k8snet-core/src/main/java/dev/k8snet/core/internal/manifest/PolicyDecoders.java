package dev.k8snet.core.internal.manifest;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.internal.manifest.Decode.NameRule;
import dev.k8snet.core.model.AdminNetworkPolicy;
import dev.k8snet.core.model.AdminPeer;
import dev.k8snet.core.model.AdminPolicyAction;
import dev.k8snet.core.model.AdminPolicyRule;
import dev.k8snet.core.model.AdminPort;
import dev.k8snet.core.model.BaselineAdminNetworkPolicy;
import dev.k8snet.core.model.ClusterNetworkPolicy;
import dev.k8snet.core.model.ObjectMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Decoders for policy.networking.k8s.io: AdminNetworkPolicy and BaselineAdminNetworkPolicy
 * (v1alpha1), ClusterNetworkPolicy (v1alpha2), with the CRDs' OpenAPI and CEL validation.
 */
final class PolicyDecoders {
  private static final Pattern DOMAIN_NAME =
      Pattern.compile(
          "^(\\*\\.)?([a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\\.)+"
              + "[a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\\.?$");
  private static final String NAMED_PORT_PEERS =
      "networks/nodes/domainNames peer cannot be set with namedPorts since there are no namedPorts"
          + " for networks/nodes/domainNames";

  /** Which API the object belongs to. */
  @SuppressWarnings("ImmutableEnumChecker") // the collections are immutable (List.of, Map.of)
  private enum Flavor {
    ANP(
        100,
        Map.of(
            "Allow",
            AdminPolicyAction.ALLOW,
            "Deny",
            AdminPolicyAction.DENY,
            "Pass",
            AdminPolicyAction.PASS),
        List.of("Allow", "Deny", "Pass"),
        List.of("namespaces", "pods", "nodes", "networks", "domainNames")),
    BANP(
        100,
        Map.of("Allow", AdminPolicyAction.ALLOW, "Deny", AdminPolicyAction.DENY),
        List.of("Allow", "Deny"),
        List.of("namespaces", "pods", "nodes", "networks")),
    CNP(
        25,
        Map.of(
            "Accept",
            AdminPolicyAction.ALLOW,
            "Deny",
            AdminPolicyAction.DENY,
            "Pass",
            AdminPolicyAction.PASS),
        List.of("Accept", "Deny", "Pass"),
        List.of("namespaces", "pods", "nodes", "networks", "domainNames"));

    final int maxItems;
    final Map<String, AdminPolicyAction> actions;
    final List<String> actionNames;
    final List<String> egressPeers;

    Flavor(
        int maxItems,
        Map<String, AdminPolicyAction> actions,
        List<String> actionNames,
        List<String> egressPeers) {
      this.maxItems = maxItems;
      this.actions = actions;
      this.actionNames = actionNames;
      this.egressPeers = egressPeers;
    }
  }

  private PolicyDecoders() {}

  static AdminNetworkPolicy adminNetworkPolicy(Field root) {
    ObjectMeta meta = Decode.meta(root, false, NameRule.SUBDOMAIN);
    Field spec = required(root.get("spec"));
    int priority = priority(spec.get("priority"));
    AdminPeer subject = subject(spec.get("subject"));
    return new AdminNetworkPolicy(
        meta,
        priority,
        subject,
        rules(spec, "ingress", Flavor.ANP),
        rules(spec, "egress", Flavor.ANP));
  }

  static BaselineAdminNetworkPolicy baselineAdminNetworkPolicy(Field root) {
    ObjectMeta meta = Decode.meta(root, false, NameRule.SUBDOMAIN);
    if (!meta.name().equals("default")) {
      Field name = root.get("metadata").get("name");
      throw name.invalid(
          "Only one baseline admin network policy with metadata.name=\"default\" can be created in"
              + " the cluster");
    }
    Field spec = required(root.get("spec"));
    AdminPeer subject = subject(spec.get("subject"));
    return new BaselineAdminNetworkPolicy(
        meta, subject, rules(spec, "ingress", Flavor.BANP), rules(spec, "egress", Flavor.BANP));
  }

  static ClusterNetworkPolicy clusterNetworkPolicy(Field root) {
    ObjectMeta meta = Decode.meta(root, false, NameRule.SUBDOMAIN);
    Field spec = required(root.get("spec"));
    Field tierField = spec.get("tier");
    ClusterNetworkPolicy.Tier tier =
        required(tierField)
            .oneOf(List.of("Admin", "Baseline"))
            .flatMap(ClusterNetworkPolicy.Tier::fromKubernetesName)
            .orElseThrow(() -> tierField.required(""));
    int priority = priority(spec.get("priority"));
    AdminPeer subject = subject(spec.get("subject"));
    return new ClusterNetworkPolicy(
        meta,
        tier,
        priority,
        subject,
        rules(spec, "ingress", Flavor.CNP),
        rules(spec, "egress", Flavor.CNP));
  }

  private static Field required(Field f) {
    if (!f.present()) {
      throw f.required("");
    }
    return f;
  }

  private static int priority(Field f) {
    long p = required(f).integer().orElseThrow();
    if (p < 0) {
      throw f.invalid(f.path + " in body should be greater than or equal to 0");
    }
    if (p > 1000) {
      throw f.invalid(f.path + " in body should be less than or equal to 1000");
    }
    return (int) p;
  }

  /** The names among {@code allowed} that are set on {@code f}; exactly one must be. */
  private static String exactlyOne(Field f, List<String> allowed) {
    List<String> set = new ArrayList<>();
    for (String name : allowed) {
      if (f.has(name)) {
        set.add(name);
      }
    }
    if (set.isEmpty()) {
      throw f.invalid("0", "0", f.path + " in body should have at least 1 properties");
    }
    if (set.size() > 1) {
      throw f.tooMany(set.size(), 1);
    }
    return set.get(0);
  }

  private static AdminPeer subject(Field f) {
    required(f);
    return peer(f, List.of("namespaces", "pods"));
  }

  private static AdminPeer peer(Field f, List<String> allowed) {
    String which = exactlyOne(f, allowed);
    Field v = f.get(which);
    return switch (which) {
      case "namespaces" -> new AdminPeer.Namespaces(Decode.selector(v));
      case "pods" ->
          new AdminPeer.Pods(
              Decode.selector(v.get("namespaceSelector")),
              Decode.selector(required(v.get("podSelector"))));
      case "nodes" -> new AdminPeer.Nodes(Decode.selector(v));
      case "networks" -> {
        List<Field> items = listOf(v, 25);
        List<Cidr> cidrs = new ArrayList<>();
        for (Field c : items) {
          Cidr cidr = Decode.cidr(c);
          if (cidrs.contains(cidr)) {
            throw c.duplicate();
          }
          cidrs.add(cidr);
        }
        yield new AdminPeer.Networks(cidrs);
      }
      default -> {
        List<Field> items = listOf(v, 25);
        List<String> names = new ArrayList<>();
        for (Field n : items) {
          String name = n.requiredString();
          if (!DOMAIN_NAME.matcher(name).matches()) {
            throw n.invalid(n.path + " in body should match '" + DOMAIN_NAME.pattern() + "'");
          }
          if (names.contains(name)) {
            throw n.duplicate();
          }
          names.add(name);
        }
        yield new AdminPeer.DomainNames(names);
      }
    };
  }

  /** A list that must be present with 1 to {@code max} items. */
  private static List<Field> listOf(Field f, int max) {
    List<Field> items = required(f).items();
    if (items.isEmpty()) {
      throw f.invalid("0", "0", f.path + " in body should have at least 1 items");
    }
    if (items.size() > max) {
      throw f.tooMany(items.size(), max);
    }
    return items;
  }

  private static List<AdminPolicyRule> rules(Field spec, String direction, Flavor flavor) {
    Field rulesField = spec.get(direction);
    List<Field> items = rulesField.items();
    if (items.size() > flavor.maxItems) {
      throw rulesField.tooMany(items.size(), flavor.maxItems);
    }
    boolean ingress = direction.equals("ingress");
    List<AdminPolicyRule> rules = new ArrayList<>();
    for (Field r : items) {
      Field nameField = r.get("name");
      String name = nameField.string().orElse("");
      if (name.length() > 100) {
        throw nameField.invalid("may not be more than 100 bytes");
      }
      Field actionField = r.get("action");
      String actionName = required(actionField).string().orElseThrow();
      AdminPolicyAction action = flavor.actions.get(actionName);
      if (action == null) {
        throw actionField.unsupported(flavor.actionNames);
      }
      Field peersField = r.get(ingress ? "from" : "to");
      List<AdminPeer> peers = new ArrayList<>();
      for (Field p : listOf(peersField, flavor.maxItems)) {
        AdminPeer peer = peer(p, ingress ? List.of("namespaces", "pods") : flavor.egressPeers);
        if (peer instanceof AdminPeer.DomainNames && action != AdminPolicyAction.ALLOW) {
          throw p.get("domainNames")
              .invalid(
                  "domainNames peer can only be used in rules with action "
                      + (flavor == Flavor.CNP ? "Accept" : "Allow"));
        }
        peers.add(peer);
      }
      List<AdminPort> ports =
          flavor == Flavor.CNP ? protocols(r.get("protocols")) : ports(r.get("ports"), flavor);
      boolean named = ports.stream().anyMatch(p -> p instanceof AdminPort.Named);
      boolean nonPodPeer = peers.stream().anyMatch(p -> !p.selectsPods());
      if (named && nonPodPeer) {
        throw r.invalid("object", "\"object\"", NAMED_PORT_PEERS);
      }
      rules.add(new AdminPolicyRule(name, action, peers, ports));
    }
    return rules;
  }

  private static List<AdminPort> ports(Field f, Flavor flavor) {
    if (!f.present()) {
      return List.of();
    }
    List<AdminPort> ports = new ArrayList<>();
    for (Field p : listOf(f, flavor.maxItems)) {
      String which = exactlyOne(p, List.of("portNumber", "namedPort", "portRange"));
      Field v = p.get(which);
      switch (which) {
        case "portNumber" ->
            ports.add(
                new AdminPort.Number(
                    Decode.protocol(v.get("protocol")), Decode.port(v.get("port"))));
        case "portRange" -> ports.add(range(v, Decode.protocol(v.get("protocol"))));
        default -> ports.add(namedPort(v));
      }
    }
    return ports;
  }

  private static List<AdminPort> protocols(Field f) {
    if (!f.present()) {
      return List.of();
    }
    List<AdminPort> ports = new ArrayList<>();
    for (Field p : listOf(f, 25)) {
      String which = exactlyOne(p, List.of("tcp", "udp", "sctp", "destinationNamedPort"));
      Field v = p.get(which);
      if (which.equals("destinationNamedPort")) {
        ports.add(namedPort(v));
        continue;
      }
      Protocol protocol = Protocol.parse(which.toUpperCase(java.util.Locale.ROOT));
      Field dest = v.get("destinationPort");
      if (!dest.present()) {
        throw v.invalid("0", "0", v.path + " in body should have at least 1 properties");
      }
      String kind = exactlyOne(dest, List.of("number", "range"));
      if (kind.equals("number")) {
        ports.add(new AdminPort.Number(protocol, Decode.port(dest.get("number"))));
      } else {
        ports.add(range(dest.get("range"), protocol));
      }
    }
    return ports;
  }

  private static AdminPort range(Field v, Protocol protocol) {
    int start = Decode.port(v.get("start"));
    int end = Decode.port(v.get("end"));
    if (start >= end) {
      throw v.invalid("object", "\"object\"", "Start port must be less than End port");
    }
    return new AdminPort.Range(protocol, start, end);
  }

  private static AdminPort namedPort(Field v) {
    String name = v.requiredString();
    List<String> errors = dev.k8snet.core.internal.Names.portName(name);
    if (!errors.isEmpty()) {
      throw v.invalid(String.join("; ", errors));
    }
    return new AdminPort.Named(name);
  }
}
