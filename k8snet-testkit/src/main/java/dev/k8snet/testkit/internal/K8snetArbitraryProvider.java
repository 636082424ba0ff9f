package dev.k8snet.testkit.internal;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.IpRange;
import dev.k8snet.core.MacAddress;
import dev.k8snet.core.PortRange;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.AdminNetworkPolicy;
import dev.k8snet.core.model.BaselineAdminNetworkPolicy;
import dev.k8snet.core.model.ClusterNetworkPolicy;
import dev.k8snet.core.model.EndpointSlice;
import dev.k8snet.core.model.Ingress;
import dev.k8snet.core.model.IngressClass;
import dev.k8snet.core.model.LabelSelector;
import dev.k8snet.core.model.LabelSelectorRequirement;
import dev.k8snet.core.model.Namespace;
import dev.k8snet.core.model.NetworkPolicy;
import dev.k8snet.core.model.Node;
import dev.k8snet.core.model.ObjectMeta;
import dev.k8snet.core.model.Pod;
import dev.k8snet.core.model.Secret;
import dev.k8snet.core.model.Service;
import dev.k8snet.testkit.ClusterArbitraries;
import dev.k8snet.testkit.Family;
import dev.k8snet.testkit.K8snetArbitraries;
import dev.k8snet.testkit.Within;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.providers.ArbitraryProvider;
import net.jqwik.api.providers.TypeUsage;

/**
 * Makes {@code @ForAll} work for k8snet's values and selectors, honouring {@link Family} and {@link
 * Within}, and for the model kinds and {@code ClusterState} (see {@code ClusterArbitraries}).
 * Registered in {@code META-INF/services/net.jqwik.api.providers.ArbitraryProvider}. Protocols and
 * families are enums, which jqwik generates without help.
 */
public final class K8snetArbitraryProvider implements ArbitraryProvider {
  private static final Set<Class<?>> TYPES =
      Set.of(
          IpAddress.class,
          Cidr.class,
          IpRange.class,
          PortRange.class,
          MacAddress.class,
          LabelSelector.class,
          LabelSelectorRequirement.class,
          ObjectMeta.class);

  /** The model kinds, each with its arbitrary; {@code @Family} and {@code @Within} do not apply. */
  private static final Map<Class<?>, Supplier<Arbitrary<?>>> MODEL =
      Map.ofEntries(
          Map.entry(Namespace.class, ClusterArbitraries::namespaces),
          Map.entry(Node.class, ClusterArbitraries::nodes),
          Map.entry(Pod.class, ClusterArbitraries::pods),
          Map.entry(Service.class, ClusterArbitraries::services),
          Map.entry(EndpointSlice.class, ClusterArbitraries::endpointSlices),
          Map.entry(NetworkPolicy.class, ClusterArbitraries::networkPolicies),
          Map.entry(AdminNetworkPolicy.class, ClusterArbitraries::adminNetworkPolicies),
          Map.entry(
              BaselineAdminNetworkPolicy.class, ClusterArbitraries::baselineAdminNetworkPolicies),
          Map.entry(ClusterNetworkPolicy.class, ClusterArbitraries::clusterNetworkPolicies),
          Map.entry(Ingress.class, ClusterArbitraries::ingresses),
          Map.entry(IngressClass.class, ClusterArbitraries::ingressClasses),
          Map.entry(Secret.class, ClusterArbitraries::secrets),
          Map.entry(ClusterState.class, ClusterArbitraries::clusters));

  @Override
  public boolean canProvideFor(TypeUsage targetType) {
    return TYPES.stream().anyMatch(targetType::isOfType)
        || MODEL.keySet().stream().anyMatch(targetType::isOfType);
  }

  @Override
  public Set<Arbitrary<?>> provideFor(TypeUsage targetType, SubtypeProvider subtypeProvider) {
    for (Map.Entry<Class<?>, Supplier<Arbitrary<?>>> e : MODEL.entrySet()) {
      if (targetType.isOfType(e.getKey())) {
        return Set.of(e.getValue().get());
      }
    }
    Optional<IpFamily> family = targetType.findAnnotation(Family.class).map(Family::value);
    Optional<Cidr> within = targetType.findAnnotation(Within.class).map(w -> Cidr.parse(w.value()));
    if (family.isPresent() && within.isPresent() && within.get().family() != family.get()) {
      throw new IllegalArgumentException(
          "@Family: " + family.get() + " (expected: the family of @Within " + within.get() + ")");
    }
    Arbitrary<?> arbitrary;
    if (targetType.isOfType(IpAddress.class)) {
      arbitrary =
          within.isPresent()
              ? K8snetArbitraries.addressesIn(within.get())
              : family
                  .map(K8snetArbitraries::ipAddresses)
                  .orElseGet(K8snetArbitraries::ipAddresses);
    } else if (targetType.isOfType(Cidr.class)) {
      arbitrary =
          within.isPresent()
              ? K8snetArbitraries.cidrsWithin(within.get())
              : family.map(K8snetArbitraries::cidrs).orElseGet(K8snetArbitraries::cidrs);
    } else if (targetType.isOfType(IpRange.class)) {
      arbitrary =
          within.isPresent()
              ? K8snetArbitraries.ipRangesWithin(within.get())
              : family.map(K8snetArbitraries::ipRanges).orElseGet(K8snetArbitraries::ipRanges);
    } else if (targetType.isOfType(PortRange.class)) {
      arbitrary = K8snetArbitraries.portRanges();
    } else if (targetType.isOfType(MacAddress.class)) {
      arbitrary = K8snetArbitraries.macAddresses();
    } else if (targetType.isOfType(ObjectMeta.class)) {
      arbitrary = K8snetArbitraries.objectMetas();
    } else if (targetType.isOfType(LabelSelector.class)) {
      arbitrary = K8snetArbitraries.labelSelectors();
    } else {
      arbitrary = K8snetArbitraries.labelSelectorRequirements();
    }
    return Set.of(arbitrary);
  }
}
