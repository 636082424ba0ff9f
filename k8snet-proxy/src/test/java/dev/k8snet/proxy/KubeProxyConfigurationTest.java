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
  void readsTheConntrackSettingsAsSysctls() {
    ProxyConfig c =
        KubeProxyConfiguration.parse(
            """
            kind: KubeProxyConfiguration
            conntrack:
              maxPerCore: 1000
              min: 5000
              tcpEstablishedTimeout: 2h
              tcpCloseWaitTimeout: 0s
              tcpBeLiberal: true
              udpTimeout: 30s
              udpStreamTimeout: 2m
            """,
            Optional.empty());
    assertTrue(c.conntrack().tcpBeLiberal());
    assertEquals(
        Map.of(
            "net.netfilter.nf_conntrack_max", "8000",
            "net.netfilter.nf_conntrack_tcp_timeout_established", "7200",
            "net.netfilter.nf_conntrack_tcp_be_liberal", "1",
            "net.netfilter.nf_conntrack_udp_timeout", "30",
            "net.netfilter.nf_conntrack_udp_timeout_stream", "120"),
        c.conntrack().sysctls(8),
        "0s leaves the kernel's close-wait timeout");
    assertEquals(
        "131072",
        ConntrackConfig.DEFAULT.sysctls(2).get("net.netfilter.nf_conntrack_max"),
        "kube-proxy's floor");
    assertThrows(
        IllegalArgumentException.class,
        () -> KubeProxyConfiguration.parse("conntrack: {udpTimeout: soon}", Optional.empty()));
  }

  @Test
  void invalidPacketsAreDroppedUnlessTcpTrackingIsLiberal() {
    var s = Fixtures.state();
    String strict = NftablesProxy.render(List.of(Fixtures.table(s)));
    assertTrue(strict.contains("ct state invalid drop"), strict);
    ProxyConfig liberal =
        Fixtures.CONFIG.toBuilder()
            .conntrack(ConntrackConfig.DEFAULT.withTcpBeLiberal(true))
            .build();
    assertTrue(!NftablesProxy.render(List.of(Fixtures.table(s, liberal))).contains("invalid"));
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
