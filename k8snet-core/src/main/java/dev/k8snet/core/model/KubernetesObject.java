package dev.k8snet.core.model;

/**
 * A Kubernetes API object of one of the kinds k8snet models: an immutable record with its {@link
 * ObjectMeta}.
 *
 * @since 0.1
 */
public interface KubernetesObject {
  /**
   * Returns the object's metadata.
   *
   * @return the metadata
   */
  ObjectMeta metadata();

  /**
   * Returns the kind, as in manifests ({@code Service}, {@code NetworkPolicy}, …).
   *
   * @return the kind
   */
  String kind();

  /**
   * Returns the reference that identifies this object among the objects of its kind.
   *
   * @return kind, namespace (empty for cluster-scoped kinds) and name
   */
  default ObjectRef ref() {
    return new ObjectRef(kind(), metadata().namespace(), metadata().name());
  }
}
