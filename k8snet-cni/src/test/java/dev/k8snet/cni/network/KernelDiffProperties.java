package dev.k8snet.cni.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.cni.network.internal.KernelDiff;
import dev.k8snet.cni.network.internal.KernelOp;
import dev.k8snet.cni.network.internal.KernelState;
import dev.k8snet.cni.network.internal.KernelState.FdbEntry;
import dev.k8snet.cni.network.internal.KernelState.NeighEntry;
import dev.k8snet.cni.network.internal.KernelState.RouteEntry;
import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.MacAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The pure diff: applying it yields the desired state, and it touches nothing else. */
class KernelDiffProperties {

  @Provide
  Arbitrary<KernelState> states() {
    Arbitrary<Integer> node = Arbitraries.integers().between(1, 40);
    Arbitrary<Integer> link = Arbitraries.integers().between(5, 6);
    Arbitrary<Integer> variant = Arbitraries.integers().between(0, 2);
    Arbitrary<int[]> peer =
        Combinators.combine(node, link, variant).as((n, l, v) -> new int[] {n, l, v});
    return peer.list().ofMaxSize(30).map(KernelDiffProperties::state);
  }

  private static KernelState state(List<int[]> peers) {
    Map<Cidr, RouteEntry> routes = new HashMap<>();
    Map<KernelState.NeighKey, NeighEntry> neigh = new HashMap<>();
    Map<KernelState.FdbKey, FdbEntry> fdb = new HashMap<>();
    for (int[] p : peers) {
      Cidr cidr = Cidr.parse("10.244." + p[0] + ".0/24");
      IpAddress under = IpAddress.parse("192.168." + p[2] + "." + p[0]);
      MacAddress mac = MacAddress.parse(String.format("0e:6b:0a:f4:%02x:%02x", p[0], p[2]));
      routes.put(cidr, new RouteEntry(cidr, cidr.first(), p[1], true));
      NeighEntry n = new NeighEntry(p[1], cidr.first(), mac);
      neigh.put(n.key(), n);
      FdbEntry f = new FdbEntry(p[1], mac, under);
      fdb.put(f.key(), f);
    }
    return new KernelState(routes, neigh, fdb);
  }

  @Property
  void applyingTheDiffYieldsTheDesiredState(
      @ForAll("states") KernelState desired, @ForAll("states") KernelState actual) {
    List<KernelOp> ops = KernelDiff.diff(desired, actual);
    assertEquals(desired, KernelDiff.apply(actual, ops));
  }

  @Property
  void aStateNeedsNoWritesAgainstItself(@ForAll("states") KernelState s) {
    assertEquals(List.of(), KernelDiff.diff(s, s));
  }

  @Property
  void everyWriteTouchesAnObjectThatDiffers(
      @ForAll("states") KernelState desired, @ForAll("states") KernelState actual) {
    for (KernelOp op : KernelDiff.diff(desired, actual)) {
      if (op instanceof KernelOp.ReplaceRoute r) {
        assertTrue(!r.route().equals(actual.routes().get(r.route().destination())));
      } else if (op instanceof KernelOp.DeleteRoute r) {
        assertTrue(!desired.routes().containsKey(r.route().destination()));
      } else if (op instanceof KernelOp.ReplaceNeigh n) {
        assertTrue(!n.neighbour().equals(actual.neighbours().get(n.neighbour().key())));
      } else if (op instanceof KernelOp.DeleteNeigh n) {
        assertTrue(!desired.neighbours().containsKey(n.neighbour().key()));
      } else if (op instanceof KernelOp.ReplaceFdb f) {
        assertTrue(!f.fdb().equals(actual.fdb().get(f.fdb().key())));
      } else if (op instanceof KernelOp.DeleteFdb f) {
        assertTrue(!desired.fdb().containsKey(f.fdb().key()));
      }
    }
  }

  @Property
  void routesAreWrittenAfterTheirNeighbourAndFdbEntry(
      @ForAll("states") KernelState desired, @ForAll("states") KernelState actual) {
    List<KernelOp> ops = KernelDiff.diff(desired, actual);
    int lastL2 = -1;
    int firstRoute = Integer.MAX_VALUE;
    for (int i = 0; i < ops.size(); i++) {
      KernelOp op = ops.get(i);
      if (op instanceof KernelOp.ReplaceNeigh || op instanceof KernelOp.ReplaceFdb) {
        lastL2 = i;
      } else if (op instanceof KernelOp.ReplaceRoute) {
        firstRoute = Math.min(firstRoute, i);
      }
    }
    assertTrue(lastL2 < firstRoute);
  }
}
