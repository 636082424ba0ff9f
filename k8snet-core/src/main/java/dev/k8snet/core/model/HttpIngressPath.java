package dev.k8snet.core.model;

import java.util.Objects;

/**
 * One path of an Ingress rule ({@code http.paths[]}).
 *
 * @param path the path; starts with {@code /} unless the type is ImplementationSpecific (which may
 *     be {@code ""})
 * @param pathType how the path matches
 * @param backend where matching requests go
 * @since 0.1
 */
public record HttpIngressPath(String path, PathType pathType, IngressBackend backend) {
  /**
   * Checks nulls and that Exact and Prefix paths are absolute.
   *
   * @param path the path; starts with {@code /} unless the type is ImplementationSpecific (which
   *     may be {@code ""})
   * @param pathType how the path matches
   * @param backend where matching requests go
   * @throws IllegalArgumentException for a relative Exact or Prefix path
   */
  public HttpIngressPath {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(pathType, "pathType");
    Objects.requireNonNull(backend, "backend");
    if (pathType != PathType.IMPLEMENTATION_SPECIFIC && !path.startsWith("/")) {
      throw new IllegalArgumentException("path: \"" + path + "\" (expected: an absolute path)");
    }
  }
}
