package dev.k8snet.core.internal.manifest;

import dev.k8snet.core.manifest.ManifestException;
import dev.k8snet.core.manifest.ManifestWarning;
import dev.k8snet.core.model.KubernetesObject;
import dev.k8snet.core.model.ObjectRef;
import java.util.Optional;

/**
 * Turns the text of one manifest file into objects, errors and warnings: splits documents, expands
 * {@code kind: List}, dispatches on apiVersion and kind, and converts decoding failures into {@link
 * ManifestException}s with source, line and field.
 */
public final class ManifestParser {

  /** Receives what the parser finds, in document order. */
  public interface Sink {
    /**
     * An object that passed validation.
     *
     * @param object the object
     * @param source the source name
     * @param line the line of the object's first token
     */
    void object(KubernetesObject object, String source, int line);

    /**
     * An object or document that failed.
     *
     * @param error the error
     */
    void error(ManifestException error);

    /**
     * Something skipped.
     *
     * @param warning the warning
     */
    void warning(ManifestWarning warning);
  }

  private ManifestParser() {}

  /**
   * Parses one file's text.
   *
   * @param source the source name used in messages
   * @param text the YAML or JSON text
   * @param json whether the text is JSON (else YAML, which also accepts JSON)
   * @param sink the receiver
   */
  public static void parse(String source, String text, boolean json, Sink sink) {
    TreeReader.Parsed parsed = TreeReader.readLenient(text, json);
    for (TreeReader.Document d : parsed.documents()) {
      if (d.root().isNull()) {
        continue;
      }
      document(source, d.root(), sink);
    }
    TreeReader.SyntaxException e = parsed.error();
    if (e != null) {
      sink.error(syntax(source, e.line, e.getMessage()));
    }
  }

  private static void document(String source, Node root, Sink sink) {
    if (root.type != Node.Type.MAP) {
      sink.error(syntax(source, root.line, "a manifest document must be an object"));
      return;
    }
    if (root.fields.isEmpty()) {
      return;
    }
    Field f = Field.root(root);
    String kind;
    String apiVersion;
    try {
      kind = f.get("kind").nonEmptyString().orElseThrow(() -> f.get("kind").required(""));
      apiVersion =
          f.get("apiVersion").nonEmptyString().orElseThrow(() -> f.get("apiVersion").required(""));
    } catch (FieldError e) {
      sink.error(toException(source, Optional.empty(), e));
      return;
    }
    if (kind.endsWith("List") && (kind.equals("List") || f.has("items"))) {
      // kind: List carries typed items; a typed list (ServiceList, as the API server returns)
      // omits kind and apiVersion from its items
      String itemKind = kind.substring(0, kind.length() - "List".length());
      try {
        for (Field item : f.get("items").items()) {
          if (item.present()) {
            Node node = item.node;
            if (!itemKind.isEmpty() && node.type == Node.Type.MAP) {
              node = withDefault(node, "kind", itemKind);
              node = withDefault(node, "apiVersion", apiVersion);
            }
            document(source, node, sink);
          }
        }
      } catch (FieldError e) {
        sink.error(toException(source, Optional.empty(), e));
      }
      return;
    }
    Kinds.Kind k = Kinds.KINDS.get(kind);
    if (k == null) {
      sink.warning(
          new ManifestWarning(
              source, root.line, "skipped " + kind + " (" + apiVersion + "): kind not used"));
      return;
    }
    if (!k.apiVersion().equals(apiVersion)) {
      sink.warning(
          new ManifestWarning(
              source,
              root.line,
              "skipped "
                  + kind
                  + " ("
                  + apiVersion
                  + "): unsupported apiVersion (expected "
                  + k.apiVersion()
                  + ")"));
      return;
    }
    ObjectRef ref = bestEffortRef(root, kind, k.namespaced());
    try {
      Optional<? extends KubernetesObject> o = k.decoder().apply(f);
      if (o.isPresent()) {
        sink.object(o.get(), source, root.line);
      } else {
        sink.warning(
            new ManifestWarning(
                source,
                root.line,
                "skipped " + ref + ": not supported by k8snet (FQDN addresses)"));
      }
    } catch (FieldError e) {
      sink.error(toException(source, Optional.of(ref), e));
    } catch (IllegalArgumentException e) {
      sink.error(
          new ManifestException(
              source,
              root.line,
              Optional.of(ref),
              "",
              ManifestException.Reason.INVALID,
              Optional.empty(),
              "",
              String.valueOf(e.getMessage())));
    }
  }

  private static Node withDefault(Node map, String field, String value) {
    if (map.fields.containsKey(field)) {
      return map;
    }
    java.util.LinkedHashMap<String, Node> fields = new java.util.LinkedHashMap<>();
    fields.put(field, Node.scalar(Node.Type.STRING, value, map.line));
    fields.putAll(map.fields);
    return Node.map(fields, map.line);
  }

  private static ObjectRef bestEffortRef(Node root, String kind, boolean namespaced) {
    Node meta = root.fields.get("metadata");
    String name = "";
    String namespace = "";
    if (meta != null && meta.type == Node.Type.MAP) {
      Node n = meta.fields.get("name");
      if (n != null && n.type == Node.Type.STRING) {
        name = n.text;
      }
      Node ns = meta.fields.get("namespace");
      if (namespaced) {
        namespace =
            ns != null && ns.type == Node.Type.STRING && !ns.text.isEmpty() ? ns.text : "default";
      }
    }
    return new ObjectRef(kind, namespace, name);
  }

  private static ManifestException syntax(String source, int line, String detail) {
    return new ManifestException(
        source,
        line,
        Optional.empty(),
        "",
        ManifestException.Reason.SYNTAX,
        Optional.empty(),
        "",
        detail);
  }

  private static ManifestException toException(
      String source, Optional<ObjectRef> ref, FieldError e) {
    return new ManifestException(
        source, e.line, ref, e.path, e.reason, e.value, e.rendered, e.detail);
  }
}
