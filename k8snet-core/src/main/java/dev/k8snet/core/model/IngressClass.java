package dev.k8snet.core.model;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * A Kubernetes IngressClass (networking.k8s.io/v1): which controller serves the Ingresses of a
 * class, and whether the class is the cluster's default.
 *
 * @param metadata the metadata (cluster-scoped)
 * @param controller {@code spec.controller}, a domain-prefixed path such as {@code
 *     k8snet.dev/ingress}
 * @param isDefault whether the annotation {@value #DEFAULT_ANNOTATION} is {@code "true"}
 * @since 0.1
 */
public record IngressClass(ObjectMeta metadata, String controller, boolean isDefault)
    implements KubernetesObject {
  /** The annotation that marks the default class. */
  public static final String DEFAULT_ANNOTATION = "ingressclass.kubernetes.io/is-default-class";

  /**
   * Checks nulls.
   *
   * @param metadata the metadata (cluster-scoped)
   * @param controller {@code spec.controller}, a domain-prefixed path such as {@code
   *     k8snet.dev/ingress}
   * @param isDefault whether the annotation {@value #DEFAULT_ANNOTATION} is {@code "true"}
   */
  public IngressClass {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(controller, "controller");
  }

  /** Returns {@code IngressClass}. */
  @Override
  public String kind() {
    return "IngressClass";
  }

  /**
   * Returns the class the API server's DefaultIngressClass admission would give an Ingress created
   * without a class: among the classes marked default, the newest by {@code creationTimestamp} (a
   * class without one counts as oldest), ties going to the lower name.
   *
   * @param classes the cluster's classes
   * @return the default class, or empty when none is marked default
   */
  public static Optional<IngressClass> defaultClass(Collection<IngressClass> classes) {
    Comparator<IngressClass> newestFirst =
        Comparator.comparing(
                (IngressClass c) -> c.metadata().creationTimestamp().orElse(Instant.MIN))
            .reversed()
            .thenComparing(c -> c.metadata().name());
    return classes.stream().filter(IngressClass::isDefault).min(newestFirst);
  }
}
