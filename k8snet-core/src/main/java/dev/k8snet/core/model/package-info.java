/**
 * The Kubernetes objects k8snet consumes, as immutable records: Namespace, Node, Pod, Service,
 * EndpointSlice, NetworkPolicy, the admin network policies, Ingress, IngressClass and Secret, with
 * label selectors and metadata.
 *
 * <p>Records never hold nulls: absent values are {@link java.util.Optional}s and collections are
 * unmodifiable copies. Compact constructors check invariants and throw {@link
 * IllegalArgumentException} naming the field; the full API-server validation, with field paths and
 * lines, happens in {@code dev.k8snet.core.manifest}.
 */
package dev.k8snet.core.model;
