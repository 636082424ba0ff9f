package dev.k8snet.core.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One Ingress rule ({@code spec.rules[]}): a host (precise, or a {@code *.} wildcard covering one
 * label) and its HTTP paths.
 *
 * @param host the host; empty matches every host
 * @param paths the paths, in order
 * @since 0.1
 */
public record IngressRule(Optional<String> host, List<HttpIngressPath> paths) {
  /**
   * Checks nulls and copies the list.
   *
   * @param host the host; empty matches every host
   * @param paths the paths, in order
   */
  public IngressRule {
    Objects.requireNonNull(host, "host");
    paths = List.copyOf(paths);
  }
}
