package dev.k8snet.core.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One TLS entry of an Ingress ({@code spec.tls[]}).
 *
 * @param hosts the hosts the certificate serves (SNI names)
 * @param secretName the {@code kubernetes.io/tls} Secret in the Ingress's namespace; empty for SNI
 *     routing alone
 * @since 0.1
 */
public record IngressTls(List<String> hosts, Optional<String> secretName) {
  /**
   * Checks nulls and copies the list.
   *
   * @param hosts the hosts the certificate serves (SNI names)
   * @param secretName the {@code kubernetes.io/tls} Secret in the Ingress's namespace; empty for
   *     SNI routing alone
   */
  public IngressTls {
    hosts = List.copyOf(hosts);
    Objects.requireNonNull(secretName, "secretName");
  }
}
