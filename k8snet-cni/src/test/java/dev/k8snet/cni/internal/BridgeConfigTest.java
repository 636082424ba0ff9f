package dev.k8snet.cni.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.cni.CniException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reference bridge plugin's keys, defaults and validation messages. */
class BridgeConfigTest {
  private static BridgeConfig parse(String extra) {
    return BridgeConfig.parse("{\"name\":\"n\",\"type\":\"k8snet-bridge\"" + extra + "}", Map.of());
  }

  private static CniException bad(String extra) {
    return assertThrows(CniException.class, () -> parse(extra));
  }

  @Test
  void defaultsAreTheReferencePlugins() {
    BridgeConfig c = parse("");
    assertEquals("cni0", c.bridge());
    assertEquals(0, c.vlan());
    assertEquals(List.of(), c.vlanTrunk());
    assertFalse(c.vlanFiltering());
    assertFalse(c.macspoofchk() || c.portIsolation() || c.enableDad() || c.preserveDefaultVlan());
  }

  @Test
  void vlanTrunkCollectsIdsAndRangesSortedWithoutDuplicates() {
    BridgeConfig c =
        parse(",\"vlanTrunk\":[{\"id\":42},{\"minID\":10,\"maxID\":12},{\"id\":11},{\"id\":3}]");
    assertEquals(List.of(3, 10, 11, 12, 42), c.vlanTrunk());
    assertTrue(c.vlanFiltering());
    assertTrue(parse(",\"vlan\":7").vlanFiltering());
  }

  @Test
  void invalidVlansAreRefusedWithTheReferenceMessages() {
    assertEquals("invalid VLAN ID 5000 (must be between 0 and 4094)", bad(",\"vlan\":5000").msg());
    assertEquals("incorrect trunk id parameter", bad(",\"vlanTrunk\":[{\"id\":0}]").msg());
    assertEquals(
        "incorrect trunk maxID parameter",
        bad(",\"vlanTrunk\":[{\"minID\":1,\"maxID\":4095}]").msg());
    assertEquals(
        "minID is greater than maxID in trunk parameter",
        bad(",\"vlanTrunk\":[{\"minID\":9,\"maxID\":8}]").msg());
    CniException e = bad(",\"vlanTrunk\":[{\"minID\":9}]");
    assertEquals("minID and maxID should be configured simultaneously, maxID is missing", e.msg());
    assertEquals("vlanTrunk[0].maxID", e.details());
    assertEquals(CniException.INVALID_CONFIG, e.code());
  }

  @Test
  void otherKeys() {
    assertEquals(
        "cannot set hairpin mode and promiscuous mode at the same time.",
        bad(",\"hairpinMode\":true,\"promiscMode\":true").msg());
    assertEquals("invalid ipMasqBackend", bad(",\"ipMasqBackend\":\"pf\"").msg());
    assertTrue(parse(",\"ipMasqBackend\":\"nftables\"").bridge().equals("cni0"));
    assertEquals(
        "cannot use IPAM when DisableContainerInterface flag is set",
        bad(",\"disableContainerInterface\":true,\"ipam\":{\"type\":\"host-local\"}").msg());
    assertTrue(
        parse(",\"macspoofchk\":true,\"portIsolation\":true,\"enabledad\":true").macspoofchk());
  }
}
