package dev.k8snet.core.internal.manifest;

import dev.k8snet.core.model.KubernetesObject;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** The kinds k8snet reads: their apiVersion, scope and decoder. */
final class Kinds {
  /** One supported kind. */
  record Kind(
      String apiVersion,
      boolean namespaced,
      Function<Field, Optional<? extends KubernetesObject>> decoder) {}

  static final Map<String, Kind> KINDS = kinds();

  private Kinds() {}

  private static Map<String, Kind> kinds() {
    Map<String, Kind> m = new HashMap<>();
    m.put("Namespace", always("v1", false, CoreDecoders::namespace));
    m.put("Node", always("v1", false, CoreDecoders::node));
    m.put("Pod", always("v1", true, CoreDecoders::pod));
    m.put("Service", always("v1", true, CoreDecoders::service));
    m.put("EndpointSlice", new Kind("discovery.k8s.io/v1", true, CoreDecoders::endpointSlice));
    m.put("NetworkPolicy", always("networking.k8s.io/v1", true, NetworkingDecoders::networkPolicy));
    m.put("Secret", always("v1", true, CoreDecoders::secret));
    m.put("Ingress", always("networking.k8s.io/v1", true, NetworkingDecoders::ingress));
    m.put("IngressClass", always("networking.k8s.io/v1", false, NetworkingDecoders::ingressClass));
    String policy = "policy.networking.k8s.io/";
    m.put(
        "AdminNetworkPolicy",
        always(policy + "v1alpha1", false, PolicyDecoders::adminNetworkPolicy));
    m.put(
        "BaselineAdminNetworkPolicy",
        always(policy + "v1alpha1", false, PolicyDecoders::baselineAdminNetworkPolicy));
    m.put(
        "ClusterNetworkPolicy",
        always(policy + "v1alpha2", false, PolicyDecoders::clusterNetworkPolicy));
    return Map.copyOf(m);
  }

  private static Kind always(
      String apiVersion, boolean namespaced, Function<Field, ? extends KubernetesObject> decoder) {
    return new Kind(apiVersion, namespaced, f -> Optional.of(decoder.apply(f)));
  }
}
