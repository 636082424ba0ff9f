package dev.k8snet.core.internal.nftables;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.k8snet.core.nftables.NftChain;
import dev.k8snet.core.nftables.NftRule;
import dev.k8snet.core.nftables.NftRuleset;
import dev.k8snet.core.nftables.NftSet;
import dev.k8snet.core.nftables.NftTable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/** Parses {@code nft -j list …} output (libnftables-json(5)) into the ruleset records. */
public final class NftJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private NftJson() {}

  /**
   * Parses the output of a JSON list command.
   *
   * @throws IllegalArgumentException when the text is not nft JSON output
   */
  public static NftRuleset parse(String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("json: not JSON (" + e.getOriginalMessage() + ")", e);
    }
    JsonNode items = root == null ? null : root.get("nftables");
    if (items == null || !items.isArray()) {
      throw new IllegalArgumentException(
          "json: " + abbreviate(json) + " (expected: {nftables: []})");
    }
    List<NftTable> tables = new ArrayList<>();
    List<NftChain> chains = new ArrayList<>();
    List<NftSet> sets = new ArrayList<>();
    List<NftRule> rules = new ArrayList<>();
    for (JsonNode item : items) {
      if (item.has("table")) {
        JsonNode t = item.get("table");
        tables.add(
            new NftTable(
                t.path("family").asText(), t.path("name").asText(), handle(t), text(t, "comment")));
      } else if (item.has("chain")) {
        JsonNode c = item.get("chain");
        chains.add(
            new NftChain(
                c.path("family").asText(),
                c.path("table").asText(),
                c.path("name").asText(),
                handle(c),
                text(c, "type"),
                text(c, "hook"),
                c.has("prio") ? OptionalInt.of(c.get("prio").asInt()) : OptionalInt.empty(),
                text(c, "policy")));
      } else if (item.has("set") || item.has("map")) {
        JsonNode s = item.has("set") ? item.get("set") : item.get("map");
        List<String> keyType = new ArrayList<>();
        JsonNode type = s.path("type");
        if (type.isArray()) {
          type.forEach(n -> keyType.add(n.asText()));
        } else if (!type.isMissingNode()) {
          keyType.add(type.asText());
        }
        Set<String> flags = new LinkedHashSet<>();
        JsonNode f = s.path("flags");
        if (f.isArray()) {
          f.forEach(n -> flags.add(n.asText()));
        } else if (f.isTextual()) {
          flags.add(f.asText());
        }
        List<String> elements = new ArrayList<>();
        s.path("elem").forEach(e -> elements.add(element(e)));
        sets.add(
            new NftSet(
                s.path("family").asText(),
                s.path("table").asText(),
                s.path("name").asText(),
                handle(s),
                keyType,
                text(s, "map"),
                flags,
                elements));
      } else if (item.has("rule")) {
        JsonNode r = item.get("rule");
        rules.add(
            new NftRule(
                r.path("family").asText(),
                r.path("table").asText(),
                r.path("chain").asText(),
                handle(r),
                text(r, "comment"),
                r.path("expr").toString()));
      }
    }
    return new NftRuleset(tables, chains, sets, rules);
  }

  /** Renders a set element in nft text form. */
  static String element(JsonNode e) {
    if (e.isArray() && e.size() == 2) {
      return element(e.get(0)) + " : " + element(e.get(1));
    }
    if (e.isObject()) {
      if (e.has("elem")) {
        return element(e.get("elem").path("val"));
      }
      if (e.has("concat")) {
        List<String> parts = new ArrayList<>();
        e.get("concat").forEach(p -> parts.add(element(p)));
        return String.join(" . ", parts);
      }
      if (e.has("prefix")) {
        JsonNode p = e.get("prefix");
        return element(p.path("addr")) + "/" + p.path("len").asInt();
      }
      if (e.has("range")) {
        JsonNode r = e.get("range");
        return element(r.get(0)) + "-" + element(r.get(1));
      }
      if (e.size() == 1) {
        String verdict = e.fieldNames().next();
        JsonNode arg = e.get(verdict);
        if (arg.isObject() && arg.has("target")) {
          return verdict + " " + arg.get("target").asText();
        }
        return verdict;
      }
    }
    return e.asText();
  }

  private static long handle(JsonNode n) {
    return n.path("handle").asLong(0);
  }

  private static Optional<String> text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "…";
  }
}
