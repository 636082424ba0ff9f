package dev.k8snet.core.internal.manifest;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.internal.manifest.Decode.NameRule;
import dev.k8snet.core.model.IpBlock;
import dev.k8snet.core.model.LabelSelector;
import dev.k8snet.core.model.NetworkPolicy;
import dev.k8snet.core.model.NetworkPolicyPeer;
import dev.k8snet.core.model.NetworkPolicyPort;
import dev.k8snet.core.model.NetworkPolicyRule;
import dev.k8snet.core.model.ObjectMeta;
import dev.k8snet.core.model.PolicyType;
import dev.k8snet.core.model.PortRef;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/** Decoders for networking.k8s.io/v1: NetworkPolicy, Ingress, IngressClass. */
final class NetworkingDecoders {
  private NetworkingDecoders() {}

  static NetworkPolicy networkPolicy(Field root) {
    ObjectMeta meta = Decode.meta(root, true, NameRule.SUBDOMAIN);
    Field spec = root.get("spec");
    LabelSelector podSelector = Decode.selector(spec.get("podSelector"));
    List<NetworkPolicyRule> ingress = rules(spec.get("ingress"), "from");
    List<NetworkPolicyRule> egress = rules(spec.get("egress"), "to");
    Field typesField = spec.get("policyTypes");
    List<Field> typeItems = typesField.items();
    if (typeItems.size() > 2) {
      throw typesField.tooMany(typeItems.size(), 2);
    }
    Set<PolicyType> types = EnumSet.noneOf(PolicyType.class);
    for (Field t : typeItems) {
      String s = t.string().orElse("");
      types.add(
          PolicyType.fromKubernetesName(s)
              .orElseThrow(() -> t.unsupported(List.of("Egress", "Ingress"))));
    }
    if (types.isEmpty()) {
      types.add(PolicyType.INGRESS);
      if (!egress.isEmpty()) {
        types.add(PolicyType.EGRESS);
      }
    }
    return new NetworkPolicy(meta, podSelector, types, ingress, egress);
  }

  private static List<NetworkPolicyRule> rules(Field f, String peersField) {
    List<NetworkPolicyRule> rules = new ArrayList<>();
    for (Field r : f.items()) {
      List<NetworkPolicyPeer> peers = new ArrayList<>();
      for (Field p : r.get(peersField).items()) {
        peers.add(peer(p));
      }
      List<NetworkPolicyPort> ports = new ArrayList<>();
      for (Field p : r.get("ports").items()) {
        ports.add(port(p));
      }
      rules.add(new NetworkPolicyRule(peers, ports));
    }
    return rules;
  }

  private static NetworkPolicyPeer peer(Field p) {
    Optional<LabelSelector> pods = Decode.optionalSelector(p.get("podSelector"));
    Optional<LabelSelector> namespaces = Decode.optionalSelector(p.get("namespaceSelector"));
    Field ipBlockField = p.get("ipBlock");
    if (pods.isEmpty() && namespaces.isEmpty() && !ipBlockField.present()) {
      throw p.required("must specify a peer");
    }
    if (ipBlockField.present() && (pods.isPresent() || namespaces.isPresent())) {
      throw p.forbidden("may not specify both ipBlock and another peer");
    }
    Optional<IpBlock> ipBlock = Optional.empty();
    if (ipBlockField.present()) {
      Cidr cidr = Decode.cidr(ipBlockField.get("cidr"));
      List<Cidr> except = new ArrayList<>();
      for (Field e : ipBlockField.get("except").items()) {
        Cidr c = Decode.cidr(e);
        if (!IpBlock.isStrictSubset(c, cidr)) {
          throw e.invalid("must be a strict subset of `cidr`");
        }
        except.add(c);
      }
      ipBlock = Optional.of(new IpBlock(cidr, except));
    }
    return new NetworkPolicyPeer(pods, namespaces, ipBlock);
  }

  private static NetworkPolicyPort port(Field p) {
    Protocol protocol = Decode.protocol(p.get("protocol"));
    Field portField = p.get("port");
    Field endPortField = p.get("endPort");
    Optional<PortRef> port =
        portField.present() ? Optional.of(Decode.portRef(portField)) : Optional.empty();
    OptionalInt endPort = OptionalInt.empty();
    if (endPortField.present()) {
      long end = endPortField.integer().orElseThrow();
      if (port.isEmpty()) {
        throw endPortField.invalid("may not be specified when `port` is not specified");
      }
      if (!(port.get() instanceof PortRef.Number n)) {
        throw endPortField.invalid("may not be specified when `port` is non-numeric");
      }
      if (end < n.port()) {
        throw endPortField.invalid("must be greater than or equal to `port`");
      }
      if (end > 65535) {
        throw endPortField.invalid(Decode.PORT_DETAIL);
      }
      endPort = OptionalInt.of((int) end);
    }
    return new NetworkPolicyPort(protocol, port, endPort);
  }
}
