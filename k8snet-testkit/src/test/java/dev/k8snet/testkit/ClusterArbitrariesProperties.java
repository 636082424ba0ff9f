package dev.k8snet.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.manifest.ManifestReader;
import dev.k8snet.core.model.AdminNetworkPolicy;
import dev.k8snet.core.model.BaselineAdminNetworkPolicy;
import dev.k8snet.core.model.ClusterNetworkPolicy;
import dev.k8snet.core.model.EndpointSlice;
import dev.k8snet.core.model.Ingress;
import dev.k8snet.core.model.IngressClass;
import dev.k8snet.core.model.KubernetesObject;
import dev.k8snet.core.model.Namespace;
import dev.k8snet.core.model.NetworkPolicy;
import dev.k8snet.core.model.Node;
import dev.k8snet.core.model.Pod;
import dev.k8snet.core.model.Secret;
import dev.k8snet.core.model.Service;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Every generated object is one the API server accepts: rendered as a manifest and read back with
 * the API server's defaulting and validation, it is equal to itself.
 */
class ClusterArbitrariesProperties {
  private static final ManifestReader READER = ManifestReader.create();

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reads the object's YAML rendering, and its tree written as JSON, back as itself. */
  private static void assertRoundTrips(KubernetesObject object) {
    String yaml = Manifests.toYaml(object);
    String json;
    try {
      json = JSON.writeValueAsString(Manifests.toTree(object));
    } catch (JsonProcessingException e) {
      throw new AssertionError(e);
    }
    for (String text : List.of(yaml, json)) {
      ManifestReader.Result result = READER.readString("generated", text);
      assertTrue(result.errors().isEmpty(), () -> result.errors() + "\n" + text);
      assertEquals(List.of(object), result.objects(), text);
    }
  }

  @Property(tries = 50)
  void namespacesRoundTrip(@ForAll Namespace namespace) {
    assertRoundTrips(namespace);
  }

  @Property(tries = 50)
  void nodesRoundTrip(@ForAll Node node) {
    assertRoundTrips(node);
  }

  @Property(tries = 100)
  void podsRoundTrip(@ForAll Pod pod) {
    assertRoundTrips(pod);
  }

  @Property(tries = 200)
  void servicesRoundTrip(@ForAll Service service) {
    assertRoundTrips(service);
  }

  @Property(tries = 100)
  void endpointSlicesRoundTrip(@ForAll EndpointSlice slice) {
    assertRoundTrips(slice);
  }

  @Property(tries = 100)
  void networkPoliciesRoundTrip(@ForAll NetworkPolicy policy) {
    assertRoundTrips(policy);
  }

  @Property(tries = 100)
  void adminNetworkPoliciesRoundTrip(@ForAll AdminNetworkPolicy policy) {
    assertRoundTrips(policy);
  }

  @Property(tries = 50)
  void baselineAdminNetworkPoliciesRoundTrip(@ForAll BaselineAdminNetworkPolicy policy) {
    assertRoundTrips(policy);
  }

  @Property(tries = 100)
  void clusterNetworkPoliciesRoundTrip(@ForAll ClusterNetworkPolicy policy) {
    assertRoundTrips(policy);
  }

  @Property(tries = 100)
  void ingressesRoundTrip(@ForAll Ingress ingress) {
    assertRoundTrips(ingress);
  }

  @Property(tries = 50)
  void ingressClassesRoundTrip(@ForAll IngressClass ingressClass) {
    assertRoundTrips(ingressClass);
  }

  @Property(tries = 50)
  void secretsRoundTrip(@ForAll Secret secret) {
    assertRoundTrips(secret);
  }

  @Property(tries = 40)
  void clustersRoundTripAsOneManifestStream(@ForAll ClusterState cluster) {
    String yaml = Manifests.toYaml(cluster.objects());
    ManifestReader.Result result = READER.readString("cluster.yaml", yaml);
    assertTrue(result.errors().isEmpty(), () -> result.errors().toString());
    assertEquals(cluster, ClusterState.of(1, result.objects()));
  }
}
