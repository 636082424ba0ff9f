package dev.k8snet.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CniResultTest {
  private static final String V100 =
      "{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"tb0\",\"mac\":\"a2:22:c5:63:e8:39\"},"
          + "{\"name\":\"eth0\",\"mac\":\"b2:96:ec:d7:79:f9\",\"sandbox\":\"/var/run/netns/n\"}],"
          + "\"ips\":[{\"interface\":1,\"address\":\"10.9.0.2/24\",\"gateway\":\"10.9.0.1\"}],"
          + "\"routes\":[{\"dst\":\"0.0.0.0/0\"}],\"dns\":{}}";

  @Test
  void readsAndWritesOneZeroZeroUnchanged() {
    assertEquals(V100, CniResult.parse(V100).toJson());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0.4.0|{\"cniVersion\":\"0.4.0\",\"interfaces\":[{\"name\":\"tb0\",\"mac\":\"a2:22:c5:63:e8:39\"},{\"name\":\"eth0\",\"mac\":\"b2:96:ec:d7:79:f9\",\"sandbox\":\"/var/run/netns/n\"}],\"ips\":[{\"version\":\"4\",\"interface\":1,\"address\":\"10.9.0.2/24\",\"gateway\":\"10.9.0.1\"}],\"routes\":[{\"dst\":\"0.0.0.0/0\"}],\"dns\":{}}",
        "0.3.1|{\"cniVersion\":\"0.3.1\",\"interfaces\":[{\"name\":\"tb0\",\"mac\":\"a2:22:c5:63:e8:39\"},{\"name\":\"eth0\",\"mac\":\"b2:96:ec:d7:79:f9\",\"sandbox\":\"/var/run/netns/n\"}],\"ips\":[{\"version\":\"4\",\"interface\":1,\"address\":\"10.9.0.2/24\",\"gateway\":\"10.9.0.1\"}],\"routes\":[{\"dst\":\"0.0.0.0/0\"}],\"dns\":{}}",
        "0.2.0|{\"cniVersion\":\"0.2.0\",\"ip4\":{\"ip\":\"10.9.0.2/24\",\"gateway\":\"10.9.0.1\",\"routes\":[{\"dst\":\"0.0.0.0/0\"}]},\"dns\":{}}",
        "0.1.0|{\"cniVersion\":\"0.1.0\",\"ip4\":{\"ip\":\"10.9.0.2/24\",\"gateway\":\"10.9.0.1\",\"routes\":[{\"dst\":\"0.0.0.0/0\"}]},\"dns\":{}}",
      })
  void convertsToEveryVersionAndBack(String version, String expected) {
    CniResult r = CniResult.parse(V100);
    String json = r.toJson(CniVersion.parse(version));
    assertEquals(expected, json);
    CniResult back = CniResult.parse(json);
    assertEquals(r.ips().get(0).address(), back.ips().get(0).address());
    assertEquals(r.routes(), back.routes());
  }

  @Test
  void legacyShapeCannotHoldTwoAddressesOfOneFamily() {
    CniResult r =
        CniResult.parse(
            "{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.0.0.2/24\"},{\"address\":\"10.0.1.2/24\"}]}");
    CniException e = assertThrows(CniException.class, () -> r.toJson(CniVersion.V0_2_0));
    assertEquals(1, e.code());
    assertEquals("CNI version 0.2.0 does not support more than 1 address per family", e.msg());
  }

  @Test
  void oneOneZeroKeepsRouteAndInterfaceAttributesOnlyFromOneOneZero() {
    String v110 =
        "{\"cniVersion\":\"1.1.0\",\"interfaces\":[{\"name\":\"eth0\",\"mtu\":1400,\"socketPath\":\"/s\",\"pciID\":\"0000:00:01.0\"}],"
            + "\"routes\":[{\"dst\":\"10.0.0.0/8\",\"gw\":\"10.9.0.1\",\"mtu\":1300,\"advmss\":1260,\"priority\":5,\"table\":100,\"scope\":0}],\"dns\":{\"nameservers\":[\"10.96.0.10\"],\"domain\":\"cluster.local\",\"search\":[\"a\"],\"options\":[\"ndots:5\"]}}";
    CniResult r = CniResult.parse(v110);
    assertEquals(v110, r.toJson());
    assertEquals(
        "{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"eth0\"}],\"routes\":[{\"dst\":\"10.0.0.0/8\",\"gw\":\"10.9.0.1\"}],\"dns\":{\"nameservers\":[\"10.96.0.10\"],\"domain\":\"cluster.local\",\"search\":[\"a\"],\"options\":[\"ndots:5\"]}}",
        r.toJson(CniVersion.V1_0_0));
  }

  @Test
  void readsDualStackLegacyResults() {
    CniResult r =
        CniResult.parse(
            "{\"cniVersion\":\"0.2.0\",\"ip4\":{\"ip\":\"10.0.0.2/24\"},\"ip6\":{\"ip\":\"fd00::2/64\",\"gateway\":\"fd00::1\"}}");
    assertEquals(2, r.ips().size());
    assertEquals("fd00::1", r.ips().get(1).gateway().orElseThrow().toString());
  }

  @Test
  void badFieldsAreNamed() {
    CniException e =
        assertThrows(
            CniException.class,
            () ->
                CniResult.parse(
                    "{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.0.0.300/24\"}]}"));
    assertEquals(6, e.code());
    assertEquals("invalid ips[0].address", e.msg());
  }
}
