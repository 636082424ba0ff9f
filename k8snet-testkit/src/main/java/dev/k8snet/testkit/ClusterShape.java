package dev.k8snet.testkit;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpFamily;
import java.util.Objects;
import java.util.Optional;

/**
 * The size and address plan of the clusters that {@link ClusterArbitraries#clusters(ClusterShape)}
 * generates: how many namespaces, nodes, pods, services and policies, and which blocks pod and
 * service addresses come from.
 *
 * <pre>{@code
 * ClusterShape shape =
 *     ClusterShape.defaults()
 *         .namespaces(1, 4)
 *         .podsPerNamespace(0, 10)
 *         .podCidr(Cidr.parse("10.244.0.0/16"), 24)
 *         .dualStack(true);
 * Arbitrary<ClusterState> clusters = ClusterArbitraries.clusters(shape);
 * }</pre>
 *
 * <p>Immutable: every setter returns a new shape. Counts are inclusive ranges; a setter throws
 * {@link IllegalArgumentException} for a negative count or {@code min > max}.
 *
 * @since 0.1
 */
public final class ClusterShape {
  private static final ClusterShape DEFAULTS =
      new ClusterShape(
          1,
          3,
          1,
          3,
          0,
          6,
          0,
          4,
          0,
          2,
          Cidr.parse("10.244.0.0/16"),
          24,
          Cidr.parse("10.96.0.0/16"),
          Optional.empty());

  private final int minNamespaces;
  private final int maxNamespaces;
  private final int minNodes;
  private final int maxNodes;
  private final int minPods;
  private final int maxPods;
  private final int minServices;
  private final int maxServices;
  private final int minPolicies;
  private final int maxPolicies;
  private final Cidr podCidr;
  private final int nodeCidrPrefix;
  private final Cidr serviceCidr;
  private final Optional<Boolean> dualStack;

  private ClusterShape(
      int minNamespaces,
      int maxNamespaces,
      int minNodes,
      int maxNodes,
      int minPods,
      int maxPods,
      int minServices,
      int maxServices,
      int minPolicies,
      int maxPolicies,
      Cidr podCidr,
      int nodeCidrPrefix,
      Cidr serviceCidr,
      Optional<Boolean> dualStack) {
    this.minNamespaces = minNamespaces;
    this.maxNamespaces = maxNamespaces;
    this.minNodes = minNodes;
    this.maxNodes = maxNodes;
    this.minPods = minPods;
    this.maxPods = maxPods;
    this.minServices = minServices;
    this.maxServices = maxServices;
    this.minPolicies = minPolicies;
    this.maxPolicies = maxPolicies;
    this.podCidr = podCidr;
    this.nodeCidrPrefix = nodeCidrPrefix;
    this.serviceCidr = serviceCidr;
    this.dualStack = dualStack;
  }

  /**
   * Returns the default shape: 1–3 namespaces, 1–3 nodes, 0–6 pods, 0–4 services and 0–2 network
   * policies per namespace, pod CIDR {@code 10.244.0.0/16} carved into {@code /24}s per node,
   * service CIDR {@code 10.96.0.0/16}, and single- and dual-stack clusters both.
   *
   * @return the default shape
   * @since 0.1
   */
  public static ClusterShape defaults() {
    return DEFAULTS;
  }

  /**
   * Returns this shape with {@code min..max} namespaces.
   *
   * @param min the fewest namespaces, at least 1
   * @param max the most namespaces
   * @return a new shape
   * @since 0.1
   */
  public ClusterShape namespaces(int min, int max) {
    checkRange("namespaces", min, max, 1);
    return new ClusterShape(
        min,
        max,
        minNodes,
        maxNodes,
        minPods,
        maxPods,
        minServices,
        maxServices,
        minPolicies,
        maxPolicies,
        podCidr,
        nodeCidrPrefix,
        serviceCidr,
        dualStack);
  }

  /**
   * Returns this shape with {@code min..max} nodes.
   *
   * @param min the fewest nodes, at least 1
   * @param max the most nodes; at most the number of node blocks in the pod CIDR
   * @return a new shape
   * @since 0.1
   */
  public ClusterShape nodes(int min, int max) {
    checkRange("nodes", min, max, 1);
    return new ClusterShape(
        minNamespaces,
        maxNamespaces,
        min,
        max,
        minPods,
        maxPods,
        minServices,
        maxServices,
        minPolicies,
        maxPolicies,
        podCidr,
        nodeCidrPrefix,
        serviceCidr,
        dualStack);
  }

  /**
   * Returns this shape with {@code min..max} pods in each namespace.
   *
   * @param min the fewest pods per namespace
   * @param max the most pods per namespace
   * @return a new shape
   * @since 0.1
   */
  public ClusterShape podsPerNamespace(int min, int max) {
    checkRange("podsPerNamespace", min, max, 0);
    return new ClusterShape(
        minNamespaces,
        maxNamespaces,
        minNodes,
        maxNodes,
        min,
        max,
        minServices,
        maxServices,
        minPolicies,
        maxPolicies,
        podCidr,
        nodeCidrPrefix,
        serviceCidr,
        dualStack);
  }

  /**
   * Returns this shape with {@code min..max} services in each namespace.
   *
   * @param min the fewest services per namespace
   * @param max the most services per namespace
   * @return a new shape
   * @since 0.1
   */
  public ClusterShape servicesPerNamespace(int min, int max) {
    checkRange("servicesPerNamespace", min, max, 0);
    return new ClusterShape(
        minNamespaces,
        maxNamespaces,
        minNodes,
        maxNodes,
        minPods,
        maxPods,
        min,
        max,
        minPolicies,
        maxPolicies,
        podCidr,
        nodeCidrPrefix,
        serviceCidr,
        dualStack);
  }

  /**
   * Returns this shape with {@code min..max} network policies in each namespace.
   *
   * @param min the fewest policies per namespace
   * @param max the most policies per namespace
   * @return a new shape
   * @since 0.1
   */
  public ClusterShape policiesPerNamespace(int min, int max) {
    checkRange("policiesPerNamespace", min, max, 0);
    return new ClusterShape(
        minNamespaces,
        maxNamespaces,
        minNodes,
        maxNodes,
        minPods,
        maxPods,
        minServices,
        maxServices,
        min,
        max,
        podCidr,
        nodeCidrPrefix,
        serviceCidr,
        dualStack);
  }

  /**
   * Returns this shape with IPv4 pod addresses from {@code cidr}, carved into one block of prefix
   * length {@code nodePrefix} per node.
   *
   * @param cidr the cluster CIDR, IPv4
   * @param nodePrefix the prefix length of each node's block, longer than the cluster CIDR's and at
   *     most 30
   * @return a new shape
   * @since 0.1
   */
  public ClusterShape podCidr(Cidr cidr, int nodePrefix) {
    Objects.requireNonNull(cidr, "cidr");
    if (cidr.family() != IpFamily.IPV4) {
      throw new IllegalArgumentException("podCidr: " + cidr + " (expected: an IPv4 block)");
    }
    if (nodePrefix <= cidr.prefixLength() || nodePrefix > 30) {
      throw new IllegalArgumentException(
          "nodePrefix: " + nodePrefix + " (expected: " + (cidr.prefixLength() + 1) + " ~ 30)");
    }
    return new ClusterShape(
        minNamespaces,
        maxNamespaces,
        minNodes,
        maxNodes,
        minPods,
        maxPods,
        minServices,
        maxServices,
        minPolicies,
        maxPolicies,
        cidr,
        nodePrefix,
        serviceCidr,
        dualStack);
  }

  /**
   * Returns this shape with IPv4 ClusterIPs from {@code cidr}.
   *
   * @param cidr the service CIDR, IPv4, at most a {@code /28}
   * @return a new shape
   * @since 0.1
   */
  public ClusterShape serviceCidr(Cidr cidr) {
    Objects.requireNonNull(cidr, "cidr");
    if (cidr.family() != IpFamily.IPV4 || cidr.prefixLength() > 28) {
      throw new IllegalArgumentException(
          "serviceCidr: " + cidr + " (expected: an IPv4 block of /28 or larger)");
    }
    return new ClusterShape(
        minNamespaces,
        maxNamespaces,
        minNodes,
        maxNodes,
        minPods,
        maxPods,
        minServices,
        maxServices,
        minPolicies,
        maxPolicies,
        podCidr,
        nodeCidrPrefix,
        cidr,
        dualStack);
  }

  /**
   * Returns this shape with dual-stack clusters always ({@code true}) or never ({@code false}).
   * Dual-stack clusters add IPv6 node blocks from {@code fd00:10:244::/56} and ClusterIPs from
   * {@code fd00:10:96::/112}. The default draws both.
   *
   * @param dualStack whether the cluster is dual-stack
   * @return a new shape
   * @since 0.1
   */
  public ClusterShape dualStack(boolean dualStack) {
    return new ClusterShape(
        minNamespaces,
        maxNamespaces,
        minNodes,
        maxNodes,
        minPods,
        maxPods,
        minServices,
        maxServices,
        minPolicies,
        maxPolicies,
        podCidr,
        nodeCidrPrefix,
        serviceCidr,
        Optional.of(dualStack));
  }

  int minNamespaces() {
    return minNamespaces;
  }

  int maxNamespaces() {
    return maxNamespaces;
  }

  int minNodes() {
    return minNodes;
  }

  int maxNodes() {
    return maxNodes;
  }

  int minPods() {
    return minPods;
  }

  int maxPods() {
    return maxPods;
  }

  int minServices() {
    return minServices;
  }

  int maxServices() {
    return maxServices;
  }

  int minPolicies() {
    return minPolicies;
  }

  int maxPolicies() {
    return maxPolicies;
  }

  /**
   * Returns the IPv4 cluster CIDR that node blocks are carved from.
   *
   * @return the pod CIDR
   * @since 0.1
   */
  public Cidr podCidr() {
    return podCidr;
  }

  /**
   * Returns the prefix length of each node's IPv4 block.
   *
   * @return the node prefix length
   * @since 0.1
   */
  public int nodeCidrPrefix() {
    return nodeCidrPrefix;
  }

  /**
   * Returns the IPv4 service CIDR.
   *
   * @return the service CIDR
   * @since 0.1
   */
  public Cidr serviceCidr() {
    return serviceCidr;
  }

  Optional<Boolean> dualStack() {
    return dualStack;
  }

  private static void checkRange(String what, int min, int max, int least) {
    if (min < least || max < min) {
      throw new IllegalArgumentException(
          what + ": " + min + ".." + max + " (expected: " + least + " <= min <= max)");
    }
  }

  @Override
  public String toString() {
    return "ClusterShape{namespaces="
        + minNamespaces
        + ".."
        + maxNamespaces
        + ", nodes="
        + minNodes
        + ".."
        + maxNodes
        + ", podsPerNamespace="
        + minPods
        + ".."
        + maxPods
        + ", servicesPerNamespace="
        + minServices
        + ".."
        + maxServices
        + ", policiesPerNamespace="
        + minPolicies
        + ".."
        + maxPolicies
        + ", podCidr="
        + podCidr
        + "/"
        + nodeCidrPrefix
        + ", serviceCidr="
        + serviceCidr
        + ", dualStack="
        + dualStack.map(String::valueOf).orElse("either")
        + "}";
  }
}
