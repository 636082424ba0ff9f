package dev.k8snet.proxy.ingress;

import static dev.k8snet.proxy.ingress.Manifests.OUR_CLASS;
import static dev.k8snet.proxy.ingress.Manifests.backends;
import static dev.k8snet.proxy.ingress.Manifests.state;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.k8snet.core.cluster.ClusterState;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * features/ingress_class.feature and the default class. (Ingress v1 routing, facts from
 * kubernetes-sigs/ingress-controller-conformance).
 */
class IngressRoutesClassesTest {
  static String ingress(String name, String classLine) {
    return """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {namespace: default, name: %s}
        spec:
          %s
          defaultBackend: {service: {name: echo, port: {number: 8080}}}
        """
        .formatted(name, classLine);
  }

  static String klass(String name, String controller, boolean dflt, String created) {
    return """
        apiVersion: networking.k8s.io/v1
        kind: IngressClass
        metadata:
          name: %s
          creationTimestamp: "%s"
          annotations: {ingressclass.kubernetes.io/is-default-class: "%s"}
        spec: {controller: %s}
        """
        .formatted(name, created, dflt, controller);
  }

  @Test
  void onlyIngressesOfOurClassAreServed() {
    ClusterState s =
        state(
            klass("k8snet", "k8snet.io/ingress-controller", false, "2024-01-01T00:00:00Z"),
            klass("nginx", "k8s.io/ingress-nginx", false, "2024-01-01T00:00:00Z"),
            backends("echo"),
            ingress("ours", "ingressClassName: k8snet"),
            ingress("theirs", "ingressClassName: nginx"),
            ingress("unknown", "ingressClassName: missing"),
            ingress("classless", ""));
    assertEquals(
        List.of("default/ours"),
        IngressRoutes.compile(s, IngressSettings.DEFAULT).servedIngresses());
  }

  @Test
  void theLegacyAnnotationNamesTheClassToo() {
    ClusterState s =
        state(
            OUR_CLASS,
            backends("echo"),
            """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              namespace: default
              name: legacy
              annotations: {kubernetes.io/ingress.class: k8snet}
            spec:
              defaultBackend: {service: {name: echo, port: {number: 8080}}}
            """);
    assertEquals(
        List.of("default/legacy"),
        IngressRoutes.compile(s, IngressSettings.DEFAULT).servedIngresses());
  }

  @Test
  void classlessIngressesGetTheNewestDefaultClass() {
    ClusterState ours =
        state(
            klass("old", "k8s.io/ingress-nginx", true, "2024-01-01T00:00:00Z"),
            klass("new", "k8snet.io/ingress-controller", true, "2025-01-01T00:00:00Z"),
            backends("echo"),
            ingress("classless", ""));
    assertEquals(
        List.of("default/classless"),
        IngressRoutes.compile(ours, IngressSettings.DEFAULT).servedIngresses());
    ClusterState theirs =
        state(
            klass("old", "k8snet.io/ingress-controller", true, "2024-01-01T00:00:00Z"),
            klass("new", "k8s.io/ingress-nginx", true, "2025-01-01T00:00:00Z"),
            backends("echo"),
            ingress("classless", ""));
    assertEquals(
        List.of(), IngressRoutes.compile(theirs, IngressSettings.DEFAULT).servedIngresses());
  }
}
