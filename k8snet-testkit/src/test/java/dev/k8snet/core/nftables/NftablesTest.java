package dev.k8snet.core.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.core.support.Cmd;
import dev.k8snet.testkit.NetnsTest;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@NetnsTest(tools = {"ip", "nft"})
class NftablesTest {
  private static final String RULESET =
      """
      table inet k8snet {
        set allowed {
          type ipv4_addr . inet_service
          elements = { 10.0.0.1 . 80, 10.0.0.2 . 443 }
        }
        map services {
          type ipv4_addr : verdict
        }
        chain input {
          type filter hook input priority 0; policy accept;
          ip saddr . tcp dport @allowed accept comment "allowed peers"
          counter drop
        }
        chain svc {
        }
      }
      """;

  private static List<String> nftTables(NetworkNamespace ns) {
    List<String> out = new ArrayList<>();
    for (JsonNode item : Cmd.nftJson(ns, "list", "tables").get("nftables")) {
      if (item.has("table")) {
        out.add(
            item.get("table").get("family").asText()
                + " "
                + item.get("table").get("name").asText());
      }
    }
    return out;
  }

  @ParameterizedTest
  @EnumSource(Nftables.Backend.class)
  void appliesRulesetAndReadsItBack(Nftables.Backend backend, NetworkNamespace ns) {
    try (Nftables nft = Nftables.open(ns, backend)) {
      assertEquals(backend, nft.backend());
      nft.apply(RULESET);
      assertEquals(List.of("inet k8snet"), nftTables(ns));
      NftRuleset rs = nft.ruleset();
      assertTrue(rs.table("inet", "k8snet").isPresent());
      NftChain input = rs.chain("inet", "k8snet", "input").orElseThrow();
      assertEquals("filter", input.type().orElseThrow());
      assertEquals("input", input.hook().orElseThrow());
      assertEquals(OptionalInt.of(0), input.priority());
      assertEquals("accept", input.policy().orElseThrow());
      assertFalse(rs.chain("inet", "k8snet", "svc").orElseThrow().base());
      NftSet allowed = rs.set("inet", "k8snet", "allowed").orElseThrow();
      assertEquals(List.of("ipv4_addr", "inet_service"), allowed.keyType());
      assertEquals(List.of("10.0.0.1 . 80", "10.0.0.2 . 443"), allowed.elements());
      assertEquals(
          "verdict", rs.set("inet", "k8snet", "services").orElseThrow().mapType().orElseThrow());
      List<NftRule> rules = rs.rules("inet", "k8snet", "input");
      assertEquals(2, rules.size());
      assertEquals("allowed peers", rules.get(0).comment().orElseThrow());
      assertTrue(rules.get(1).expressionJson().contains("drop"), rules.get(1).expressionJson());
    }
  }

  @ParameterizedTest
  @EnumSource(Nftables.Backend.class)
  void failedTransactionLeavesThePreviousRulesetUntouchedAndNamesTheLine(
      Nftables.Backend backend, NetworkNamespace ns) {
    try (Nftables nft = Nftables.open(ns, backend)) {
      nft.apply(RULESET);
      String before = Cmd.nftJson(ns, "list", "ruleset").toString();
      String bad =
          """
          add element inet k8snet allowed { 10.0.0.3 . 22 }
          add table inet other
          add rule inet k8snet input ip saddr @nosuchset drop
          """;
      NftablesException e = assertThrows(NftablesException.class, () -> nft.apply(bad));
      assertEquals(OptionalInt.of(3), e.line(), e.errorText());
      assertTrue(e.errorText().contains("nosuchset"), e.errorText());
      assertEquals(bad, e.subject().orElseThrow());
      assertEquals(before, Cmd.nftJson(ns, "list", "ruleset").toString());
      assertEquals(List.of("inet k8snet"), nftTables(ns));
    }
  }

  @ParameterizedTest
  @EnumSource(Nftables.Backend.class)
  void updatesSetElementsIncrementally(Nftables.Backend backend, NetworkNamespace ns) {
    try (Nftables nft = Nftables.open(ns, backend)) {
      nft.apply(RULESET);
      nft.apply("add element inet k8snet allowed { 10.0.0.9 . 8080 }");
      nft.apply("delete element inet k8snet allowed { 10.0.0.1 . 80 }");
      nft.apply("add element inet k8snet services { 10.96.0.10 : goto svc }");
      NftRuleset rs = nft.table("inet", "k8snet");
      assertEquals(
          List.of("10.0.0.2 . 443", "10.0.0.9 . 8080"),
          rs.set("inet", "k8snet", "allowed").orElseThrow().elements().stream().sorted().toList());
      assertEquals(
          List.of("10.96.0.10 : goto svc"),
          rs.set("inet", "k8snet", "services").orElseThrow().elements());
      String nftOut = Cmd.inNs(ns, "nft", "list", "set", "inet", "k8snet", "allowed");
      assertTrue(nftOut.contains("10.0.0.9 . 8080"), nftOut);
      assertFalse(nftOut.contains("10.0.0.1 . 80"), nftOut);
    }
  }

  @ParameterizedTest
  @EnumSource(Nftables.Backend.class)
  void checkValidatesWithoutApplying(Nftables.Backend backend, NetworkNamespace ns) {
    try (Nftables nft = Nftables.open(ns, backend)) {
      nft.check("add table inet dry");
      assertEquals(List.of(), nftTables(ns));
      assertThrows(NftablesException.class, () -> nft.check("add chain inet nosuchtable c"));
    }
  }

  @ParameterizedTest
  @EnumSource(Nftables.Backend.class)
  void sessionIsBoundToItsNamespaceOnly(Nftables.Backend backend, NetworkNamespace ns) {
    try (Nftables nft = Nftables.open(ns, backend)) {
      nft.apply("add table ip isolated");
    }
    String host = Cmd.run(List.of("nft", "list", "tables"));
    assertFalse(host.contains("isolated"), host);
    assertEquals(List.of("ip isolated"), nftTables(ns));
  }

  @ParameterizedTest
  @EnumSource(Nftables.Backend.class)
  void listRejectsInjectedCommands(Nftables.Backend backend, NetworkNamespace ns) {
    try (Nftables nft = Nftables.open(ns, backend)) {
      assertThrows(IllegalArgumentException.class, () -> nft.listJson("ruleset; flush ruleset"));
    }
  }
}
