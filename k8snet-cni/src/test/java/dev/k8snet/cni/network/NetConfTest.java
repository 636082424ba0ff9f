package dev.k8snet.cni.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.Cidr;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class NetConfTest {
  private static String error(String json) {
    return assertThrows(IllegalArgumentException.class, () -> NetConf.parse(json, "net-conf.json"))
        .getMessage();
  }

  @Test
  void flannelsDefaultConfigIsVxlanVni1Port8472WithMasquerading() {
    NetConf c =
        NetConf.parse("{\"Network\": \"10.244.0.0/16\", \"Backend\": {\"Type\": \"vxlan\"}}", "x");
    assertEquals(Cidr.parse("10.244.0.0/16"), c.network().orElseThrow());
    assertTrue(c.ipv6Network().isEmpty());
    assertEquals(BackendType.VXLAN, c.backend().type());
    assertEquals(1, c.backend().vni());
    assertEquals(8472, c.backend().port());
    assertFalse(c.backend().directRouting());
    assertTrue(c.ipMasq());
  }

  @Test
  void readsEveryKey() {
    NetConf c =
        NetConf.parse(
            """
            {"Network": "10.244.0.0/16", "IPv6Network": "fd00:10:244::/56",
             "Backend": {"Type": "host-gw", "VNI": 4096, "Port": 4789, "DirectRouting": true,
                         "MTU": 1400},
             "IPMasq": false}
            """,
            "x");
    assertEquals(
        List.of(Cidr.parse("10.244.0.0/16"), Cidr.parse("fd00:10:244::/56")), c.networks());
    assertEquals(
        new NetConf.Backend(BackendType.HOST_GW, 4096, 4789, true, OptionalInt.of(1400)),
        c.backend());
    assertFalse(c.ipMasq());
  }

  @Test
  void enableFlagsDropAFamily() {
    NetConf c =
        NetConf.parse(
            "{\"Network\":\"10.244.0.0/16\",\"IPv6Network\":\"fd00::/56\",\"EnableIPv4\":false}",
            "x");
    assertEquals(List.of(Cidr.parse("fd00::/56")), c.networks());
  }

  @Test
  void errorsNameFileLineFieldAndValue() {
    assertEquals(
        "net-conf.json:3: Backend.VNI: 16777216 (expected: 0 to 16777215)",
        error(
            "{\"Network\": \"10.244.0.0/16\",\n \"Backend\": {\"Type\": \"vxlan\",\n  \"VNI\": 16777216}}"));
    assertEquals(
        "net-conf.json:1: Network: 10.244.0.1/16 (expected: a CIDR such as 10.244.0.0/16)",
        error("{\"Network\": \"10.244.0.1/16\"}"));
    assertEquals(
        "net-conf.json:1: Network: 10.244.0.0/30 (expected: a prefix of at most /28)",
        error("{\"Network\": \"10.244.0.0/30\"}"));
    assertEquals(
        "net-conf.json:1: Network: fd00::/56 (expected: an IPV4 network)",
        error("{\"Network\": \"fd00::/56\"}"));
    assertEquals(
        "net-conf.json:2: Backend.Type: udp (expected: vxlan or host-gw (others not supported))",
        error("{\"Network\": \"10.244.0.0/16\",\n\"Backend\": {\"Type\": \"udp\"}}"));
    assertEquals(
        "net-conf.json:1: Backend.Port: 70000 (expected: 1 to 65535)",
        error("{\"Network\": \"10.244.0.0/16\", \"Backend\": {\"Port\": 70000}}"));
    assertEquals(
        "net-conf.json:1: Backend.VNI: \"1\" (expected: an integer)",
        error("{\"Network\": \"10.244.0.0/16\", \"Backend\": {\"VNI\": \"1\"}}"));
    assertTrue(error("{}").contains("Network: absent"), error("{}"));
    assertTrue(error("{\"Network\": ").startsWith("net-conf.json:1: "), error("{\"Network\": "));
  }
}
