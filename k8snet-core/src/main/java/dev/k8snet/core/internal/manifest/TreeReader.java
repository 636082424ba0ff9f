package dev.k8snet.core.internal.manifest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the documents of a YAML stream ({@code ---}-separated) or of a JSON text into {@link Node}
 * trees, recording the line of every key and value. Duplicate keys are rejected as the API server's
 * YAML decoder does.
 */
final class TreeReader {
  private static final JsonFactory JSON = new JsonFactory();
  private static final YAMLFactory YAML = new YAMLFactory();

  /** A syntax error at a line. */
  static final class SyntaxException extends Exception {
    private static final long serialVersionUID = 1L;
    final int line;

    SyntaxException(String message, int line) {
      super(message);
      this.line = line;
    }
  }

  /** One document: its root (possibly a NULL node for an empty document) and first line. */
  record Document(Node root, int line) {}

  private TreeReader() {}

  /** The documents before a syntax error, and the error if there was one. */
  record Parsed(List<Document> documents, SyntaxException error) {}

  /**
   * Parses documents until the end or the first syntax error; the documents before the error are
   * kept (a YAML stream cannot be resynchronised after an error).
   */
  static Parsed readLenient(String text, boolean json) {
    List<Document> documents = new ArrayList<>();
    try (JsonParser p = json ? JSON.createParser(text) : YAML.createParser(text)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        int line = p.currentTokenLocation().getLineNr();
        documents.add(new Document(value(p, t, line, new HashMap<>()), line));
      }
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      return new Parsed(documents, new SyntaxException(e.getOriginalMessage(), line));
    } catch (SyntaxException e) {
      return new Parsed(documents, e);
    } catch (IOException e) {
      return new Parsed(documents, new SyntaxException(String.valueOf(e.getMessage()), 0));
    }
    return new Parsed(documents, null);
  }

  /** Reads a value, resolving YAML anchors ({@code &a}) and aliases ({@code *a}). */
  private static Node value(JsonParser p, JsonToken t, int line, Map<String, Node> anchors)
      throws IOException, SyntaxException {
    if (p instanceof YAMLParser y) {
      if (y.isCurrentAlias()) {
        Node target = anchors.get(p.getText());
        if (target == null) {
          throw new SyntaxException("unknown anchor \"" + p.getText() + "\"", line);
        }
        return target;
      }
      Object anchor = y.getObjectId();
      Node n = rawValue(p, t, line, anchors);
      if (anchor != null) {
        anchors.put(anchor.toString(), n);
      }
      return n;
    }
    return rawValue(p, t, line, anchors);
  }

  private static Node rawValue(JsonParser p, JsonToken t, int line, Map<String, Node> anchors)
      throws IOException, SyntaxException {
    int tokenLine = p.currentTokenLocation().getLineNr();
    switch (t) {
      case START_OBJECT -> {
        LinkedHashMap<String, Node> fields = new LinkedHashMap<>();
        JsonToken k;
        while ((k = p.nextToken()) == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          int keyLine = p.currentTokenLocation().getLineNr();
          JsonToken v = p.nextToken();
          Node child = value(p, v, keyLine, anchors);
          if (fields.put(name, child) != null) {
            throw new SyntaxException("mapping key \"" + name + "\" already defined", keyLine);
          }
        }
        if (k != JsonToken.END_OBJECT) {
          throw new SyntaxException("unexpected token " + k, tokenLine);
        }
        return Node.map(fields, line);
      }
      case START_ARRAY -> {
        List<Node> items = new ArrayList<>();
        JsonToken i;
        while ((i = p.nextToken()) != JsonToken.END_ARRAY) {
          if (i == null) {
            throw new SyntaxException("unterminated list", tokenLine);
          }
          items.add(value(p, i, p.currentTokenLocation().getLineNr(), anchors));
        }
        return Node.list(items, line);
      }
      case VALUE_STRING -> {
        return Node.scalar(Node.Type.STRING, p.getText(), tokenLine);
      }
      case VALUE_NUMBER_INT -> {
        return Node.scalar(Node.Type.INT, p.getText(), tokenLine);
      }
      case VALUE_NUMBER_FLOAT -> {
        return Node.scalar(Node.Type.FLOAT, p.getText(), tokenLine);
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return Node.scalar(Node.Type.BOOL, t == JsonToken.VALUE_TRUE ? "true" : "false", tokenLine);
      }
      case VALUE_NULL -> {
        return Node.scalar(Node.Type.NULL, "null", tokenLine);
      }
      default -> throw new SyntaxException("unexpected token " + t, tokenLine);
    }
  }
}
