package dev.k8snet.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.k8snet.core.IpFamily;
import dev.k8snet.core.netlink.InterfaceAddress;
import dev.k8snet.testkit.K8snetArbitraries;
import java.util.List;
import java.util.OptionalInt;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class CniResultProperties {
  @Provide
  Arbitrary<CniResult> results() {
    Arbitrary<IpFamily> family = Arbitraries.of(IpFamily.IPV4, IpFamily.IPV6);
    Arbitrary<CniResult.IpConfig> ip =
        family.flatMap(
            f ->
                Combinators.combine(
                        K8snetArbitraries.ipAddresses(f),
                        Arbitraries.integers().between(0, f.bitLength()),
                        K8snetArbitraries.ipAddresses(f).optional(),
                        Arbitraries.integers().between(0, 2).optional())
                    .as(
                        (a, p, gw, idx) ->
                            new CniResult.IpConfig(
                                new InterfaceAddress(a, p),
                                gw,
                                idx.map(OptionalInt::of).orElse(OptionalInt.empty()))));
    Arbitrary<OptionalInt> small =
        Arbitraries.integers()
            .between(0, 9000)
            .optional()
            .map(o -> o.map(OptionalInt::of).orElse(OptionalInt.empty()));
    Arbitrary<CniResult.Route> route =
        family.flatMap(
            f ->
                Combinators.combine(
                        K8snetArbitraries.cidrs(f),
                        K8snetArbitraries.ipAddresses(f).optional(),
                        small,
                        small,
                        small)
                    .as(
                        (d, gw, mtu, prio, table) ->
                            new CniResult.Route(
                                d,
                                gw,
                                mtu,
                                OptionalInt.empty(),
                                prio,
                                table,
                                OptionalInt.empty())));
    Arbitrary<CniResult.Interface> iface =
        Combinators.combine(
                Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(15),
                Arbitraries.of("", "02:42:ac:11:00:02"),
                small,
                Arbitraries.of("", "/var/run/netns/p1"))
            .as((n, mac, mtu, sb) -> new CniResult.Interface(n, mac, mtu, sb, "", ""));
    Arbitrary<CniResult.Dns> dns =
        Arbitraries.of(
            CniResult.Dns.EMPTY,
            new CniResult.Dns(
                List.of("10.96.0.10"),
                "cluster.local",
                List.of("svc.cluster.local"),
                List.of("ndots:5")));
    return Combinators.combine(
            iface.list().ofMaxSize(3), ip.list().ofMaxSize(3), route.list().ofMaxSize(3), dns)
        .as((i, ips, rs, d) -> new CniResult(CniVersion.V1_1_0, i, ips, rs, d));
  }

  @Property
  void oneOneZeroRoundTrips(@ForAll("results") CniResult r) {
    assertEquals(r, CniResult.parse(r.toJson()));
  }

  @Property
  void everyRichVersionKeepsAddressesAndRouteDestinations(@ForAll("results") CniResult r) {
    for (CniVersion v :
        List.of(CniVersion.V0_3_0, CniVersion.V0_3_1, CniVersion.V0_4_0, CniVersion.V1_0_0)) {
      CniResult back = CniResult.parse(r.toJson(v));
      assertEquals(v, back.cniVersion());
      assertEquals(r.ips(), back.ips());
      assertEquals(
          r.routes().stream().map(CniResult.Route::dst).toList(),
          back.routes().stream().map(CniResult.Route::dst).toList());
      assertEquals(
          r.routes().stream().map(CniResult.Route::gw).toList(),
          back.routes().stream().map(CniResult.Route::gw).toList());
    }
  }

  @Property
  void legacyVersionsKeepOneAddressPerFamily(@ForAll("results") CniResult r) {
    long v4 = r.ips().stream().filter(i -> i.address().family() == IpFamily.IPV4).count();
    long v6 = r.ips().size() - v4;
    if (v4 > 1 || v6 > 1) {
      return;
    }
    CniResult back = CniResult.parse(r.toJson(CniVersion.V0_2_0));
    assertEquals(
        r.ips().stream()
            .map(i -> new CniResult.IpConfig(i.address(), i.gateway(), OptionalInt.empty()))
            .sorted((a, b) -> a.address().family().compareTo(b.address().family()))
            .toList(),
        back.ips());
  }
}
