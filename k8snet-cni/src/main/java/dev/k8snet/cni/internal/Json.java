package dev.k8snet.cni.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.k8snet.cni.CniException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Jackson helpers shared by the CNI codecs. */
public final class Json {
  /** The shared mapper (thread-safe once configured). */
  public static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Json() {}

  /** Parses a JSON object, or fails with code 6 prefixed by {@code what}. */
  public static ObjectNode object(String text, String what) {
    JsonNode n;
    try {
      n = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new CniException(
          CniException.DECODE_FAILURE,
          "error unmarshalling " + what,
          e.getOriginalMessage()
              + " at line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr(),
          e);
    }
    if (n == null || n.isMissingNode()) {
      throw new CniException(
          CniException.DECODE_FAILURE, "error unmarshalling " + what, "empty input");
    }
    if (!n.isObject()) {
      throw new CniException(
          CniException.DECODE_FAILURE,
          "error unmarshalling " + what,
          "expected a JSON object, got "
              + n.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }
    return (ObjectNode) n;
  }

  /** Writes compact JSON. */
  public static String write(JsonNode n) {
    try {
      return MAPPER.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An optional string field; fails with {@code code} when present but not a string. */
  public static Optional<String> string(JsonNode obj, String field, String path, int code) {
    JsonNode v = obj.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isTextual()) {
      throw new CniException(
          code, "invalid " + path + field, path + field + ": " + v + " (expected: a string)");
    }
    return Optional.of(v.asText());
  }

  /** An optional boolean field (libcni also accepts "true"/"false" strings). */
  public static boolean bool(JsonNode obj, String field, boolean dflt, int code) {
    JsonNode v = obj.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    if (v.isTextual() && (v.asText().equals("true") || v.asText().equals("false"))) {
      return Boolean.parseBoolean(v.asText());
    }
    throw new CniException(
        code, "invalid " + field, field + ": " + v + " (expected: true or false)");
  }

  /** An optional integer field. */
  public static Optional<Integer> integer(JsonNode obj, String field, String path, int code) {
    JsonNode v = obj.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new CniException(
          code, "invalid " + path + field, path + field + ": " + v + " (expected: an integer)");
    }
    return Optional.of(v.asInt());
  }

  /** An optional list of strings. */
  public static List<String> strings(JsonNode obj, String field, String path, int code) {
    JsonNode v = obj.get(field);
    List<String> out = new ArrayList<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (!v.isArray()) {
      throw new CniException(
          code,
          "invalid " + path + field,
          path + field + ": " + v + " (expected: a list of strings)");
    }
    for (JsonNode e : v) {
      if (!e.isTextual()) {
        throw new CniException(
            code,
            "invalid " + path + field,
            path + field + ": " + v + " (expected: a list of strings)");
      }
      out.add(e.asText());
    }
    return out;
  }
}
