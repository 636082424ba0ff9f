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
  private static final ClusterShape DEFAULTS = new ClusterShape();

  // Not final so that the setters can fill in a copy; never changed once a shape is returned.
  private int minNamespaces = 1;
  private int maxNamespaces = 3;
  private int minNodes = 1;
  private int maxNodes = 3;
  private int minPods = 0;
  private int maxPods = 6;
  private int minServices = 0;
  private int maxServices = 4;
  private int minPolicies = 0;
  private int maxPolicies = 2;
  private int minIngresses = 0;
  private int maxIngresses = 1;
  private int minAdminPolicies = 0;
  private int maxAdminPolicies = 2;
  private Cidr podCidr = Cidr.parse("10.244.0.0/16");
  private int nodeCidrPrefix = 24;
  private Cidr serviceCidr = Cidr.parse("10.96.0.0/16");
  private Optional<Boolean> dualStack = Optional.empty();

  private ClusterShape() {}

  private ClusterShape copy() {
    ClusterShape c = new ClusterShape();
    c.minNamespaces = minNamespaces;
    c.maxNamespaces = maxNamespaces;
    c.minNodes = minNodes;
    c.maxNodes = maxNodes;
    c.minPods = minPods;
    c.maxPods = maxPods;
    c.minServices = minServices;
    c.maxServices = maxServices;
    c.minPolicies = minPolicies;
    c.maxPolicies = maxPolicies;
    c.minIngresses = minIngresses;
    c.maxIngresses = maxIngresses;
    c.minAdminPolicies = minAdminPolicies;
    c.maxAdminPolicies = maxAdminPolicies;
    c.podCidr = podCidr;
    c.nodeCidrPrefix = nodeCidrPrefix;
    c.serviceCidr = serviceCidr;
    c.dualStack = dualStack;
    return c;
  }

  /**
   * Returns the default shape: 1–3 namespaces, 1–3 nodes, 0–6 pods, 0–4 services, 0–2 network
   * policies and 0–1 ingresses per namespace, 0–2 admin policies, pod CIDR {@code 10.244.0.0/16}
   * carved into {@code /24}s per node, service CIDR {@code 10.96.0.0/16}, and single- and
   * dual-stack clusters both.
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
    ClusterShape c = copy();
    c.minNamespaces = min;
    c.maxNamespaces = max;
    return c;
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
    ClusterShape c = copy();
    c.minNodes = min;
    c.maxNodes = max;
    return c;
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
    ClusterShape c = copy();
    c.minPods = min;
    c.maxPods = max;
    return c;
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
    ClusterShape c = copy();
    c.minServices = min;
    c.maxServices = max;
    return c;
  }

  /**
   * Returns this shape with {@code min..max} network policies in each namespace.
   *
   * @param min the fewest network policies per namespace
   * @param max the most network policies per namespace
   * @return a new shape
   * @since 0.1
   */
  public ClusterShape policiesPerNamespace(int min, int max) {
    checkRange("policiesPerNamespace", min, max, 0);
    ClusterShape c = copy();
    c.minPolicies = min;
    c.maxPolicies = max;
    return c;
  }

  /**
   * Returns this shape with {@code min..max} ingresses in each namespace, whose backends are ports
   * of services in that namespace (a namespace without services gets none).
   *
   * @param min the fewest ingresses per namespace that has services
   * @param max the most ingresses per namespace
   * @return a new shape
   * @since 0.1
   */
  public ClusterShape ingressesPerNamespace(int min, int max) {
    checkRange("ingressesPerNamespace", min, max, 0);
    ClusterShape c = copy();
    c.minIngresses = min;
    c.maxIngresses = max;
    return c;
  }

  /**
   * Returns this shape with {@code min..max} cluster-wide admin policies: AdminNetworkPolicies, and
   * at most one BaselineAdminNetworkPolicy, whose subjects and peers select existing namespace and
   * pod labels.
   *
   * @param min the fewest admin policies
   * @param max the most admin policies, at most 100 (each gets its own priority)
   * @return a new shape
   * @since 0.1
   */
  public ClusterShape adminPolicies(int min, int max) {
    checkRange("adminPolicies", min, max, 0);
    ClusterShape c = copy();
    c.minAdminPolicies = min;
    c.maxAdminPolicies = max;
    return c;
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
    ClusterShape c = copy();
    c.podCidr = cidr;
    c.nodeCidrPrefix = nodePrefix;
    return c;
  }

  /**
   * Returns this shape with IPv4 ClusterIPs from {@code cidr}.
   *
   * @param cidr the service CIDR, IPv4, at least a {@code /28}; {@link
   *     ClusterArbitraries#clusters(ClusterShape)} checks that it holds every service
   * @return a new shape
   * @since 0.1
   */
  public ClusterShape serviceCidr(Cidr cidr) {
    Objects.requireNonNull(cidr, "cidr");
    if (cidr.family() != IpFamily.IPV4 || cidr.prefixLength() > 28) {
      throw new IllegalArgumentException(
          "serviceCidr: " + cidr + " (expected: an IPv4 block of /28 or larger)");
    }
    ClusterShape c = copy();
    c.serviceCidr = cidr;
    return c;
  }

  /**
   * Returns this shape with dual-stack clusters always ({@code true}) or never ({@code false}).
   * Dual-stack clusters add IPv6 node blocks ({@code /64}s of {@code fd00:10:244::/56}) and
   * ClusterIPs from {@code fd00:10:96::/112}. The default draws both.
   *
   * @param dualStack whether the cluster is dual-stack
   * @return a new shape
   * @since 0.1
   */
  public ClusterShape dualStack(boolean dualStack) {
    ClusterShape c = copy();
    c.dualStack = Optional.of(dualStack);
    return c;
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

  int minIngresses() {
    return minIngresses;
  }

  int maxIngresses() {
    return maxIngresses;
  }

  int minAdminPolicies() {
    return minAdminPolicies;
  }

  int maxAdminPolicies() {
    return maxAdminPolicies;
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
        + range(minNamespaces, maxNamespaces)
        + ", nodes="
        + range(minNodes, maxNodes)
        + ", podsPerNamespace="
        + range(minPods, maxPods)
        + ", servicesPerNamespace="
        + range(minServices, maxServices)
        + ", policiesPerNamespace="
        + range(minPolicies, maxPolicies)
        + ", ingressesPerNamespace="
        + range(minIngresses, maxIngresses)
        + ", adminPolicies="
        + range(minAdminPolicies, maxAdminPolicies)
        + ", podCidr="
        + podCidr
        + " per node /"
        + nodeCidrPrefix
        + ", serviceCidr="
        + serviceCidr
        + ", dualStack="
        + dualStack.map(String::valueOf).orElse("either")
        + "}";
  }

  private static String range(int min, int max) {
    return min + ".." + max;
  }
}
