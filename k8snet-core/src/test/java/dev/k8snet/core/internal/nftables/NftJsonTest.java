package dev.k8snet.core.internal.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.nftables.NftRuleset;
import dev.k8snet.core.nftables.NftSet;
import dev.k8snet.core.nftables.NftablesException;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NftJsonTest {
  // Output of nft 1.0.6 `nft -j list ruleset` for a table with a concatenated set, an interval set,
  // a verdict map and a base chain, abbreviated to the fields the parser reads.
  private static final String LISTING =
      """
      {"nftables": [{"metainfo": {"version": "1.0.6", "json_schema_version": 1}},
       {"table": {"family": "inet", "name": "k", "handle": 3}},
       {"set": {"family": "inet", "name": "peers", "table": "k", "type": ["ipv4_addr", "inet_service"],
         "handle": 4, "elem": [{"concat": ["10.0.0.1", 80]}, {"concat": ["10.0.0.2", 443]}]}},
       {"set": {"family": "inet", "name": "nets", "table": "k", "type": "ipv4_addr", "handle": 5,
         "flags": ["interval"], "elem": [{"prefix": {"addr": "10.0.0.0", "len": 8}},
         {"range": ["192.0.2.1", "192.0.2.9"]}, {"elem": {"val": "172.16.0.1", "timeout": 30}}]}},
       {"map": {"family": "inet", "name": "svc", "table": "k", "type": "ipv4_addr", "handle": 6,
         "map": "verdict", "elem": [["10.96.0.10", {"goto": {"target": "svc-a"}}], ["10.96.0.11", {"drop": null}]]}},
       {"chain": {"family": "inet", "table": "k", "name": "input", "handle": 1, "type": "filter",
         "hook": "input", "prio": -10, "policy": "drop"}},
       {"chain": {"family": "inet", "table": "k", "name": "svc-a", "handle": 2}},
       {"rule": {"family": "inet", "table": "k", "chain": "input", "handle": 7, "comment": "c",
         "expr": [{"accept": null}]}}]}
      """;

  @Test
  void parsesTablesChainsSetsMapsAndRules() {
    NftRuleset rs = NftJson.parse(LISTING);
    assertEquals(3, rs.table("inet", "k").orElseThrow().handle());
    var input = rs.chain("inet", "k", "input").orElseThrow();
    assertEquals(OptionalInt.of(-10), input.priority());
    assertEquals("drop", input.policy().orElseThrow());
    assertTrue(rs.chain("inet", "k", "svc-a").orElseThrow().hook().isEmpty());
    NftSet peers = rs.set("inet", "k", "peers").orElseThrow();
    assertEquals(List.of("ipv4_addr", "inet_service"), peers.keyType());
    assertEquals(List.of("10.0.0.1 . 80", "10.0.0.2 . 443"), peers.elements());
    NftSet nets = rs.set("inet", "k", "nets").orElseThrow();
    assertEquals(Set.of("interval"), nets.flags());
    assertEquals(List.of("10.0.0.0/8", "192.0.2.1-192.0.2.9", "172.16.0.1"), nets.elements());
    NftSet svc = rs.set("inet", "k", "svc").orElseThrow();
    assertTrue(svc.map());
    assertEquals(List.of("10.96.0.10 : goto svc-a", "10.96.0.11 : drop"), svc.elements());
    assertEquals("c", rs.rules("inet", "k", "input").get(0).comment().orElseThrow());
    assertEquals("[{\"accept\":null}]", rs.rules("inet", "k", "input").get(0).expressionJson());
  }

  @Test
  void rejectsOutputThatIsNotAnNftListing() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> NftJson.parse("{\"x\": 1}"));
    assertTrue(e.getMessage().startsWith("json: "), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> NftJson.parse("not json"));
  }

  @Test
  void exceptionFindsTheLineFromLocationOrEchoedSource() {
    String script = "add table inet a\nadd chain inet a c\nadd rule inet a c bogus\n";
    NftablesException located =
        new NftablesException(
            "apply", script, "/dev/stdin:3:19-23: Error: syntax error\nadd rule inet a c bogus\n");
    assertEquals(OptionalInt.of(3), located.line());
    NftablesException echoed =
        new NftablesException(
            "apply", script, "Error: Could not process rule\nadd chain inet a c\n        ^^^\n");
    assertEquals(OptionalInt.of(2), echoed.line());
    assertEquals(
        OptionalInt.empty(), new NftablesException("apply", script, "Error: oops\n").line());
    assertTrue(located.getMessage().startsWith("nft apply failed: /dev/stdin:3:19-23"));
  }
}
