package dev.k8snet.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.model.Node;
import dev.k8snet.core.model.ObjectMeta;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KubeProxyConfigurationTest {
  @Test
  void readsTheFieldsThatApply() {
    ProxyConfig c =
        KubeProxyConfiguration.parse(
            """
            apiVersion: kubeproxy.config.k8s.io/v1alpha1
            kind: KubeProxyConfiguration
            mode: nftables
            clusterCIDR: "10.244.0.0/16, fd00:10::/64"
            nodePortAddresses: [primary, 192.168.0.0/24]
            conntrack: {maxPerCore: 32768}
            nftables:
              masqueradeAll: true
              masqueradeBit: 15
              minSyncPeriod: 1m30s
              syncPeriod: 500ms
            """,
            Optional.empty());
    assertEquals(
        List.of(Cidr.parse("10.244.0.0/16"), Cidr.parse("fd00:10::/64")), c.clusterCidrs());
    assertEquals(List.of("primary", "192.168.0.0/24"), c.nodePortAddresses());
    assertTrue(c.masqueradeAll());
    assertEquals(1 << 15, c.masqueradeMark());
    assertEquals(Duration.ofSeconds(90), c.minSyncPeriod());
    assertEquals(Duration.ofMillis(500), c.syncPeriod());
  }

  @Test
  void nodeCidrModeTakesTheNodesPodCidrs() {
    Node n =
        new Node(
            ObjectMeta.of("", "node1", Map.of()),
            List.of(),
            List.of(Cidr.parse("10.244.3.0/24")),
            false);
    ProxyConfig c =
        KubeProxyConfiguration.parse(
            "kind: KubeProxyConfiguration\ndetectLocalMode: NodeCIDR\n", Optional.of(n));
    assertEquals(List.of(Cidr.parse("10.244.3.0/24")), c.clusterCidrs());
  }

  @Test
  void rejectsWhatItCannotHonour() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                KubeProxyConfiguration.parse(
                    "kind: KubeProxyConfiguration\ndetectLocalMode: BridgeInterface\n",
                    Optional.empty()));
    assertTrue(e.getMessage().startsWith("detectLocalMode: BridgeInterface"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            KubeProxyConfiguration.parse(
                "kind: KubeProxyConfiguration\nnftables: {syncPeriod: soon}\n", Optional.empty()));
    assertThrows(
        IllegalArgumentException.class,
        () -> KubeProxyConfiguration.parse("kind: Pod\n", Optional.empty()));
  }
}
