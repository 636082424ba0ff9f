package dev.k8snet.proxy.ingress;

import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.manifest.ManifestReader;
import java.util.ArrayList;
import java.util.List;

/** Small YAML builders for Ingress tests: classes, services with endpoints, Ingresses. */
final class Manifests {
  private Manifests() {}

  static final String OUR_CLASS =
      """
      apiVersion: networking.k8s.io/v1
      kind: IngressClass
      metadata: {name: k8snet}
      spec: {controller: k8snet.io/ingress-controller}
      """;

  /** A Service with one TCP port (named {@code http}) and a slice of ready endpoints. */
  static String service(String ns, String name, int port, int targetPort, String... ips) {
    return service(ns, name, port, "http", targetPort, true, ips);
  }

  static String service(
      String ns,
      String name,
      int port,
      String portName,
      int targetPort,
      boolean ready,
      String... ips) {
    StringBuilder eps = new StringBuilder();
    for (String ip : ips) {
      eps.append("  - addresses: [\"")
          .append(ip)
          .append("\"]\n    conditions: {ready: ")
          .append(ready)
          .append("}\n");
    }
    String family = ips.length > 0 && ips[0].contains(":") ? "IPv6" : "IPv4";
    return "apiVersion: v1\nkind: Service\nmetadata: {namespace: "
        + ns
        + ", name: "
        + name
        + "}\nspec:\n  clusterIP: 172.30."
        + (Math.abs(name.hashCode()) % 250)
        + "."
        + (Math.abs((ns + name).hashCode()) % 250 + 1)
        + "\n  ports:\n  - {name: "
        + portName
        + ", port: "
        + port
        + ", targetPort: "
        + targetPort
        + "}\n---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  namespace: "
        + ns
        + "\n  name: "
        + name
        + "-abc\n  labels: {kubernetes.io/service-name: "
        + name
        + "}\naddressType: "
        + family
        + "\nports:\n- {name: "
        + portName
        + ", port: "
        + targetPort
        + ", protocol: TCP}\nendpoints:\n"
        + (ips.length == 0 ? " []\n" : "\n" + eps);
  }

  /** Services named {@code names} in {@code default}, port 8080 to 10.0.0.1, .2, … port 80. */
  static String backends(String... names) {
    StringBuilder b = new StringBuilder();
    int i = 1;
    for (String n : names) {
      b.append(service("default", n, 8080, 80, "10.0.0." + i++)).append("\n---\n");
    }
    return b.toString();
  }

  /** The Service name a result routes to, or {@code -}. */
  static String backendName(RouteResult r) {
    return r.backend().map(ServiceBackendRef::name).orElse("-");
  }

  /** Reads documents (joined with ---) into a snapshot; fails on any invalid object. */
  static ClusterState state(String... docs) {
    List<String> parts = new ArrayList<>(List.of(docs));
    ManifestReader.Result r =
        ManifestReader.create().readString("test.yaml", String.join("\n---\n", parts));
    if (!r.isValid()) {
      throw new AssertionError(r.errors().toString());
    }
    return ClusterState.of(1, r.objects());
  }
}
