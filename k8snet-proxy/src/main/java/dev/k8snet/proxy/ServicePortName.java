package dev.k8snet.proxy;

import dev.k8snet.core.Protocol;
import java.util.Comparator;
import java.util.Objects;

/**
 * Names one port of one service, as kube-proxy's {@code ServicePortName}: namespace, name, port
 * name and protocol. Its text form is {@code namespace/name:port/protocol} (port name may be
 * empty).
 *
 * @param namespace the service's namespace
 * @param name the service's name
 * @param port the port's name, empty for a single unnamed port
 * @param protocol the protocol
 * @since 0.1.0
 */
public record ServicePortName(String namespace, String name, String port, Protocol protocol)
    implements Comparable<ServicePortName> {

  private static final Comparator<ServicePortName> ORDER =
      Comparator.comparing(ServicePortName::namespace)
          .thenComparing(ServicePortName::name)
          .thenComparing(ServicePortName::port)
          .thenComparing(ServicePortName::protocol);

  /**
   * Validates.
   *
   * @param namespace the service's namespace
   * @param name the service's name
   * @param port the port's name, empty for a single unnamed port
   * @param protocol the protocol
   */
  public ServicePortName {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(port, "port");
    Objects.requireNonNull(protocol, "protocol");
  }

  /**
   * Returns {@code namespace/name}.
   *
   * @return the service's namespaced name
   */
  public String service() {
    return namespace + "/" + name;
  }

  @Override
  public int compareTo(ServicePortName o) {
    return ORDER.compare(this, o);
  }

  @Override
  public String toString() {
    return namespace + "/" + name + ":" + port + "/" + protocol;
  }
}
