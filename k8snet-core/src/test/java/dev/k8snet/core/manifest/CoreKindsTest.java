package dev.k8snet.core.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.model.ContainerPort;
import dev.k8snet.core.model.EndpointSlice;
import dev.k8snet.core.model.IpFamilyPolicy;
import dev.k8snet.core.model.IpMode;
import dev.k8snet.core.model.KubernetesObject;
import dev.k8snet.core.model.Namespace;
import dev.k8snet.core.model.Node;
import dev.k8snet.core.model.ObjectRef;
import dev.k8snet.core.model.Pod;
import dev.k8snet.core.model.PortRef;
import dev.k8snet.core.model.Service;
import dev.k8snet.core.model.ServiceType;
import dev.k8snet.core.model.SessionAffinity;
import dev.k8snet.core.model.TrafficPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CoreKindsTest {

  static <T extends KubernetesObject> T one(Class<T> type, String yaml) {
    ManifestReader.Result r = ManifestReader.create().readString("m.yaml", yaml);
    List<KubernetesObject> all = r.orThrow();
    assertEquals(1, all.size(), r.warnings().toString());
    return type.cast(all.get(0));
  }

  static ManifestException error(String yaml) {
    ManifestReader.Result r = ManifestReader.create().readString("m.yaml", yaml);
    assertEquals(1, r.errors().size(), () -> "objects: " + r.objects());
    return r.errors().get(0);
  }

  @Test
  void namespaceGetsItsNameLabel() {
    Namespace ns =
        one(
            Namespace.class,
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: x, labels: {a: b}}\n");
    assertEquals("x", ns.labels().get("kubernetes.io/metadata.name"));
    assertEquals("b", ns.labels().get("a"));
  }

  @Test
  void nodeHasAddressesPodCidrsAndZone() {
    Node n =
        one(
            Node.class,
            """
            apiVersion: v1
            kind: Node
            metadata:
              name: node-1
              labels: {topology.kubernetes.io/zone: z1}
            spec:
              podCIDR: 10.244.1.0/24
              podCIDRs: [10.244.1.0/24, "fd00:1::/64"]
              unschedulable: true
            status:
              addresses:
              - {type: InternalIP, address: 192.168.0.11}
              - {type: Hostname, address: node-1}
            """);
    assertEquals(List.of(Cidr.parse("10.244.1.0/24"), Cidr.parse("fd00:1::/64")), n.podCidrs());
    assertEquals(List.of(IpAddress.parse("192.168.0.11")), n.internalIps());
    assertEquals(Optional.of("z1"), n.zone());
    assertTrue(n.unschedulable());
    assertEquals("", n.metadata().namespace());
    assertFalse(n.goingAway());
  }

  @Test
  void nodeReadsTaintsAndDeletion() {
    Node tainted =
        one(
            Node.class,
            """
            apiVersion: v1
            kind: Node
            metadata: {name: node-2}
            spec:
              taints:
              - {key: ToBeDeletedByClusterAutoscaler, value: "1700000000", effect: NoSchedule}
              - {key: dedicated, effect: NoExecute}
            """);
    assertEquals(
        List.of(
            new Node.Taint("ToBeDeletedByClusterAutoscaler", "1700000000", "NoSchedule"),
            new Node.Taint("dedicated", "", "NoExecute")),
        tainted.taints());
    assertTrue(tainted.goingAway(), "tainted by the autoscaler");
    Node deleting =
        one(
            Node.class,
            """
            apiVersion: v1
            kind: Node
            metadata: {name: node-3, deletionTimestamp: "2026-01-01T00:00:00Z"}
            """);
    assertEquals(
        Optional.of(java.time.Instant.parse("2026-01-01T00:00:00Z")), deleting.deletionTimestamp());
    assertTrue(deleting.goingAway());
  }

  @Test
  void podReadsIpsReadinessPortsAndTermination() {
    Pod p =
        one(
            Pod.class,
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web-0
              namespace: shop
              labels: {app: web}
              deletionTimestamp: "2026-01-02T03:04:05Z"
            spec:
              nodeName: node-1
              hostname: web-0
              subdomain: web
              containers:
              - name: c
                ports:
                - {name: http, containerPort: 8080}
                - {name: dns, containerPort: 53, protocol: UDP}
            status:
              phase: Running
              podIP: 10.244.1.5
              podIPs: [{ip: 10.244.1.5}, {ip: "fd00:1::5"}]
              conditions:
              - {type: Initialized, status: "True"}
              - {type: Ready, status: "True"}
            """);
    assertEquals(List.of(IpAddress.parse("10.244.1.5"), IpAddress.parse("fd00:1::5")), p.podIps());
    assertTrue(p.ready());
    assertEquals(Pod.Phase.RUNNING, p.phase());
    assertEquals(OptionalInt.of(8080), p.namedPort("http", Protocol.TCP));
    assertEquals(OptionalInt.of(53), p.namedPort("dns", Protocol.UDP));
    assertEquals(OptionalInt.empty(), p.namedPort("dns", Protocol.TCP));
    assertTrue(p.terminating());
    assertEquals(Optional.of("node-1"), p.nodeName());
    assertEquals(Optional.of("web"), p.subdomain());
  }

  @Test
  void hostNetworkPodsGetTheirContainerPortsAsHostPorts() {
    Pod p =
        one(
            Pod.class,
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: agent}
            spec:
              hostNetwork: true
              initContainers:
              - name: init
                ports: [{containerPort: 9000}]
              containers:
              - name: c
                ports:
                - {name: metrics, containerPort: 9100}
                - {containerPort: 53, hostPort: 53, protocol: UDP}
            """);
    assertEquals(
        List.of(
            new ContainerPort(Optional.empty(), 9000, Protocol.TCP, OptionalInt.of(9000)),
            new ContainerPort(Optional.of("metrics"), 9100, Protocol.TCP, OptionalInt.of(9100)),
            new ContainerPort(Optional.empty(), 53, Protocol.UDP, OptionalInt.of(53))),
        p.containerPorts());
  }

  @Test
  void podIpFallsBackToStatusPodIpAndReadinessDefaultsToFalse() {
    Pod p =
        one(
            Pod.class,
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nstatus: {podIP: 10.0.0.9}\n");
    assertEquals(List.of(IpAddress.parse("10.0.0.9")), p.podIps());
    assertFalse(p.ready());
    assertEquals(Pod.Phase.PENDING, p.phase());
    assertFalse(p.terminating());
    assertFalse(p.hostNetwork());
  }

  @Test
  void serviceGetsTheApiServerDefaults() {
    Service s =
        one(
            Service.class,
            """
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec:
              clusterIP: 10.96.0.10
              selector: {app: web}
              ports:
              - port: 80
            """);
    assertEquals(ServiceType.CLUSTER_IP, s.type());
    assertEquals(List.of(IpAddress.parse("10.96.0.10")), s.clusterIps());
    assertEquals(List.of(IpFamily.IPV4), s.ipFamilies());
    assertEquals(Optional.of(IpFamilyPolicy.SINGLE_STACK), s.ipFamilyPolicy());
    assertEquals(SessionAffinity.NONE, s.sessionAffinity());
    assertEquals(Optional.empty(), s.sessionAffinityTimeout());
    assertEquals(TrafficPolicy.CLUSTER, s.externalTrafficPolicy());
    assertEquals(TrafficPolicy.CLUSTER, s.internalTrafficPolicy());
    assertEquals(Protocol.TCP, s.ports().get(0).protocol());
    assertEquals(PortRef.of(80), s.ports().get(0).targetPort());
    assertEquals("", s.ports().get(0).name());
    assertFalse(s.headless());
    assertEquals(new ObjectRef("Service", "shop", "web"), s.ref());
  }

  @Test
  void serviceReadsEveryLoadBalancerField() {
    Service s =
        one(
            Service.class,
            """
            apiVersion: v1
            kind: Service
            metadata: {name: lb}
            spec:
              type: LoadBalancer
              clusterIPs: [10.96.0.20, "fd00::20"]
              ipFamilyPolicy: PreferDualStack
              sessionAffinity: ClientIP
              externalTrafficPolicy: Local
              healthCheckNodePort: 30500
              externalIPs: [203.0.113.7]
              loadBalancerSourceRanges: [" 198.51.100.0/24 ", 10.0.0.1/8]
              publishNotReadyAddresses: true
              allocateLoadBalancerNodePorts: false
              trafficDistribution: PreferClose
              ports:
              - {name: http, port: 80, targetPort: web, nodePort: 30080, appProtocol: http}
              - {name: dns, port: 53, protocol: UDP, targetPort: 5353}
            status:
              loadBalancer:
                ingress:
                - ip: 198.51.100.1
                - {ip: 198.51.100.2, ipMode: Proxy}
                - hostname: lb.example.com
            """);
    assertEquals(ServiceType.LOAD_BALANCER, s.type());
    assertEquals(List.of(IpFamily.IPV4, IpFamily.IPV6), s.ipFamilies());
    assertEquals(Optional.of(IpFamilyPolicy.PREFER_DUAL_STACK), s.ipFamilyPolicy());
    assertEquals(Optional.of(Duration.ofHours(3)), s.sessionAffinityTimeout());
    assertEquals(TrafficPolicy.LOCAL, s.externalTrafficPolicy());
    assertEquals(OptionalInt.of(30500), s.healthCheckNodePort());
    assertEquals(
        List.of(Cidr.parse("198.51.100.0/24"), Cidr.parse("10.0.0.0/8")),
        s.loadBalancerSourceRanges());
    assertEquals(PortRef.named("web"), s.port("http").orElseThrow().targetPort());
    assertEquals(OptionalInt.of(30080), s.port("http").orElseThrow().nodePort());
    assertEquals(PortRef.of(5353), s.port("dns").orElseThrow().targetPort());
    assertEquals(Optional.of(IpMode.VIP), s.loadBalancerIngress().get(0).ipMode());
    assertEquals(Optional.of(IpMode.PROXY), s.loadBalancerIngress().get(1).ipMode());
    assertEquals(Optional.of("lb.example.com"), s.loadBalancerIngress().get(2).hostname());
    assertEquals(Optional.empty(), s.loadBalancerIngress().get(2).ipMode());
    assertTrue(s.publishNotReadyAddresses());
    assertFalse(s.allocateLoadBalancerNodePorts());
    assertEquals(Optional.of("PreferClose"), s.trafficDistribution());
    assertTrue(s.externallyAccessible());
  }

  @Test
  void emptyEnumStringsAreDefaultedLikeAbsentOnes() {
    Service s =
        one(
            Service.class,
            """
            apiVersion: v1
            kind: Service
            metadata: {name: s}
            spec: {type: "", sessionAffinity: "", ports: [{port: 53, protocol: ""}]}
            """);
    assertEquals(ServiceType.CLUSTER_IP, s.type());
    assertEquals(SessionAffinity.NONE, s.sessionAffinity());
    assertEquals(Protocol.TCP, s.ports().get(0).protocol());
  }

  @Test
  void headlessAndExternalNameServices() {
    Service h =
        one(
            Service.class,
            "apiVersion: v1\nkind: Service\nmetadata: {name: h}\nspec: {clusterIP: None}\n");
    assertTrue(h.headless());
    assertTrue(h.clusterIps().isEmpty());
    Service e =
        one(
            Service.class,
            """
            apiVersion: v1
            kind: Service
            metadata: {name: e}
            spec: {type: ExternalName, externalName: db.example.com.}
            """);
    assertEquals(Optional.of("db.example.com."), e.externalName());
    assertTrue(e.ipFamilies().isEmpty());
    assertEquals(Optional.empty(), e.ipFamilyPolicy());
  }

  @Test
  void clientIpAffinityKeepsAnExplicitTimeout() {
    Service s =
        one(
            Service.class,
            """
            apiVersion: v1
            kind: Service
            metadata: {name: s}
            spec:
              sessionAffinity: ClientIP
              sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}
              ports: [{port: 80}]
            """);
    assertEquals(Optional.of(Duration.ofSeconds(60)), s.sessionAffinityTimeout());
  }

  @Test
  void endpointSliceResolvesConditionDefaultsAndNamesItsService() {
    EndpointSlice es =
        one(
            EndpointSlice.class,
            """
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: web-abc
              namespace: shop
              labels: {kubernetes.io/service-name: web}
            addressType: IPv4
            endpoints:
            - addresses: [10.244.1.5]
              nodeName: node-1
              zone: z1
              hostname: web-0
              hints: {forZones: [{name: z1}], forNodes: [{name: node-1}]}
              targetRef: {kind: Pod, namespace: shop, name: web-0}
            - addresses: [10.244.2.5]
              conditions: {ready: false}
            - addresses: [10.244.3.5]
              conditions: {ready: false, serving: true, terminating: true}
            ports:
            - {name: http, port: 8080}
            - {name: dns, port: 53, protocol: UDP}
            """);
    assertEquals(IpFamily.IPV4, es.addressType());
    assertEquals(Optional.of("web"), es.serviceName());
    assertEquals(Optional.of(new ObjectRef("Service", "shop", "web")), es.serviceRef());
    assertEquals(
        new EndpointSlice.Conditions(true, true, false, false), es.endpoints().get(0).conditions());
    // Absent serving: the API reads it as ready, kube-proxy as true.
    EndpointSlice.Conditions notReady = es.endpoints().get(1).conditions();
    assertEquals(new EndpointSlice.Conditions(false, false, false, false), notReady);
    assertTrue(notReady.kubeProxyServing());
    assertEquals(
        new EndpointSlice.Conditions(false, true, true), es.endpoints().get(2).conditions());
    EndpointSlice.Endpoint e = es.endpoints().get(0);
    assertEquals(List.of("z1"), e.hintsForZones());
    assertEquals(List.of("node-1"), e.hintsForNodes());
    assertEquals(Optional.of(new ObjectRef("Pod", "shop", "web-0")), e.targetRef());
    assertEquals(Protocol.TCP, es.ports().get(0).protocol());
    assertEquals(Protocol.UDP, es.ports().get(1).protocol());
  }

  @Test
  void fqdnEndpointSlicesAreSkippedWithAWarning() {
    ManifestReader.Result r =
        ManifestReader.create()
            .readString(
                "m.yaml",
                """
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: f}
                addressType: FQDN
                endpoints: [{addresses: [db.example.com]}]
                """);
    assertTrue(r.objects().isEmpty());
    assertTrue(r.isValid());
    assertEquals(1, r.warnings().size());
  }

  static Stream<Arguments> invalidObjects() {
    String svc = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n";
    String pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n";
    String es = "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: e}\n";
    return Stream.of(
        Arguments.of(
            svc + "  ports:\n  - {port: 80, name: a}\n  - name: b\n    port: 0\n",
            "spec.ports[1].port",
            8,
            "0",
            "Invalid value: 0: must be between 1 and 65535"),
        Arguments.of(
            svc + "  ports:\n  - {port: 80, name: a}\n  - {port: 81}\n",
            "spec.ports[1].name",
            7,
            null,
            "Required value"),
        Arguments.of(
            svc + "  ports:\n  - {port: 80, name: a}\n  - {port: 81, name: a}\n",
            "spec.ports[1].name",
            7,
            "a",
            "Duplicate value: \"a\""),
        Arguments.of(
            svc + "  ports:\n  - {port: 80, protocol: ICMP}\n",
            "spec.ports[0].protocol",
            6,
            "ICMP",
            "Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\""),
        Arguments.of(
            svc + "  type: Magic\n  ports: [{port: 80}]\n",
            "spec.type",
            5,
            "Magic",
            "Unsupported value: \"Magic\""),
        Arguments.of(
            svc + "  ports:\n  - {port: 80, nodePort: 30080}\n",
            "spec.ports[0].nodePort",
            6,
            "30080",
            "Forbidden: may not be used when `type` is"),
        Arguments.of(
            svc + "  type: NodePort\n  ports:\n  - {port: 80, nodePort: 80}\n",
            "spec.ports[0].nodePort",
            7,
            "80",
            "The range of valid ports is 30000-32767"),
        Arguments.of(svc + "  ports: []\n", "spec.ports", 5, null, "spec.ports: Required value"),
        Arguments.of(
            svc + "  ports:\n  - {port: 80, name: a}\n  - {port: 80, name: b}\n",
            "spec.ports[1].port",
            7,
            "80",
            "Duplicate value: 80"),
        Arguments.of(
            svc
                + "  ports:\n  - {port: 53, name: a, protocol: UDP}\n  - {port: 53, name: b}\n"
                + "  - {port: 53, name: c, protocol: UDP}\n",
            "spec.ports[2].port",
            8,
            "53",
            "Duplicate value: 53"),
        Arguments.of(
            svc + "  type: NodePort\n  clusterIP: None\n  ports: [{port: 80}]\n",
            "spec.clusterIP",
            6,
            "None",
            "may not be set to 'None' for LoadBalancer or NodePort services"),
        Arguments.of(
            svc + "  type: LoadBalancer\n  clusterIPs: [None]\n  ports: [{port: 80}]\n",
            "spec.clusterIPs[0]",
            6,
            "None",
            "may not be set to 'None' for LoadBalancer or NodePort services"),
        Arguments.of(
            svc + "  clusterIP: 10.96.0.300\n  ports: [{port: 80}]\n",
            "spec.clusterIP",
            5,
            "10.96.0.300",
            "must be a valid IP address"),
        Arguments.of(
            svc + "  clusterIP: 010.96.0.1\n  ports: [{port: 80}]\n",
            "spec.clusterIP",
            5,
            "010.96.0.1",
            "must be a valid IP address"),
        Arguments.of(
            svc + "  ports: [{port: 80, targetPort: \"http_x\"}]\n",
            "spec.ports[0].targetPort",
            5,
            "http_x",
            "Invalid value"),
        Arguments.of(
            svc
                + "  sessionAffinity: ClientIP\n  sessionAffinityConfig:\n    clientIP:\n"
                + "      timeoutSeconds: 0\n  ports: [{port: 80}]\n",
            "spec.sessionAffinityConfig.clientIP.timeoutSeconds",
            8,
            "0",
            "must be greater than 0 and less than 86400"),
        Arguments.of(
            svc + "  externalTrafficPolicy: Local\n  ports: [{port: 80}]\n",
            "spec.externalTrafficPolicy",
            5,
            "Local",
            "may only be set for externally-accessible services"),
        Arguments.of(
            svc + "  loadBalancerSourceRanges: [10.0.0.0/8]\n  ports: [{port: 80}]\n",
            "spec.loadBalancerSourceRanges",
            5,
            null,
            "may only be used when `type` is 'LoadBalancer'"),
        Arguments.of(
            svc + "  type: ExternalName\n", "spec.externalName", 4, null, "Required value"),
        Arguments.of(
            svc + "  selector: {app: \"-bad\"}\n  ports: [{port: 80}]\n",
            "spec.selector",
            5,
            "-bad",
            "a valid label must be"),
        Arguments.of(
            "apiVersion: v1\nkind: Service\nmetadata: {name: 1abc}\nspec: {ports: [{port: 80}]}\n",
            "metadata.name",
            3,
            "1abc",
            "DNS-1035"),
        Arguments.of(
            pod + "status:\n  podIPs:\n  - ip: 10.0.0.1\n  - ip: not-an-ip\n",
            "status.podIPs[1].ip",
            7,
            "not-an-ip",
            "must be a valid IP address"),
        Arguments.of(
            pod + "spec:\n  containers:\n  - name: c\n    ports:\n    - containerPort: 70000\n",
            "spec.containers[0].ports[0].containerPort",
            8,
            "70000",
            "between 1 and 65535"),
        Arguments.of(
            pod
                + "spec:\n  containers:\n  - name: c\n    ports:\n"
                + "    - {name: http, containerPort: 80}\n    - {name: http, containerPort: 81}\n",
            "spec.containers[0].ports[1].name",
            9,
            "http",
            "Duplicate value"),
        Arguments.of(
            pod
                + "spec:\n  hostNetwork: true\n  containers:\n  - name: c\n    ports:\n"
                + "    - {containerPort: 80, hostPort: 8080}\n",
            "spec.containers[0].ports[0].hostPort",
            9,
            "8080",
            "must match `containerPort` when `hostNetwork` is true"),
        Arguments.of(
            pod
                + "spec:\n  containers:\n  - name: a\n    ports: [{containerPort: 80, hostPort: 80}]\n"
                + "  - name: b\n    ports: [{containerPort: 8080, hostPort: 80}]\n",
            "spec.containers[1].ports[0].hostPort",
            9,
            "80",
            "Duplicate value"),
        Arguments.of(
            pod
                + "spec:\n  hostNetwork: true\n  containers:\n  - name: a\n    ports:\n"
                + "    - {name: x, containerPort: 53}\n    - {name: y, containerPort: 53}\n",
            "spec.containers[0].ports[1].hostPort",
            10,
            null,
            "Duplicate value"),
        Arguments.of(
            svc + "  ports: [{port: 80, appProtocol: \"a b\"}]\n",
            "spec.ports[0].appProtocol",
            5,
            "a b",
            "Invalid value: \"a b\""),
        Arguments.of(
            "apiVersion: v1\nkind: Pod\nmetadata: {generateName: web-}\n",
            "metadata.generateName",
            3,
            "web-",
            "generateName is not supported"),
        Arguments.of(
            pod + "spec:\n  hostname: Not_A_Label\n",
            "spec.hostname",
            5,
            "Not_A_Label",
            "RFC 1123 label"),
        Arguments.of(es + "addressType: IPv5\n", "addressType", 4, "IPv5", "Unsupported value"),
        Arguments.of(
            es + "addressType: IPv4\nendpoints:\n- addresses: []\n",
            "endpoints[0].addresses",
            6,
            null,
            "must contain at least 1 address"),
        Arguments.of(
            es + "addressType: IPv4\nendpoints:\n- addresses: [\"fd00::1\"]\n",
            "endpoints[0].addresses[0]",
            6,
            "fd00::1",
            "must be a valid IPv4 address"),
        Arguments.of(
            es + "addressType: IPv4\nports:\n- {name: a, port: 1}\n- {name: a, port: 2}\n",
            "ports[1].name",
            7,
            "a",
            "Duplicate value"),
        Arguments.of(
            "apiVersion: v1\nkind: Node\nmetadata: {name: n}\nspec:\n  podCIDRs: [10.0.0.1/24]\n",
            "spec.podCIDRs[0]",
            5,
            "10.0.0.1/24",
            "did you mean \\\"10.0.0.0/24\\\""));
  }

  @ParameterizedTest
  @MethodSource("invalidObjects")
  void rejectsInvalidObjectsWithFieldLineAndValue(
      String yaml, String field, int line, String value, String messagePart) {
    ManifestException e = error(yaml);
    assertEquals(field, e.field(), e.getMessage());
    assertEquals(line, e.line(), e.getMessage());
    assertEquals(Optional.ofNullable(value), e.value(), e.getMessage());
    assertTrue(
        e.getMessage().contains(messagePart.replace("\\\"", "\"")),
        () -> e.getMessage() + " lacks " + messagePart);
    assertTrue(e.getMessage().startsWith("m.yaml:" + line + ": "), e.getMessage());
  }
}
