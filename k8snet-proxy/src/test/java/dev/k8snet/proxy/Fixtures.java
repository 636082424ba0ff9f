package dev.k8snet.proxy;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.EndpointSlice;
import dev.k8snet.core.model.KubernetesObject;
import dev.k8snet.core.model.ObjectMeta;
import dev.k8snet.core.model.PortRef;
import dev.k8snet.core.model.Service;
import dev.k8snet.core.model.ServicePort;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** The upstream packet-tracer conventions and small builders for services and slices. */
final class Fixtures {
  static final String NODE = "test-node";
  static final ProxyNode NODE4 =
      new ProxyNode(
          NODE,
          List.of(
              ip("192.168.0.2"),
              ip("192.168.1.2"),
              ip("192.168.99.11"),
              ip("2001:db8::1"),
              ip("2001:db8:1::2")),
          Map.of("topology.kubernetes.io/zone", "zone-a"));
  static final ProxyConfig CONFIG =
      ProxyConfig.builder()
          .clusterCidrs(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00:10::/64")))
          .serviceCidrs(List.of(Cidr.parse("172.30.0.0/16"), Cidr.parse("fd00:10:96::/112")))
          .nodePortAddresses(List.of("192.168.0.2/32", "2001:db8::1/128"))
          .build();

  private Fixtures() {}

  static IpAddress ip(String s) {
    return IpAddress.parse(s);
  }

  static ServicePort port(String name, Protocol p, int port, int target, int nodePort) {
    return new ServicePort(
        name,
        p,
        port,
        PortRef.of(target),
        nodePort == 0 ? OptionalInt.empty() : OptionalInt.of(nodePort),
        Optional.empty());
  }

  /** An endpoint with conditions (r, s, t) on a node, with optional zone hints. */
  static EndpointSlice.Endpoint ep(
      String ip,
      boolean ready,
      boolean serving,
      boolean terminating,
      String node,
      String... zones) {
    return new EndpointSlice.Endpoint(
        List.of(ip(ip)),
        new EndpointSlice.Conditions(ready, serving, terminating),
        Optional.empty(),
        Optional.ofNullable(node),
        Optional.empty(),
        List.of(zones),
        List.of(),
        Optional.empty());
  }

  static EndpointSlice.Endpoint ready(String ip, String node) {
    return ep(ip, true, true, false, node);
  }

  static EndpointSlice slice(
      String ns, String svc, String portName, Protocol p, int port, EndpointSlice.Endpoint... eps) {
    IpFamily family = eps.length == 0 ? IpFamily.IPV4 : eps[0].addresses().get(0).family();
    return new EndpointSlice(
        ObjectMeta.of(
            ns,
            svc + "-" + portName + "-" + family.kubernetesName().toLowerCase(java.util.Locale.ROOT),
            Map.of(EndpointSlice.SERVICE_NAME_LABEL, svc)),
        family,
        List.of(eps),
        List.of(EndpointSlice.Port.of(portName, port, p)));
  }

  static ClusterState state(KubernetesObject... objects) {
    return ClusterState.of(1, new ArrayList<>(List.of(objects)));
  }

  static Service.Builder svc(String ns, String name, String clusterIp) {
    return Service.builder(ns, name).clusterIps(ip(clusterIp));
  }

  static ServiceTable table(ClusterState state) {
    return ServiceTable.build(state, NODE4, CONFIG, IpFamily.IPV4);
  }

  static ServiceTable table(ClusterState state, ProxyConfig config) {
    return ServiceTable.build(state, NODE4, config, IpFamily.IPV4);
  }
}
