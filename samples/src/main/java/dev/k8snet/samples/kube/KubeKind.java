package dev.k8snet.samples.kube;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.List;
import java.util.Locale;

/**
 * One kind that {@link KubernetesClusterSource} watches: its API group version, kind, resource name
 * and scope, and whether the cluster may not serve it (the admin policy kinds are CRDs that a
 * cluster may lack; the source then runs without them).
 *
 * @param apiVersion e.g. {@code v1} or {@code discovery.k8s.io/v1}
 * @param kind e.g. {@code EndpointSlice}
 * @param plural the resource, e.g. {@code endpointslices}
 * @param namespaced whether objects live in namespaces
 * @param optional whether a cluster that does not serve the kind is fine
 */
public record KubeKind(
    String apiVersion, String kind, String plural, boolean namespaced, boolean optional) {

  /**
   * The kinds the node stack reads, each converted to the core model by the manifest reader: the
   * ones every subsystem needs (Namespace, Node, Pod, Service, EndpointSlice), policy
   * (NetworkPolicy and the policy.networking.k8s.io admin kinds) and Ingress routing (Ingress,
   * IngressClass). Secrets are not watched: TLS for Ingress needs a narrower, per-secret grant.
   */
  public static final List<KubeKind> NODE_STACK =
      List.of(
          new KubeKind("v1", "Namespace", "namespaces", false, false),
          new KubeKind("v1", "Node", "nodes", false, false),
          new KubeKind("v1", "Pod", "pods", true, false),
          new KubeKind("v1", "Service", "services", true, false),
          new KubeKind("discovery.k8s.io/v1", "EndpointSlice", "endpointslices", true, false),
          new KubeKind("networking.k8s.io/v1", "NetworkPolicy", "networkpolicies", true, false),
          new KubeKind("networking.k8s.io/v1", "Ingress", "ingresses", true, false),
          new KubeKind("networking.k8s.io/v1", "IngressClass", "ingressclasses", false, false),
          new KubeKind(
              "policy.networking.k8s.io/v1alpha1",
              "AdminNetworkPolicy",
              "adminnetworkpolicies",
              false,
              true),
          new KubeKind(
              "policy.networking.k8s.io/v1alpha1",
              "BaselineAdminNetworkPolicy",
              "baselineadminnetworkpolicies",
              false,
              true),
          new KubeKind(
              "policy.networking.k8s.io/v1alpha2",
              "ClusterNetworkPolicy",
              "clusternetworkpolicies",
              false,
              true));

  /** Checks the fields. */
  public KubeKind {
    if (apiVersion.isEmpty() || kind.isEmpty() || !plural.equals(plural.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException(
          "kind: " + apiVersion + " " + kind + " " + plural + " (expected: lower-case plural)");
    }
  }

  /** The API group, empty for the core group. */
  String group() {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }

  /** The version within the group. */
  String version() {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
  }

  ResourceDefinitionContext context() {
    return new ResourceDefinitionContext.Builder()
        .withGroup(group())
        .withVersion(version())
        .withKind(kind)
        .withPlural(plural)
        .withNamespaced(namespaced)
        .build();
  }

  /** Returns {@code Kind (apiVersion)}. */
  @Override
  public String toString() {
    return kind + " (" + apiVersion + ")";
  }
}
