package dev.k8snet.core.model;

import java.util.Objects;
import java.util.Optional;

/**
 * Where an Ingress sends a request: a Service port in the Ingress's namespace, or a resource
 * reference whose meaning the controller defines.
 *
 * @since 0.1
 */
public sealed interface IngressBackend
    permits IngressBackend.ServiceBackend, IngressBackend.ResourceBackend {

  /**
   * A Service backend ({@code backend.service}).
   *
   * @param name the Service's name (same namespace as the Ingress)
   * @param port the Service port by number (the service port, not the target port) or by name
   * @since 0.1
   */
  record ServiceBackend(String name, PortRef port) implements IngressBackend {
    /**
     * Checks for nulls.
     *
     * @param name the Service's name (same namespace as the Ingress)
     * @param port the Service port by number (the service port, not the target port) or by name
     */
    public ServiceBackend {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(port, "port");
    }
  }

  /**
   * A resource backend ({@code backend.resource}), a typed reference to an object in the same
   * namespace.
   *
   * @param apiGroup the API group, if any (core otherwise)
   * @param kind the kind
   * @param name the name
   * @since 0.1
   */
  record ResourceBackend(Optional<String> apiGroup, String kind, String name)
      implements IngressBackend {
    /**
     * Checks for nulls.
     *
     * @param apiGroup the API group, if any (core otherwise)
     * @param kind the kind
     * @param name the name
     */
    public ResourceBackend {
      Objects.requireNonNull(apiGroup, "apiGroup");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(name, "name");
    }
  }

  /**
   * Returns a Service backend.
   *
   * @param name the service name
   * @param port the service port
   * @return the backend
   */
  static IngressBackend service(String name, PortRef port) {
    return new ServiceBackend(name, port);
  }
}
