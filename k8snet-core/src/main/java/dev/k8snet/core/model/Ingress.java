package dev.k8snet.core.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A Kubernetes Ingress (networking.k8s.io/v1): HTTP(S) routing by host and path to Services.
 *
 * @param metadata the metadata
 * @param ingressClassName {@code spec.ingressClassName}, if set
 * @param defaultBackend where requests matching no rule go, if set
 * @param tls the TLS entries
 * @param rules the rules, in order
 * @since 0.1
 */
public record Ingress(
    ObjectMeta metadata,
    Optional<String> ingressClassName,
    Optional<IngressBackend> defaultBackend,
    List<IngressTls> tls,
    List<IngressRule> rules)
    implements KubernetesObject {

  /** The deprecated annotation that named the class before {@code ingressClassName}. */
  public static final String CLASS_ANNOTATION = "kubernetes.io/ingress.class";

  /**
   * Checks nulls and copies the lists.
   *
   * @param metadata the metadata
   * @param ingressClassName {@code spec.ingressClassName}, if set
   * @param defaultBackend where requests matching no rule go, if set
   * @param tls the TLS entries
   * @param rules the rules, in order
   */
  public Ingress {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(ingressClassName, "ingressClassName");
    Objects.requireNonNull(defaultBackend, "defaultBackend");
    tls = List.copyOf(tls);
    rules = List.copyOf(rules);
  }

  /**
   * Returns the class this Ingress asks for: {@code ingressClassName}, or else the deprecated
   * {@value #CLASS_ANNOTATION} annotation, which controllers should still honour.
   *
   * @return the class name, or empty when the Ingress names none
   */
  public Optional<String> className() {
    return ingressClassName.or(
        () -> Optional.ofNullable(metadata.annotations().get(CLASS_ANNOTATION)));
  }

  /** Returns {@code Ingress}. */
  @Override
  public String kind() {
    return "Ingress";
  }
}
