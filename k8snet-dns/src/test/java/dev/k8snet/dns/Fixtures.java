package dev.k8snet.dns;

import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.EndpointSlice;
import dev.k8snet.core.model.KubernetesObject;
import dev.k8snet.core.model.ObjectMeta;
import dev.k8snet.core.model.Pod;
import dev.k8snet.core.model.Service;
import dev.k8snet.core.model.ServicePort;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A small cluster that exercises every record kind. */
final class Fixtures {
  private Fixtures() {}

  static IpAddress ip(String s) {
    return IpAddress.parse(s);
  }

  static EndpointSlice.Endpoint ep(String ip, boolean ready, String hostname) {
    return new EndpointSlice.Endpoint(
        List.of(ip(ip)),
        new EndpointSlice.Conditions(ready, ready, false),
        Optional.ofNullable(hostname),
        Optional.empty(),
        Optional.empty(),
        List.of(),
        List.of(),
        Optional.empty());
  }

  static EndpointSlice slice(
      String ns,
      String svc,
      String name,
      IpFamily family,
      List<EndpointSlice.Port> ports,
      EndpointSlice.Endpoint... eps) {
    return new EndpointSlice(
        ObjectMeta.of(ns, name, Map.of(EndpointSlice.SERVICE_NAME_LABEL, svc)),
        family,
        List.of(eps),
        ports);
  }

  static Service headless(String ns, String name, ServicePort... ports) {
    Service.Builder b = Service.builder(ns, name).headless();
    for (ServicePort p : ports) {
      b.port(p);
    }
    return b.build();
  }

  static List<KubernetesObject> objects() {
    List<KubernetesObject> o = new ArrayList<>();
    o.add(
        Service.builder("default", "web")
            .clusterIps(ip("10.96.0.10"))
            .port(ServicePort.of("http", Protocol.TCP, 80))
            .port(ServicePort.of("", Protocol.TCP, 8080))
            .build());
    o.add(
        Service.builder("default", "dual")
            .clusterIps(ip("10.96.0.11"), ip("fd00:10:96::11"))
            .port(ServicePort.of("dns", Protocol.UDP, 53))
            .port(ServicePort.of("dns-tcp", Protocol.TCP, 53))
            .build());
    List<EndpointSlice.Port> peer = List.of(EndpointSlice.Port.of("peer", 7000, Protocol.TCP));
    o.add(headless("default", "db", ServicePort.of("peer", Protocol.TCP, 7000)));
    o.add(
        slice(
            "default",
            "db",
            "db-abc",
            IpFamily.IPV4,
            peer,
            ep("10.244.1.5", true, "db-0"),
            ep("10.244.1.6", true, null),
            ep("10.244.1.7", false, "db-2")));
    o.add(headless("default", "empty"));
    o.add(slice("default", "empty", "empty-x", IpFamily.IPV4, peer, ep("10.244.1.9", false, null)));
    o.add(Service.builder("default", "unready").headless().publishNotReadyAddresses(true).build());
    o.add(
        slice(
            "default", "unready", "u-1", IpFamily.IPV4, List.of(), ep("10.244.3.1", false, null)));
    Service tolerate =
        Service.builder("default", "tolerate")
            .headless()
            .metadata(
                new ObjectMeta(
                    "default",
                    "tolerate",
                    Map.of(),
                    Map.of("service.alpha.kubernetes.io/tolerate-unready-endpoints", "true"),
                    "",
                    "",
                    Optional.empty()))
            .build();
    o.add(tolerate);
    o.add(
        slice(
            "default", "tolerate", "t-1", IpFamily.IPV4, List.of(), ep("10.244.3.2", false, null)));
    o.add(Service.builder("default", "ext").externalName("example.com").build());
    o.add(
        Service.builder("default", "alias").externalName("web.default.svc.cluster.local").build());
    o.add(
        Service.builder("default", "dangling")
            .externalName("nothere.default.svc.cluster.local")
            .build());
    o.add(
        Service.builder("default", "sts")
            .headless()
            .selector(Map.of("app", "sts"))
            .port(ServicePort.of("web", Protocol.TCP, 80))
            .build());
    o.add(
        Pod.builder("default", "sts-0")
            .labels(Map.of("app", "sts"))
            .hostname("sts-0", "sts")
            .podIps(ip("10.244.2.1"))
            .build());
    o.add(headless("other", "v6hl"));
    o.add(
        slice(
            "other",
            "v6hl",
            "v6-1",
            IpFamily.IPV6,
            List.of(EndpointSlice.Port.of("grpc", 9000, Protocol.TCP)),
            ep("2001:db8::5", true, null)));
    o.add(Pod.builder("other", "lonely").podIps(ip("10.244.4.4")).build());
    return o;
  }

  static ClusterState state() {
    return ClusterState.of(7, objects());
  }
}
