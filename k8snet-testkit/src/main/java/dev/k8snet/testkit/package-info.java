/**
 * Test fixtures for downstream projects: jqwik arbitraries for k8snet's values and label selectors
 * ({@link dev.k8snet.testkit.K8snetArbitraries}, with {@code @ForAll} support and the constraint
 * annotations {@link dev.k8snet.testkit.Family @Family} and {@link
 * dev.k8snet.testkit.Within @Within}), for every Kubernetes model kind and for whole consistent
 * clusters ({@link dev.k8snet.testkit.ClusterArbitraries}, sized by {@link
 * dev.k8snet.testkit.ClusterShape}), a manifest renderer ({@link dev.k8snet.testkit.Manifests}),
 * and JUnit 5 extensions such as a fresh network namespace per test.
 *
 * <p>The testkit depends on {@code jqwik-api} and {@code junit-jupiter-api} (and, through
 * k8snet-core, Jackson); add the jqwik engine to your own test dependencies.
 */
package dev.k8snet.testkit;
