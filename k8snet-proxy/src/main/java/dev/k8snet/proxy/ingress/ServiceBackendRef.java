package dev.k8snet.proxy.ingress;

import dev.k8snet.core.model.PortRef;
import java.util.Objects;

/**
 * A Service port an Ingress sends requests to.
 *
 * @param namespace the Service's namespace (the Ingress's)
 * @param name the Service's name
 * @param port the Service port, by number or name, as the Ingress wrote it
 * @since 0.1.0
 */
public record ServiceBackendRef(String namespace, String name, PortRef port) {
  /**
   * Checks nulls.
   *
   * @param namespace the Service's namespace (the Ingress's)
   * @param name the Service's name
   * @param port the Service port, by number or name, as the Ingress wrote it
   */
  public ServiceBackendRef {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(port, "port");
  }

  /**
   * Returns {@code namespace/name}.
   *
   * @return the Service's key
   */
  public String service() {
    return namespace + "/" + name;
  }

  /** Returns {@code namespace/name:port}. */
  @Override
  public String toString() {
    return service() + ":" + port;
  }
}
