package dev.k8snet.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.model.AdminNetworkPolicy;
import dev.k8snet.core.model.AdminPeer;
import dev.k8snet.core.model.AdminPolicyAction;
import dev.k8snet.core.model.AdminPolicyRule;
import dev.k8snet.core.model.AdminPort;
import dev.k8snet.core.model.BaselineAdminNetworkPolicy;
import dev.k8snet.core.model.ClusterNetworkPolicy;
import dev.k8snet.core.model.ContainerPort;
import dev.k8snet.core.model.EndpointSlice;
import dev.k8snet.core.model.HttpIngressPath;
import dev.k8snet.core.model.Ingress;
import dev.k8snet.core.model.IngressBackend;
import dev.k8snet.core.model.IngressClass;
import dev.k8snet.core.model.IngressRule;
import dev.k8snet.core.model.IngressTls;
import dev.k8snet.core.model.IpBlock;
import dev.k8snet.core.model.KubernetesObject;
import dev.k8snet.core.model.LabelSelector;
import dev.k8snet.core.model.LabelSelectorRequirement;
import dev.k8snet.core.model.LoadBalancerIngress;
import dev.k8snet.core.model.Namespace;
import dev.k8snet.core.model.NetworkPolicy;
import dev.k8snet.core.model.NetworkPolicyPeer;
import dev.k8snet.core.model.NetworkPolicyPort;
import dev.k8snet.core.model.NetworkPolicyRule;
import dev.k8snet.core.model.Node;
import dev.k8snet.core.model.NodeAddress;
import dev.k8snet.core.model.ObjectMeta;
import dev.k8snet.core.model.Pod;
import dev.k8snet.core.model.PolicyType;
import dev.k8snet.core.model.PortRef;
import dev.k8snet.core.model.Secret;
import dev.k8snet.core.model.Service;
import dev.k8snet.core.model.ServicePort;
import dev.k8snet.core.model.ServiceType;
import dev.k8snet.core.model.SessionAffinity;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Renders k8snet's model objects as Kubernetes manifests (YAML), in the form a user would submit
 * them: {@code apiVersion}, {@code kind}, {@code metadata}, {@code spec} and the {@code status}
 * fields k8snet reads (pod IPs and conditions, node addresses, load balancer ingress).
 *
 * <pre>{@code
 * Path dir = Files.createTempDirectory("cluster");
 * Files.writeString(dir.resolve("all.yaml"), Manifests.toYaml(state.objects()));
 * ClusterState read = ClusterState.of(1, ManifestReader.create().read(dir).orThrow());
 * }</pre>
 *
 * <p>For every object that k8snet's manifest reading accepts (for instance anything {@link
 * ClusterArbitraries} generates), reading the rendering back yields an equal object. Fields that
 * hold their defaults are mostly written out anyway, so the output is explicit rather than minimal.
 * Stateless and thread-safe.
 *
 * @since 0.1
 */
public final class Manifests {
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));

  private Manifests() {}

  /**
   * Renders one object as a YAML document.
   *
   * @param object the object
   * @return the manifest text
   * @since 0.1
   */
  public static String toYaml(KubernetesObject object) {
    return write(toTree(object));
  }

  /**
   * Renders objects as a multi-document YAML stream, one document per object, in order.
   *
   * @param objects the objects
   * @return the manifest text; empty for no objects
   * @since 0.1
   */
  public static String toYaml(Collection<? extends KubernetesObject> objects) {
    StringBuilder sb = new StringBuilder();
    for (KubernetesObject o : objects) {
      if (sb.length() > 0) {
        sb.append("---\n");
      }
      sb.append(toYaml(o));
    }
    return sb.toString();
  }

  /**
   * Renders one object as a tree of maps, lists, strings, numbers and booleans, as a JSON or YAML
   * library would read its manifest.
   *
   * @param object the object
   * @return the tree, built afresh on every call; treat it as read-only (some nested maps are
   *     immutable)
   * @since 0.1
   */
  public static Map<String, Object> toTree(KubernetesObject object) {
    Objects.requireNonNull(object, "object");
    if (object instanceof Namespace n) {
      return top("v1", n, Map.of());
    } else if (object instanceof Node n) {
      return node(n);
    } else if (object instanceof Pod p) {
      return pod(p);
    } else if (object instanceof Service s) {
      return service(s);
    } else if (object instanceof EndpointSlice e) {
      return endpointSlice(e);
    } else if (object instanceof NetworkPolicy p) {
      return networkPolicy(p);
    } else if (object instanceof AdminNetworkPolicy p) {
      Map<String, Object> spec = new LinkedHashMap<>();
      spec.put("priority", p.priority());
      spec.put("subject", peer(p.subject()));
      adminRules(spec, p.ingress(), p.egress(), false);
      return top("policy.networking.k8s.io/v1alpha1", p, Map.of("spec", spec));
    } else if (object instanceof BaselineAdminNetworkPolicy p) {
      Map<String, Object> spec = new LinkedHashMap<>();
      spec.put("subject", peer(p.subject()));
      adminRules(spec, p.ingress(), p.egress(), false);
      return top("policy.networking.k8s.io/v1alpha1", p, Map.of("spec", spec));
    } else if (object instanceof ClusterNetworkPolicy p) {
      Map<String, Object> spec = new LinkedHashMap<>();
      spec.put("tier", p.tier().kubernetesName());
      spec.put("priority", p.priority());
      spec.put("subject", peer(p.subject()));
      adminRules(spec, p.ingress(), p.egress(), true);
      return top("policy.networking.k8s.io/v1alpha2", p, Map.of("spec", spec));
    } else if (object instanceof Ingress i) {
      return ingress(i);
    } else if (object instanceof IngressClass c) {
      return top("networking.k8s.io/v1", c, Map.of("spec", Map.of("controller", c.controller())));
    } else if (object instanceof Secret s) {
      Map<String, Object> data = new LinkedHashMap<>();
      s.data().forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v)));
      Map<String, Object> rest = new LinkedHashMap<>();
      rest.put("type", s.type());
      rest.put("data", data);
      return top("v1", s, rest);
    }
    throw new IllegalArgumentException(
        "object: " + object.ref() + " (expected: a kind k8snet reads)");
  }

  private static String write(Object tree) {
    try {
      return YAML.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Object> top(
      String apiVersion, KubernetesObject o, Map<String, Object> rest) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("apiVersion", apiVersion);
    m.put("kind", o.kind());
    m.put("metadata", meta(o.metadata()));
    m.putAll(rest);
    return m;
  }

  private static Map<String, Object> meta(ObjectMeta meta) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", meta.name());
    if (!meta.namespace().isEmpty()) {
      m.put("namespace", meta.namespace());
    }
    if (!meta.labels().isEmpty()) {
      m.put("labels", new LinkedHashMap<>(meta.labels()));
    }
    if (!meta.annotations().isEmpty()) {
      m.put("annotations", new LinkedHashMap<>(meta.annotations()));
    }
    if (!meta.uid().isEmpty()) {
      m.put("uid", meta.uid());
    }
    if (!meta.resourceVersion().isEmpty()) {
      m.put("resourceVersion", meta.resourceVersion());
    }
    meta.creationTimestamp().ifPresent(t -> m.put("creationTimestamp", t.toString()));
    return m;
  }

  private static Map<String, Object> node(Node n) {
    Map<String, Object> spec = new LinkedHashMap<>();
    if (!n.podCidrs().isEmpty()) {
      spec.put("podCIDR", n.podCidrs().get(0).toString());
      spec.put("podCIDRs", strings(n.podCidrs()));
    }
    spec.put("unschedulable", n.unschedulable());
    List<Object> addresses = new ArrayList<>();
    for (NodeAddress a : n.addresses()) {
      addresses.add(Map.of("type", a.type().kubernetesName(), "address", a.address()));
    }
    Map<String, Object> rest = new LinkedHashMap<>();
    rest.put("spec", spec);
    rest.put("status", Map.of("addresses", addresses));
    return top("v1", n, rest);
  }

  private static Map<String, Object> pod(Pod p) {
    Map<String, Object> spec = new LinkedHashMap<>();
    p.nodeName().ifPresent(v -> spec.put("nodeName", v));
    spec.put("hostNetwork", p.hostNetwork());
    p.hostname().ifPresent(v -> spec.put("hostname", v));
    p.subdomain().ifPresent(v -> spec.put("subdomain", v));
    List<Object> ports = new ArrayList<>();
    for (ContainerPort c : p.containerPorts()) {
      Map<String, Object> port = new LinkedHashMap<>();
      c.name().ifPresent(v -> port.put("name", v));
      port.put("containerPort", c.containerPort());
      port.put("protocol", c.protocol().name());
      c.hostPort().ifPresent(v -> port.put("hostPort", v));
      ports.add(port);
    }
    Map<String, Object> container = new LinkedHashMap<>();
    container.put("name", "main");
    container.put("image", "registry.k8s.io/pause:3.10");
    if (!ports.isEmpty()) {
      container.put("ports", ports);
    }
    spec.put("containers", List.of(container));
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("phase", p.phase().kubernetesName());
    status.put(
        "conditions", List.of(Map.of("type", "Ready", "status", p.ready() ? "True" : "False")));
    if (!p.podIps().isEmpty()) {
      status.put("podIP", p.podIps().get(0).toString());
      status.put("podIPs", listOf(p.podIps(), ip -> Map.of("ip", ip.toString())));
    }
    Map<String, Object> out = top("v1", p, Map.of());
    p.deletionTimestamp()
        .ifPresent(
            t -> {
              @SuppressWarnings("unchecked")
              Map<String, Object> m = (Map<String, Object>) out.get("metadata");
              m.put("deletionTimestamp", t.toString());
            });
    out.put("spec", spec);
    out.put("status", status);
    return out;
  }

  private static Map<String, Object> service(Service s) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("type", s.type().kubernetesName());
    if (s.headless()) {
      spec.put("clusterIP", "None");
    } else if (!s.clusterIps().isEmpty()) {
      spec.put("clusterIP", s.clusterIps().get(0).toString());
      spec.put("clusterIPs", strings(s.clusterIps()));
    }
    if (!s.ipFamilies().isEmpty()) {
      spec.put("ipFamilies", listOf(s.ipFamilies(), IpFamily::kubernetesName));
    }
    s.ipFamilyPolicy().ifPresent(p -> spec.put("ipFamilyPolicy", p.kubernetesName()));
    if (!s.ports().isEmpty()) {
      spec.put("ports", listOf(s.ports(), Manifests::servicePort));
    }
    if (!s.selector().isEmpty()) {
      spec.put("selector", new LinkedHashMap<>(s.selector()));
    }
    spec.put("sessionAffinity", s.sessionAffinity().kubernetesName());
    if (s.sessionAffinity() == SessionAffinity.CLIENT_IP) {
      spec.put(
          "sessionAffinityConfig",
          Map.of(
              "clientIP",
              Map.of("timeoutSeconds", s.sessionAffinityTimeout().orElseThrow().toSeconds())));
    }
    if (s.externallyAccessible()) {
      spec.put("externalTrafficPolicy", s.externalTrafficPolicy().kubernetesName());
    }
    spec.put("internalTrafficPolicy", s.internalTrafficPolicy().kubernetesName());
    if (!s.externalIps().isEmpty()) {
      spec.put("externalIPs", strings(s.externalIps()));
    }
    if (!s.loadBalancerSourceRanges().isEmpty()) {
      spec.put("loadBalancerSourceRanges", strings(s.loadBalancerSourceRanges()));
    }
    s.healthCheckNodePort().ifPresent(p -> spec.put("healthCheckNodePort", p));
    spec.put("publishNotReadyAddresses", s.publishNotReadyAddresses());
    s.externalName().ifPresent(n -> spec.put("externalName", n));
    if (s.type() == ServiceType.LOAD_BALANCER) {
      spec.put("allocateLoadBalancerNodePorts", s.allocateLoadBalancerNodePorts());
    }
    s.trafficDistribution().ifPresent(t -> spec.put("trafficDistribution", t));
    Map<String, Object> rest = new LinkedHashMap<>();
    rest.put("spec", spec);
    if (!s.loadBalancerIngress().isEmpty()) {
      rest.put(
          "status",
          Map.of(
              "loadBalancer",
              Map.of("ingress", listOf(s.loadBalancerIngress(), Manifests::lbIngress))));
    }
    return top("v1", s, rest);
  }

  private static Map<String, Object> servicePort(ServicePort p) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (!p.name().isEmpty()) {
      m.put("name", p.name());
    }
    m.put("protocol", p.protocol().name());
    m.put("port", p.port());
    m.put("targetPort", portRef(p.targetPort()));
    p.nodePort().ifPresent(n -> m.put("nodePort", n));
    p.appProtocol().ifPresent(a -> m.put("appProtocol", a));
    return m;
  }

  private static Map<String, Object> lbIngress(LoadBalancerIngress i) {
    Map<String, Object> m = new LinkedHashMap<>();
    i.ip().ifPresent(ip -> m.put("ip", ip.toString()));
    i.hostname().ifPresent(h -> m.put("hostname", h));
    i.ipMode().ifPresent(mode -> m.put("ipMode", mode.kubernetesName()));
    return m;
  }

  private static Map<String, Object> endpointSlice(EndpointSlice s) {
    Map<String, Object> rest = new LinkedHashMap<>();
    rest.put("addressType", s.addressType().kubernetesName());
    List<Object> endpoints = new ArrayList<>();
    for (EndpointSlice.Endpoint e : s.endpoints()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("addresses", strings(e.addresses()));
      Map<String, Object> conditions = new LinkedHashMap<>();
      conditions.put("ready", e.conditions().ready());
      if (e.conditions().servingSet()) {
        conditions.put("serving", e.conditions().serving());
      }
      conditions.put("terminating", e.conditions().terminating());
      m.put("conditions", conditions);
      e.hostname().ifPresent(h -> m.put("hostname", h));
      e.nodeName().ifPresent(n -> m.put("nodeName", n));
      e.zone().ifPresent(z -> m.put("zone", z));
      if (!e.hintsForZones().isEmpty() || !e.hintsForNodes().isEmpty()) {
        Map<String, Object> hints = new LinkedHashMap<>();
        if (!e.hintsForZones().isEmpty()) {
          hints.put("forZones", listOf(e.hintsForZones(), z -> Map.of("name", z)));
        }
        if (!e.hintsForNodes().isEmpty()) {
          hints.put("forNodes", listOf(e.hintsForNodes(), n -> Map.of("name", n)));
        }
        m.put("hints", hints);
      }
      e.targetRef()
          .ifPresent(
              r -> {
                Map<String, Object> ref = new LinkedHashMap<>();
                ref.put("kind", r.kind());
                ref.put("namespace", r.namespace());
                ref.put("name", r.name());
                m.put("targetRef", ref);
              });
      endpoints.add(m);
    }
    rest.put("endpoints", endpoints);
    List<Object> ports = new ArrayList<>();
    for (EndpointSlice.Port p : s.ports()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", p.name());
      p.port().ifPresent(n -> m.put("port", n));
      m.put("protocol", p.protocol().name());
      p.appProtocol().ifPresent(a -> m.put("appProtocol", a));
      ports.add(m);
    }
    rest.put("ports", ports);
    return top("discovery.k8s.io/v1", s, rest);
  }

  private static Map<String, Object> networkPolicy(NetworkPolicy p) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("podSelector", selector(p.podSelector()));
    spec.put("policyTypes", listOf(List.copyOf(p.policyTypes()), PolicyType::kubernetesName));
    if (!p.ingress().isEmpty()) {
      spec.put("ingress", listOf(p.ingress(), r -> rule(r, "from")));
    }
    if (!p.egress().isEmpty()) {
      spec.put("egress", listOf(p.egress(), r -> rule(r, "to")));
    }
    return top("networking.k8s.io/v1", p, Map.of("spec", spec));
  }

  private static Map<String, Object> rule(NetworkPolicyRule r, String peers) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (!r.peers().isEmpty()) {
      m.put(peers, listOf(r.peers(), Manifests::peer));
    }
    if (!r.ports().isEmpty()) {
      m.put("ports", listOf(r.ports(), Manifests::port));
    }
    return m;
  }

  private static Map<String, Object> peer(NetworkPolicyPeer p) {
    Map<String, Object> m = new LinkedHashMap<>();
    p.podSelector().ifPresent(s -> m.put("podSelector", selector(s)));
    p.namespaceSelector().ifPresent(s -> m.put("namespaceSelector", selector(s)));
    p.ipBlock().ifPresent(b -> m.put("ipBlock", ipBlock(b)));
    return m;
  }

  private static Map<String, Object> ipBlock(IpBlock b) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cidr", b.cidr().toString());
    if (!b.except().isEmpty()) {
      m.put("except", strings(b.except()));
    }
    return m;
  }

  private static Map<String, Object> port(NetworkPolicyPort p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("protocol", p.protocol().name());
    p.port().ifPresent(r -> m.put("port", portRef(r)));
    p.endPort().ifPresent(e -> m.put("endPort", e));
    return m;
  }

  private static Map<String, Object> selector(LabelSelector s) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (!s.matchLabels().isEmpty()) {
      m.put("matchLabels", new LinkedHashMap<>(s.matchLabels()));
    }
    if (!s.matchExpressions().isEmpty()) {
      m.put("matchExpressions", listOf(s.matchExpressions(), Manifests::requirement));
    }
    return m;
  }

  private static Map<String, Object> requirement(LabelSelectorRequirement r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key", r.key());
    m.put("operator", operator(r.operator()));
    if (!r.values().isEmpty()) {
      m.put("values", List.copyOf(r.values()));
    }
    return m;
  }

  private static String operator(LabelSelectorRequirement.Operator op) {
    return switch (op) {
      case IN -> "In";
      case NOT_IN -> "NotIn";
      case EXISTS -> "Exists";
      case DOES_NOT_EXIST -> "DoesNotExist";
    };
  }

  private static void adminRules(
      Map<String, Object> spec,
      List<AdminPolicyRule> ingress,
      List<AdminPolicyRule> egress,
      boolean cnp) {
    if (!ingress.isEmpty()) {
      spec.put("ingress", listOf(ingress, r -> adminRule(r, "from", cnp)));
    }
    if (!egress.isEmpty()) {
      spec.put("egress", listOf(egress, r -> adminRule(r, "to", cnp)));
    }
  }

  private static Map<String, Object> adminRule(AdminPolicyRule r, String peers, boolean cnp) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (!r.name().isEmpty()) {
      m.put("name", r.name());
    }
    m.put("action", action(r.action(), cnp));
    m.put(peers, listOf(r.peers(), Manifests::peer));
    if (!r.ports().isEmpty()) {
      m.put(
          cnp ? "protocols" : "ports",
          listOf(r.ports(), p -> cnp ? protocolPort(p) : adminPort(p)));
    }
    return m;
  }

  private static String action(AdminPolicyAction a, boolean cnp) {
    return switch (a) {
      case ALLOW -> cnp ? "Accept" : "Allow";
      case DENY -> "Deny";
      case PASS -> "Pass";
    };
  }

  private static Map<String, Object> peer(AdminPeer p) {
    if (p instanceof AdminPeer.Namespaces n) {
      return Map.of("namespaces", selector(n.selector()));
    } else if (p instanceof AdminPeer.Pods pods) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("namespaceSelector", selector(pods.namespaceSelector()));
      m.put("podSelector", selector(pods.podSelector()));
      return Map.of("pods", m);
    } else if (p instanceof AdminPeer.Nodes n) {
      return Map.of("nodes", selector(n.selector()));
    } else if (p instanceof AdminPeer.Networks n) {
      return Map.of("networks", strings(n.cidrs()));
    } else {
      return Map.of("domainNames", List.copyOf(((AdminPeer.DomainNames) p).names()));
    }
  }

  private static Map<String, Object> adminPort(AdminPort p) {
    if (p instanceof AdminPort.Number n) {
      return Map.of("portNumber", Map.of("protocol", n.protocol().name(), "port", n.port()));
    } else if (p instanceof AdminPort.Range r) {
      return Map.of(
          "portRange", Map.of("protocol", r.protocol().name(), "start", r.start(), "end", r.end()));
    } else {
      return Map.of("namedPort", ((AdminPort.Named) p).name());
    }
  }

  private static Map<String, Object> protocolPort(AdminPort p) {
    if (p instanceof AdminPort.Number n) {
      return Map.of(
          n.protocol().lowerCaseName(), Map.of("destinationPort", Map.of("number", n.port())));
    } else if (p instanceof AdminPort.Range r) {
      return Map.of(
          r.protocol().lowerCaseName(),
          Map.of("destinationPort", Map.of("range", Map.of("start", r.start(), "end", r.end()))));
    } else {
      return Map.of("destinationNamedPort", ((AdminPort.Named) p).name());
    }
  }

  private static Map<String, Object> ingress(Ingress i) {
    Map<String, Object> spec = new LinkedHashMap<>();
    i.ingressClassName().ifPresent(c -> spec.put("ingressClassName", c));
    i.defaultBackend().ifPresent(b -> spec.put("defaultBackend", backend(b)));
    if (!i.tls().isEmpty()) {
      spec.put("tls", listOf(i.tls(), Manifests::tls));
    }
    if (!i.rules().isEmpty()) {
      spec.put("rules", listOf(i.rules(), Manifests::ingressRule));
    }
    return top("networking.k8s.io/v1", i, Map.of("spec", spec));
  }

  private static Map<String, Object> tls(IngressTls t) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (!t.hosts().isEmpty()) {
      m.put("hosts", List.copyOf(t.hosts()));
    }
    t.secretName().ifPresent(s -> m.put("secretName", s));
    return m;
  }

  private static Map<String, Object> ingressRule(IngressRule r) {
    Map<String, Object> m = new LinkedHashMap<>();
    r.host().ifPresent(h -> m.put("host", h));
    if (!r.paths().isEmpty()) {
      m.put("http", Map.of("paths", listOf(r.paths(), Manifests::path)));
    }
    return m;
  }

  private static Map<String, Object> path(HttpIngressPath p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("path", p.path());
    m.put("pathType", p.pathType().kubernetesName());
    m.put("backend", backend(p.backend()));
    return m;
  }

  private static Map<String, Object> backend(IngressBackend b) {
    if (b instanceof IngressBackend.ServiceBackend s) {
      Map<String, Object> port =
          s.port() instanceof PortRef.Number n
              ? Map.of("number", n.port())
              : Map.of("name", s.port().toString());
      return Map.of("service", Map.of("name", s.name(), "port", port));
    }
    IngressBackend.ResourceBackend r = (IngressBackend.ResourceBackend) b;
    Map<String, Object> m = new LinkedHashMap<>();
    r.apiGroup().ifPresent(g -> m.put("apiGroup", g));
    m.put("kind", r.kind());
    m.put("name", r.name());
    return Map.of("resource", m);
  }

  private static Object portRef(PortRef r) {
    return r instanceof PortRef.Number n ? (Object) n.port() : r.toString();
  }

  private static List<String> strings(List<?> values) {
    return listOf(values, Object::toString);
  }

  private static <T, R> List<R> listOf(List<? extends T> values, Function<T, R> f) {
    List<R> out = new ArrayList<>(values.size());
    for (T v : values) {
      out.add(f.apply(v));
    }
    return out;
  }
}
