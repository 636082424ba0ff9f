package dev.k8snet.core.internal.manifest;

import static dev.k8snet.core.internal.manifest.Decode.PORT_DETAIL;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.internal.Names;
import dev.k8snet.core.internal.manifest.Decode.NameRule;
import dev.k8snet.core.model.ContainerPort;
import dev.k8snet.core.model.EndpointSlice;
import dev.k8snet.core.model.IpFamilyPolicy;
import dev.k8snet.core.model.IpMode;
import dev.k8snet.core.model.LoadBalancerIngress;
import dev.k8snet.core.model.Namespace;
import dev.k8snet.core.model.Node;
import dev.k8snet.core.model.NodeAddress;
import dev.k8snet.core.model.ObjectMeta;
import dev.k8snet.core.model.ObjectRef;
import dev.k8snet.core.model.Pod;
import dev.k8snet.core.model.PortRef;
import dev.k8snet.core.model.Secret;
import dev.k8snet.core.model.Service;
import dev.k8snet.core.model.ServicePort;
import dev.k8snet.core.model.ServiceType;
import dev.k8snet.core.model.SessionAffinity;
import dev.k8snet.core.model.TrafficPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/** Decoders for the core (v1) kinds and EndpointSlice. */
final class CoreDecoders {
  /** The API server's default {@code --service-node-port-range}. */
  static final int NODE_PORT_MIN = 30000;

  static final int NODE_PORT_MAX = 32767;

  private CoreDecoders() {}

  static Namespace namespace(Field root) {
    ObjectMeta m = Decode.meta(root, false, NameRule.LABEL);
    Map<String, String> labels = new HashMap<>(m.labels());
    labels.put(Namespace.NAME_LABEL, m.name());
    return new Namespace(
        new ObjectMeta(
            m.namespace(),
            m.name(),
            labels,
            m.annotations(),
            m.uid(),
            m.resourceVersion(),
            m.creationTimestamp()));
  }

  static Node node(Field root) {
    ObjectMeta m = Decode.meta(root, false, NameRule.SUBDOMAIN);
    Field spec = root.get("spec");
    List<Cidr> cidrs = new ArrayList<>();
    Field podCidrs = spec.get("podCIDRs");
    for (Field f : podCidrs.items()) {
      Cidr c = Decode.cidr(f);
      for (Cidr other : cidrs) {
        if (other.family() == c.family()) {
          throw f.invalid("may specify no more than one CIDR for each IP family");
        }
      }
      cidrs.add(c);
    }
    if (cidrs.size() > 2) {
      throw podCidrs.tooMany(cidrs.size(), 2);
    }
    Field podCidr = spec.get("podCIDR");
    if (podCidr.nonEmptyString().isPresent()) {
      Cidr c = Decode.cidr(podCidr);
      if (cidrs.isEmpty()) {
        cidrs.add(c);
      } else if (!cidrs.get(0).equals(c)) {
        throw podCidrs.items().get(0).invalid("must match `podCIDR`");
      }
    }
    boolean unschedulable = spec.get("unschedulable").bool().orElse(false);
    List<NodeAddress> addresses = new ArrayList<>();
    for (Field a : root.get("status").get("addresses").items()) {
      Field typeField = a.get("type");
      String typeName = typeField.nonEmptyString().orElseThrow(() -> typeField.required(""));
      NodeAddress.Type type =
          NodeAddress.Type.fromKubernetesName(typeName)
              .orElseThrow(
                  () ->
                      typeField.unsupported(
                          List.of(
                              "ExternalDNS",
                              "ExternalIP",
                              "Hostname",
                              "InternalDNS",
                              "InternalIP")));
      Field addr = a.get("address");
      String value = addr.nonEmptyString().orElseThrow(() -> addr.required(""));
      if (type == NodeAddress.Type.INTERNAL_IP || type == NodeAddress.Type.EXTERNAL_IP) {
        value = Decode.ip(addr).toString();
      }
      addresses.add(new NodeAddress(type, value));
    }
    List<Node.Taint> taints = new ArrayList<>();
    for (Field t : spec.get("taints").items()) {
      Field key = t.get("key");
      Field effect = t.get("effect");
      taints.add(
          new Node.Taint(
              key.nonEmptyString().orElseThrow(() -> key.required("")),
              t.get("value").string().orElse(""),
              effect
                  .oneOf(List.of("NoExecute", "NoSchedule", "PreferNoSchedule"))
                  .orElseThrow(() -> effect.required(""))));
    }
    Optional<java.time.Instant> deletion =
        Decode.timestamp(root.get("metadata").get("deletionTimestamp"));
    return new Node(m, addresses, cidrs, unschedulable, taints, deletion);
  }

  static Pod pod(Field root) {
    ObjectMeta meta = Decode.meta(root, true, NameRule.SUBDOMAIN);
    Field spec = root.get("spec");
    Field nodeNameField = spec.get("nodeName");
    Optional<String> nodeName = nodeNameField.nonEmptyString();
    nodeName.ifPresent(n -> Decode.checkName(nodeNameField, n, NameRule.SUBDOMAIN));
    boolean hostNetwork = spec.get("hostNetwork").bool().orElse(false);
    Field hostnameField = spec.get("hostname");
    Optional<String> hostname = hostnameField.nonEmptyString();
    hostname.ifPresent(h -> Decode.checkName(hostnameField, h, NameRule.LABEL));
    Field subdomainField = spec.get("subdomain");
    Optional<String> subdomain = subdomainField.nonEmptyString();
    subdomain.ifPresent(h -> Decode.checkName(subdomainField, h, NameRule.LABEL));
    List<ContainerPort> ports = new ArrayList<>();
    for (String containers : List.of("initContainers", "containers")) {
      // the API server: the app containers' host ports are unique by (port, protocol)
      Set<String> hostPorts = new HashSet<>();
      for (Field c : spec.get(containers).items()) {
        List<Field> items = c.get("ports").items();
        Decode.unique(items, "name", p -> p.get("name").nonEmptyString());
        for (Field p : items) {
          ContainerPort port = containerPort(p, hostNetwork);
          if (containers.equals("containers")
              && port.hostPort().isPresent()
              && !hostPorts.add(port.hostPort().getAsInt() + "/" + port.protocol())) {
            throw p.get("hostPort").duplicate();
          }
          ports.add(port);
        }
      }
    }
    Field status = root.get("status");
    List<IpAddress> ips = new ArrayList<>();
    Field podIps = status.get("podIPs");
    for (Field f : podIps.items()) {
      Field ipField = f.get("ip");
      IpAddress ip = Decode.ip(ipField);
      if (ips.contains(ip)) {
        throw ipField.duplicate();
      }
      for (IpAddress other : ips) {
        if (other.family() == ip.family()) {
          throw podIps.invalid("may specify no more than one IP for each IP family");
        }
      }
      ips.add(ip);
    }
    Field podIp = status.get("podIP");
    if (podIp.nonEmptyString().isPresent()) {
      IpAddress ip = Decode.ip(podIp);
      if (ips.isEmpty()) {
        ips.add(ip);
      } else if (!ips.get(0).equals(ip)) {
        throw podIps.items().get(0).get("ip").invalid("must match `podIP`");
      }
    }
    Field phaseField = status.get("phase");
    Pod.Phase phase =
        phaseField
            .oneOf(List.of("Failed", "Pending", "Running", "Succeeded", "Unknown"))
            .flatMap(Pod.Phase::fromKubernetesName)
            .orElse(Pod.Phase.PENDING);
    boolean ready = false;
    for (Field c : status.get("conditions").items()) {
      if (c.get("type").string().orElse("").equals("Ready")) {
        ready =
            c.get("status").oneOf(List.of("False", "True", "Unknown")).orElse("").equals("True");
      }
    }
    Optional<java.time.Instant> deletion =
        Decode.timestamp(root.get("metadata").get("deletionTimestamp"));
    return new Pod(
        meta, nodeName, hostNetwork, hostname, subdomain, ips, phase, ready, ports, deletion);
  }

  /**
   * A container port; on the host network the API server defaults {@code hostPort} to {@code
   * containerPort} and requires the two to match.
   */
  private static ContainerPort containerPort(Field p, boolean hostNetwork) {
    Field nameField = p.get("name");
    Optional<String> name = nameField.nonEmptyString();
    if (name.isPresent()) {
      List<String> errors = Names.portName(name.get());
      if (!errors.isEmpty()) {
        throw nameField.invalid(String.join("; ", errors));
      }
    }
    int port = Decode.port(p.get("containerPort"));
    Protocol protocol = Decode.protocol(p.get("protocol"));
    Field hostPortField = p.get("hostPort");
    OptionalInt hostPort = OptionalInt.empty();
    if (hostPortField.integer().orElse(0L) != 0) {
      hostPort = OptionalInt.of(Decode.port(hostPortField));
    }
    if (hostNetwork) {
      if (hostPort.isPresent() && hostPort.getAsInt() != port) {
        throw hostPortField.invalid("must match `containerPort` when `hostNetwork` is true");
      }
      hostPort = OptionalInt.of(port);
    }
    return new ContainerPort(name, port, protocol, hostPort);
  }

  static Service service(Field root) {
    ObjectMeta meta = Decode.meta(root, true, NameRule.DNS1035);
    Field spec = root.get("spec");
    Field typeField = spec.get("type");
    ServiceType type =
        typeField
            .oneOf(List.of("ClusterIP", "ExternalName", "LoadBalancer", "NodePort"))
            .flatMap(ServiceType::fromKubernetesName)
            .orElse(ServiceType.CLUSTER_IP);
    boolean externalNameType = type == ServiceType.EXTERNAL_NAME;

    // cluster IPs
    Field clusterIpField = spec.get("clusterIP");
    Field clusterIpsField = spec.get("clusterIPs");
    List<String> rawIps = new ArrayList<>();
    for (Field f : clusterIpsField.items()) {
      rawIps.add(f.string().orElse(""));
    }
    Optional<String> clusterIp = clusterIpField.nonEmptyString();
    if (clusterIp.isPresent()) {
      if (rawIps.isEmpty()) {
        rawIps.add(clusterIp.get());
      } else if (!rawIps.get(0).equals(clusterIp.get())) {
        throw clusterIpsField.items().get(0).invalid("must match `clusterIP`");
      }
    }
    boolean headless = !rawIps.isEmpty() && rawIps.get(0).equals("None");
    List<IpAddress> clusterIps = new ArrayList<>();
    if (externalNameType && !rawIps.isEmpty()) {
      throw (clusterIp.isPresent() ? clusterIpField : clusterIpsField)
          .forbidden("may not be set for ExternalName services");
    }
    if (headless) {
      if (type == ServiceType.NODE_PORT || type == ServiceType.LOAD_BALANCER) {
        throw (clusterIpsField.present() ? clusterIpsField.items().get(0) : clusterIpField)
            .invalid("may not be set to 'None' for LoadBalancer or NodePort services");
      }
      if (rawIps.size() > 1) {
        throw clusterIpsField
            .items()
            .get(1)
            .invalid("must not have more than one IP address when the first is 'None'");
      }
    } else {
      List<Field> items =
          clusterIpsField.present() ? clusterIpsField.items() : List.of(clusterIpField);
      for (int i = 0; i < rawIps.size(); i++) {
        Field f = i < items.size() ? items.get(i) : clusterIpField;
        IpAddress ip = Decode.ip(f);
        if (!clusterIps.isEmpty() && clusterIps.get(0).family() == ip.family()) {
          throw clusterIpsField.invalid("may specify no more than one IP for each IP family");
        }
        clusterIps.add(ip);
      }
      if (clusterIps.size() > 2) {
        throw clusterIpsField.tooMany(clusterIps.size(), 2);
      }
    }

    // families
    Field familiesField = spec.get("ipFamilies");
    List<IpFamily> families = new ArrayList<>();
    for (Field f : familiesField.items()) {
      IpFamily fam =
          f.oneOf(List.of("IPv4", "IPv6"))
              .map(IpFamily::fromKubernetesName)
              .orElseThrow(() -> f.required(""));
      if (families.contains(fam)) {
        throw f.duplicate();
      }
      families.add(fam);
    }
    if (families.size() > 2) {
      throw familiesField.tooMany(families.size(), 2);
    }
    Field policyField = spec.get("ipFamilyPolicy");
    Optional<IpFamilyPolicy> policy =
        policyField
            .oneOf(List.of("PreferDualStack", "RequireDualStack", "SingleStack"))
            .flatMap(IpFamilyPolicy::fromKubernetesName);
    if (externalNameType) {
      if (!families.isEmpty()) {
        throw familiesField.forbidden("may not be set for ExternalName services");
      }
      if (policy.isPresent()) {
        throw policyField.forbidden("may not be set for ExternalName services");
      }
    } else {
      for (int i = 0; i < clusterIps.size(); i++) {
        IpFamily fam = clusterIps.get(i).family();
        if (i < families.size() && families.get(i) != fam) {
          throw clusterIpsField.present()
              ? clusterIpsField
                  .items()
                  .get(i)
                  .invalid("expected an IP of family " + families.get(i).kubernetesName())
              : clusterIpField.invalid(
                  "expected an IP of family " + families.get(i).kubernetesName());
        }
        if (i >= families.size()) {
          families.add(fam);
        }
      }
      if (families.isEmpty()) {
        families.add(IpFamily.IPV4);
      }
      if (policy.isEmpty()) {
        policy =
            Optional.of(
                clusterIps.size() == 2 || families.size() == 2
                    ? IpFamilyPolicy.REQUIRE_DUAL_STACK
                    : IpFamilyPolicy.SINGLE_STACK);
      }
      if (policy.get() == IpFamilyPolicy.SINGLE_STACK && families.size() > 1) {
        throw familiesField.invalid(
            "when spec.ipFamilyPolicy is SingleStack, spec.ipFamilies must have one family");
      }
    }

    // ports
    Field portsField = spec.get("ports");
    List<Field> portItems = portsField.items();
    if (portItems.isEmpty() && !headless && !externalNameType) {
      throw portsField.required("");
    }
    List<ServicePort> ports = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<String> nodePorts = new HashSet<>();
    Set<String> portKeys = new HashSet<>();
    for (Field p : portItems) {
      ServicePort port = servicePort(p, type, portItems.size() > 1, names, nodePorts);
      if (!portKeys.add(port.port() + "/" + port.protocol())) {
        // the API server: ports must be unique by (port, protocol)
        throw p.get("port").duplicate();
      }
      ports.add(port);
    }

    Map<String, String> selector = Decode.labels(spec.get("selector"));

    // session affinity
    Field affinityField = spec.get("sessionAffinity");
    SessionAffinity affinity =
        affinityField
            .oneOf(List.of("ClientIP", "None"))
            .flatMap(SessionAffinity::fromKubernetesName)
            .orElse(SessionAffinity.NONE);
    Field affinityConfig = spec.get("sessionAffinityConfig");
    Optional<Duration> timeout = Optional.empty();
    if (affinity == SessionAffinity.CLIENT_IP) {
      Field t = affinityConfig.get("clientIP").get("timeoutSeconds");
      long seconds = t.integer().orElse(Service.DEFAULT_AFFINITY_TIMEOUT.toSeconds());
      if (seconds <= 0 || seconds > 86400) {
        throw t.invalid("must be greater than 0 and less than 86400");
      }
      timeout = Optional.of(Duration.ofSeconds(seconds));
    } else if (affinityConfig.present() && affinityConfig.get("clientIP").present()) {
      throw affinityConfig.forbidden(
          "must not be set when session affinity is " + affinity.kubernetesName());
    }

    // external name
    Field externalNameField = spec.get("externalName");
    Optional<String> externalName = Optional.empty();
    if (externalNameType) {
      String n =
          externalNameField.nonEmptyString().orElseThrow(() -> externalNameField.required(""));
      String bare = n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
      Decode.checkName(externalNameField, bare, NameRule.SUBDOMAIN);
      externalName = Optional.of(n);
    }

    // traffic policies
    boolean externalIpsSet = !spec.get("externalIPs").items().isEmpty();
    boolean accessible =
        type == ServiceType.NODE_PORT || type == ServiceType.LOAD_BALANCER || externalIpsSet;
    Field etpField = spec.get("externalTrafficPolicy");
    Optional<TrafficPolicy> etp =
        etpField.oneOf(List.of("Cluster", "Local")).flatMap(TrafficPolicy::fromKubernetesName);
    if (etp.isPresent() && !accessible) {
      throw etpField.invalid("may only be set for externally-accessible services");
    }
    Field itpField = spec.get("internalTrafficPolicy");
    TrafficPolicy itp =
        itpField
            .oneOf(List.of("Cluster", "Local"))
            .flatMap(TrafficPolicy::fromKubernetesName)
            .orElse(TrafficPolicy.CLUSTER);

    List<IpAddress> externalIps = new ArrayList<>();
    for (Field f : spec.get("externalIPs").items()) {
      IpAddress ip = Decode.ip(f);
      if (ip.isUnspecified() || ip.isLoopback() || ip.isLinkLocal() || ip.isMulticast()) {
        throw f.invalid("may not be unspecified, loopback, link-local or multicast");
      }
      externalIps.add(ip);
    }

    Field rangesField = spec.get("loadBalancerSourceRanges");
    List<Cidr> ranges = new ArrayList<>();
    if (rangesField.isList()
        && !rangesField.items().isEmpty()
        && type != ServiceType.LOAD_BALANCER) {
      throw rangesField.forbidden("may only be used when `type` is 'LoadBalancer'");
    }
    for (Field f : rangesField.items()) {
      String s = f.string().orElse("").strip();
      try {
        ranges.add(Cidr.parseLegacy(s));
      } catch (IllegalArgumentException e) {
        throw f.invalid(Decode.CIDR_DETAIL);
      }
    }

    Field hcField = spec.get("healthCheckNodePort");
    OptionalInt hc = OptionalInt.empty();
    if (hcField.integer().orElse(0L) != 0) {
      if (type != ServiceType.LOAD_BALANCER || etp.orElse(null) != TrafficPolicy.LOCAL) {
        throw hcField.invalid(
            "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is"
                + " 'Local'");
      }
      long v = hcField.integer().orElseThrow();
      if (v < 1 || v > 65535) {
        throw hcField.invalid(PORT_DETAIL);
      }
      if (nodePorts.contains(v + "/TCP")) {
        throw hcField.duplicate();
      }
      hc = OptionalInt.of((int) v);
    }

    boolean publishNotReady = spec.get("publishNotReadyAddresses").bool().orElse(false);
    Field allocField = spec.get("allocateLoadBalancerNodePorts");
    Optional<Boolean> alloc = allocField.bool();
    if (alloc.isPresent() && type != ServiceType.LOAD_BALANCER) {
      throw allocField.forbidden("may only be used when `type` is 'LoadBalancer'");
    }
    Field tdField = spec.get("trafficDistribution");
    Optional<String> td = tdField.oneOf(List.of("PreferClose", "PreferSameNode", "PreferSameZone"));

    List<LoadBalancerIngress> lbIngress = new ArrayList<>();
    for (Field f : root.get("status").get("loadBalancer").get("ingress").items()) {
      Field ipField = f.get("ip");
      Optional<IpAddress> ip =
          ipField.nonEmptyString().isPresent() ? Optional.of(Decode.ip(ipField)) : Optional.empty();
      Field hostField = f.get("hostname");
      Optional<String> host = hostField.nonEmptyString();
      if (host.isPresent()) {
        if (IpAddress.isValid(host.get())) {
          throw hostField.invalid("must be a DNS name, not an IP address");
        }
        Decode.checkName(hostField, host.get(), NameRule.SUBDOMAIN);
      }
      Field modeField = f.get("ipMode");
      Optional<IpMode> mode =
          modeField.oneOf(List.of("Proxy", "VIP")).flatMap(IpMode::fromKubernetesName);
      if (ip.isPresent() && mode.isEmpty()) {
        mode = Optional.of(IpMode.VIP);
      }
      if (ip.isEmpty() && mode.isPresent()) {
        throw modeField.required("must be specified when `ipMode` is set");
      }
      lbIngress.add(new LoadBalancerIngress(ip, host, mode));
    }

    return new Service(
        meta,
        type,
        clusterIps,
        headless,
        externalNameType ? List.of() : families,
        externalNameType ? Optional.empty() : policy,
        ports,
        selector,
        affinity,
        timeout,
        etp.orElse(TrafficPolicy.CLUSTER),
        itp,
        externalIps,
        lbIngress,
        ranges,
        hc,
        publishNotReady,
        externalName,
        alloc.orElse(true),
        td);
  }

  private static ServicePort servicePort(
      Field p, ServiceType type, boolean multiple, Set<String> names, Set<String> nodePorts) {
    Field nameField = p.get("name");
    String name = nameField.string().orElse("");
    if (name.isEmpty()) {
      if (multiple) {
        throw nameField.required("");
      }
    } else {
      Decode.checkName(nameField, name, NameRule.LABEL);
      if (!names.add(name)) {
        throw nameField.duplicate();
      }
    }
    Protocol protocol = Decode.protocol(p.get("protocol"));
    int port = Decode.port(p.get("port"));
    Field targetField = p.get("targetPort");
    PortRef target;
    if (!targetField.present()
        || (targetField.isInteger() && targetField.integer().orElse(0L) == 0)
        || (targetField.isString() && targetField.string().orElse("").isEmpty())) {
      target = PortRef.of(port);
    } else {
      target = Decode.portRef(targetField);
    }
    Field nodePortField = p.get("nodePort");
    OptionalInt nodePort = OptionalInt.empty();
    long np = nodePortField.integer().orElse(0L);
    if (np != 0) {
      if (type == ServiceType.CLUSTER_IP || type == ServiceType.EXTERNAL_NAME) {
        throw nodePortField.forbidden(
            "may not be used when `type` is '" + type.kubernetesName() + "'");
      }
      if (np < 1 || np > 65535) {
        throw nodePortField.invalid(PORT_DETAIL);
      }
      if (np < NODE_PORT_MIN || np > NODE_PORT_MAX) {
        throw nodePortField.invalid(
            "provided port is not in the valid range. The range of valid ports is "
                + NODE_PORT_MIN
                + "-"
                + NODE_PORT_MAX);
      }
      if (!nodePorts.add(np + "/" + protocol)) {
        throw nodePortField.duplicate();
      }
      nodePort = OptionalInt.of((int) np);
    }
    Field appProtocolField = p.get("appProtocol");
    Optional<String> appProtocol = appProtocolField.nonEmptyString();
    if (appProtocol.isPresent()) {
      List<String> errors = Names.qualifiedName(appProtocol.get());
      if (!errors.isEmpty()) {
        throw appProtocolField.invalid(String.join("; ", errors));
      }
    }
    return new ServicePort(name, protocol, port, target, nodePort, appProtocol);
  }

  /**
   * Decodes an EndpointSlice; returns empty for an FQDN slice, which k8snet does not model (the
   * caller warns).
   */
  static Optional<EndpointSlice> endpointSlice(Field root) {
    ObjectMeta meta = Decode.meta(root, true, NameRule.SUBDOMAIN);
    Field typeField = root.get("addressType");
    String typeName = typeField.nonEmptyString().orElseThrow(() -> typeField.required(""));
    if (typeName.equals("FQDN")) {
      return Optional.empty();
    }
    IpFamily family =
        typeField
            .oneOf(List.of("FQDN", "IPv4", "IPv6"))
            .map(IpFamily::fromKubernetesName)
            .orElseThrow();
    List<EndpointSlice.Endpoint> endpoints = new ArrayList<>();
    Field endpointsField = root.get("endpoints");
    if (endpointsField.items().size() > 1000) {
      throw endpointsField.tooMany(endpointsField.items().size(), 1000);
    }
    for (Field e : endpointsField.items()) {
      Field addressesField = e.get("addresses");
      List<Field> addrItems = addressesField.items();
      if (addrItems.isEmpty()) {
        throw addressesField.required("must contain at least 1 address");
      }
      if (addrItems.size() > 100) {
        throw addressesField.tooMany(addrItems.size(), 100);
      }
      List<IpAddress> addresses = new ArrayList<>();
      for (Field a : addrItems) {
        IpAddress ip = Decode.ip(a);
        if (ip.family() != family) {
          throw a.invalid("must be a valid " + family.kubernetesName() + " address");
        }
        addresses.add(ip);
      }
      Field c = e.get("conditions");
      boolean ready = c.get("ready").bool().orElse(true);
      Optional<Boolean> servingField = c.get("serving").bool();
      boolean serving = servingField.orElse(ready);
      boolean terminating = c.get("terminating").bool().orElse(false);
      Field hostnameField = e.get("hostname");
      Optional<String> hostname = hostnameField.nonEmptyString();
      hostname.ifPresent(h -> Decode.checkName(hostnameField, h, NameRule.LABEL));
      Field nodeNameField = e.get("nodeName");
      Optional<String> nodeName = nodeNameField.nonEmptyString();
      nodeName.ifPresent(n -> Decode.checkName(nodeNameField, n, NameRule.SUBDOMAIN));
      Optional<String> zone = e.get("zone").nonEmptyString();
      List<String> forZones = hintNames(e.get("hints").get("forZones"));
      List<String> forNodes = hintNames(e.get("hints").get("forNodes"));
      Field targetRefField = e.get("targetRef");
      Optional<ObjectRef> targetRef = Optional.empty();
      if (targetRefField.present()) {
        targetRef =
            Optional.of(
                new ObjectRef(
                    targetRefField.get("kind").string().orElse(""),
                    targetRefField.get("namespace").string().orElse(""),
                    targetRefField.get("name").string().orElse("")));
      }
      endpoints.add(
          new EndpointSlice.Endpoint(
              addresses,
              new EndpointSlice.Conditions(ready, serving, terminating, servingField.isPresent()),
              hostname,
              nodeName,
              zone,
              forZones,
              forNodes,
              targetRef));
    }
    List<EndpointSlice.Port> ports = new ArrayList<>();
    Field portsField = root.get("ports");
    if (portsField.items().size() > 20000) {
      throw portsField.tooMany(portsField.items().size(), 20000);
    }
    Set<String> names = new HashSet<>();
    for (Field p : portsField.items()) {
      Field nameField = p.get("name");
      String name = nameField.string().orElse("");
      if (!name.isEmpty()) {
        Decode.checkName(nameField, name, NameRule.LABEL);
      }
      if (!names.add(name)) {
        throw nameField.duplicate();
      }
      Field portField = p.get("port");
      OptionalInt port =
          portField.present() ? OptionalInt.of(Decode.port(portField)) : OptionalInt.empty();
      Protocol protocol = Decode.protocol(p.get("protocol"));
      ports.add(
          new EndpointSlice.Port(name, port, protocol, p.get("appProtocol").nonEmptyString()));
    }
    return Optional.of(new EndpointSlice(meta, family, endpoints, ports));
  }

  private static List<String> hintNames(Field f) {
    List<String> out = new ArrayList<>();
    for (Field h : f.items()) {
      Field n = h.get("name");
      out.add(n.nonEmptyString().orElseThrow(() -> n.required("")));
    }
    return out;
  }

  private static final java.util.regex.Pattern CONFIG_KEY =
      java.util.regex.Pattern.compile("^[-._a-zA-Z0-9]+$");

  static Secret secret(Field root) {
    ObjectMeta meta = Decode.meta(root, true, NameRule.SUBDOMAIN);
    Field typeField = root.get("type");
    String type = typeField.nonEmptyString().orElse("Opaque");
    Map<String, byte[]> data = new java.util.TreeMap<>();
    long total = 0;
    Field dataField = root.get("data");
    for (Map.Entry<String, Field> e : dataField.entries().entrySet()) {
      checkKey(e.getValue().withPath(dataField.path), e.getKey());
      String b64 = e.getValue().string().orElse("");
      try {
        byte[] bytes = java.util.Base64.getMimeDecoder().decode(b64);
        if (!isBase64(b64)) {
          throw new IllegalArgumentException("not base64");
        }
        data.put(e.getKey(), bytes);
        total += bytes.length;
      } catch (IllegalArgumentException ex) {
        throw e.getValue()
            .withPath(dataField.path + "[" + e.getKey() + "]")
            .invalid("illegal base64 data");
      }
    }
    Field stringData = root.get("stringData");
    for (Map.Entry<String, Field> e : stringData.entries().entrySet()) {
      checkKey(e.getValue().withPath(stringData.path), e.getKey());
      byte[] bytes =
          e.getValue().string().orElse("").getBytes(java.nio.charset.StandardCharsets.UTF_8);
      data.put(e.getKey(), bytes);
      total += bytes.length;
    }
    if (total > 1024 * 1024) {
      throw dataField.invalid("", "\"\"", "Too long: must have at most 1048576 bytes");
    }
    if (type.equals(Secret.TLS_TYPE)) {
      for (String key : List.of(Secret.TLS_CERT_KEY, Secret.TLS_KEY_KEY)) {
        if (!data.containsKey(key)) {
          throw dataField.virtual("[" + key + "]").required("");
        }
      }
    }
    return new Secret(meta, type, data);
  }

  private static boolean isBase64(String s) {
    String t = s.replaceAll("\\s", "");
    return t.matches("^[A-Za-z0-9+/]*={0,2}$") && t.length() % 4 == 0;
  }

  private static void checkKey(Field f, String key) {
    if (key.length() > 253 || !CONFIG_KEY.matcher(key).matches()) {
      throw f.invalid(
          key,
          '"' + key + '"',
          "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g."
              + " 'key.name',  or 'KEY_NAME',  or 'key-name')");
    }
  }
}
