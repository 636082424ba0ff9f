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
 *
 * <p>{@link dev.k8snet.testkit.NetnsTest} (or {@code @ExtendWith(NetnsExtension.class)}) gives each
 * test a fresh named network namespace and removes it afterwards, also on failure; {@link
 * dev.k8snet.testkit.Privileged} marks privileged tests that need no namespace. Both run, skip or
 * fail by the system property {@code k8snet.privileged} ({@code auto}, {@code required}, {@code
 * off}; see {@link dev.k8snet.testkit.Privileges}).
 *
 * <pre>{@code
 * @NetnsTest(tools = "ip")
 * class VethTest {
 *   @Test
 *   void createsPair(NetworkNamespace ns, Netlink nl) {
 *     nl.addLink(LinkSpec.of("veth0", LinkKind.veth("veth1")));
 *     assertTrue(nl.link("veth1").isPresent());
 *   }
 * }
 * }</pre>
 */
package dev.k8snet.testkit;
