package dev.k8snet.core.internal.manifest;

import dev.k8snet.core.model.KubernetesObject;
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

  static final Map<String, Kind> KINDS =
      Map.ofEntries(
          Map.entry(
              "Namespace", new Kind("v1", false, f -> Optional.of(CoreDecoders.namespace(f)))),
          Map.entry("Node", new Kind("v1", false, f -> Optional.of(CoreDecoders.node(f)))),
          Map.entry("Pod", new Kind("v1", true, f -> Optional.of(CoreDecoders.pod(f)))),
          Map.entry("Service", new Kind("v1", true, f -> Optional.of(CoreDecoders.service(f)))),
          Map.entry(
              "EndpointSlice", new Kind("discovery.k8s.io/v1", true, CoreDecoders::endpointSlice)));

  private Kinds() {}
}
