package dev.k8snet.core.internal.manifest;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.internal.manifest.Decode.NameRule;
import dev.k8snet.core.model.HttpIngressPath;
import dev.k8snet.core.model.Ingress;
import dev.k8snet.core.model.IngressBackend;
import dev.k8snet.core.model.IngressClass;
import dev.k8snet.core.model.IngressRule;
import dev.k8snet.core.model.IngressTls;
import dev.k8snet.core.model.IpBlock;
import dev.k8snet.core.model.LabelSelector;
import dev.k8snet.core.model.NetworkPolicy;
import dev.k8snet.core.model.NetworkPolicyPeer;
import dev.k8snet.core.model.NetworkPolicyPort;
import dev.k8snet.core.model.NetworkPolicyRule;
import dev.k8snet.core.model.ObjectMeta;
import dev.k8snet.core.model.PathType;
import dev.k8snet.core.model.PolicyType;
import dev.k8snet.core.model.PortRef;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

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

  private static final Pattern DOMAIN_PATH_CHARS =
      Pattern.compile("^[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+$");

  static Ingress ingress(Field root) {
    ObjectMeta meta = Decode.meta(root, true, NameRule.SUBDOMAIN);
    Field spec = root.get("spec");
    Field classField = spec.get("ingressClassName");
    Optional<String> className = classField.nonEmptyString();
    className.ifPresent(c -> Decode.checkName(classField, c, NameRule.SUBDOMAIN));
    String annotation = meta.annotations().get(Ingress.CLASS_ANNOTATION);
    if (className.isPresent() && annotation != null && !annotation.equals(className.get())) {
      throw root.get("metadata")
          .get("annotations")
          .withPath("metadata.annotations." + Ingress.CLASS_ANNOTATION)
          .invalid(
              annotation,
              '"' + annotation + '"',
              "must match `ingressClassName` when both are specified");
    }
    Field defaultField = spec.get("defaultBackend");
    Optional<IngressBackend> defaultBackend =
        defaultField.present() ? Optional.of(backend(defaultField)) : Optional.empty();
    Field rulesField = spec.get("rules");
    if (rulesField.items().isEmpty() && defaultBackend.isEmpty()) {
      throw spec.invalid("either `defaultBackend` or `rules` must be specified");
    }
    List<IngressTls> tls = new ArrayList<>();
    for (Field t : spec.get("tls").items()) {
      List<String> hosts = new ArrayList<>();
      for (Field h : t.get("hosts").items()) {
        hosts.add(host(h));
      }
      Field secretField = t.get("secretName");
      Optional<String> secret = secretField.nonEmptyString();
      secret.ifPresent(s -> Decode.checkName(secretField, s, NameRule.SUBDOMAIN));
      tls.add(new IngressTls(hosts, secret));
    }
    List<IngressRule> rules = new ArrayList<>();
    for (Field r : rulesField.items()) {
      Field hostField = r.get("host");
      Optional<String> host =
          hostField.nonEmptyString().isPresent() ? Optional.of(host(hostField)) : Optional.empty();
      List<HttpIngressPath> paths = new ArrayList<>();
      Field http = r.get("http");
      if (http.present()) {
        Field pathsField = http.get("paths");
        if (pathsField.items().isEmpty()) {
          throw pathsField.required("");
        }
        for (Field p : pathsField.items()) {
          paths.add(path(p));
        }
      }
      rules.add(new IngressRule(host, paths));
    }
    return new Ingress(meta, className, defaultBackend, tls, rules);
  }

  private static String host(Field f) {
    String host = f.string().orElse("");
    if (IpAddress.isValid(host)) {
      throw f.invalid("must be a DNS name, not an IP address");
    }
    if (host.contains("*")) {
      String rest = host.startsWith("*.") ? host.substring(2) : "";
      if (rest.isEmpty()
          || rest.contains("*")
          || !dev.k8snet.core.internal.Names.dns1123Subdomain(rest).isEmpty()) {
        throw f.invalid(
            "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain,"
                + " which must consist of lower case alphanumeric characters, '-' or '.' and end"
                + " with an alphanumeric character (e.g. '*.example.com')");
      }
    } else {
      Decode.checkName(f, host, NameRule.SUBDOMAIN);
    }
    return host;
  }

  private static HttpIngressPath path(Field p) {
    Field typeField = p.get("pathType");
    if (!typeField.nonEmptyString().isPresent()) {
      throw typeField.required("pathType must be specified");
    }
    PathType type =
        typeField
            .oneOf(List.of("Exact", "ImplementationSpecific", "Prefix"))
            .flatMap(PathType::fromKubernetesName)
            .orElseThrow();
    Field pathField = p.get("path");
    String path = pathField.string().orElse("");
    if (type != PathType.IMPLEMENTATION_SPECIFIC || !path.isEmpty()) {
      if (!path.startsWith("/")) {
        throw pathField.invalid(path, '"' + path + '"', "must be an absolute path");
      }
    }
    if (type != PathType.IMPLEMENTATION_SPECIFIC) {
      for (String bad : List.of("//", "/./", "/../", "%2f", "%2F")) {
        if (path.contains(bad)) {
          throw pathField.invalid("must not contain '" + bad + "'");
        }
      }
      for (String bad : List.of("/..", "/.")) {
        if (path.endsWith(bad)) {
          throw pathField.invalid("must not end with '" + bad + "'");
        }
      }
    }
    return new HttpIngressPath(path, type, backend(p.get("backend")));
  }

  private static IngressBackend backend(Field b) {
    Field service = b.get("service");
    Field resource = b.get("resource");
    if (service.present() && resource.present()) {
      throw b.invalid("", "\"\"", "cannot set both resource and service backends");
    }
    if (resource.present()) {
      Field apiGroupField = resource.get("apiGroup");
      Optional<String> apiGroup = apiGroupField.nonEmptyString();
      apiGroup.ifPresent(g -> Decode.checkName(apiGroupField, g, NameRule.SUBDOMAIN));
      String kind = resource.get("kind").requiredString();
      String name = resource.get("name").requiredString();
      return new IngressBackend.ResourceBackend(apiGroup, kind, name);
    }
    if (!service.present()) {
      throw b.required("resource or service backend is required");
    }
    Field nameField = service.get("name");
    String name = nameField.requiredString();
    Decode.checkName(nameField, name, NameRule.DNS1035);
    Field port = service.get("port");
    Field number = port.get("number");
    Field portName = port.get("name");
    boolean hasNumber = number.integer().orElse(0L) != 0;
    boolean hasName = portName.nonEmptyString().isPresent();
    if (hasNumber && hasName) {
      throw port.invalid("cannot set both port name & port number");
    }
    if (!hasNumber && !hasName) {
      throw port.required("port name or number is required");
    }
    PortRef ref = hasNumber ? PortRef.of(Decode.port(number)) : Decode.portRef(portName);
    return new IngressBackend.ServiceBackend(name, ref);
  }

  static IngressClass ingressClass(Field root) {
    ObjectMeta meta = Decode.meta(root, false, NameRule.SUBDOMAIN);
    Field controllerField = root.get("spec").get("controller");
    String controller = controllerField.requiredString();
    if (controller.length() > 250) {
      throw controllerField.invalid("must have at most 250 bytes");
    }
    int slash = controller.indexOf('/');
    if (slash <= 0
        || slash == controller.length() - 1
        || !dev.k8snet.core.internal.Names.dns1123Subdomain(controller.substring(0, slash))
            .isEmpty()
        || !DOMAIN_PATH_CHARS.matcher(controller.substring(slash + 1)).matches()) {
      throw controllerField.invalid("must be a domain-prefixed path (such as \"acme.io/foo\")");
    }
    boolean isDefault = "true".equals(meta.annotations().get(IngressClass.DEFAULT_ANNOTATION));
    return new IngressClass(meta, controller, isDefault);
  }
}
