package dev.k8snet.core.manifest;

import dev.k8snet.core.K8snetException;
import dev.k8snet.core.model.ObjectRef;
import java.util.Objects;
import java.util.Optional;

/**
 * A manifest that the API server would reject: a syntax error, or an object that fails validation.
 * It names the source, the line, the field path ({@code spec.ports[1].port}) and the value, and its
 * message reads like the API server's:
 *
 * <pre>
 * services.yaml:12: Service default/web: spec.ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive
 * </pre>
 *
 * <p>The {@linkplain #subject() subject} is the {@link ObjectRef} of the rejected object when its
 * kind and name are known, else the source name.
 *
 * @since 0.1
 */
public final class ManifestException extends K8snetException {
  private static final long serialVersionUID = 1L;

  /**
   * The kind of problem, as the API server's field error types.
   *
   * @since 0.1
   */
  public enum Reason {
    /** The text is not well-formed YAML or JSON, or has the wrong shape. */
    SYNTAX("Syntax error"),
    /** A required field is missing or empty. */
    REQUIRED("Required value"),
    /** A field has a value that is not valid. */
    INVALID("Invalid value"),
    /** A field has a value outside a closed set. */
    UNSUPPORTED("Unsupported value"),
    /** A field is set where it must not be. */
    FORBIDDEN("Forbidden"),
    /** A value that must be unique appears twice. */
    DUPLICATE("Duplicate value"),
    /** A list has too many items. */
    TOO_MANY("Too many");

    private final String phrase;

    Reason(String phrase) {
      this.phrase = phrase;
    }

    /**
     * Returns the API server's phrase for this reason.
     *
     * @return e.g. {@code Invalid value}
     */
    public String phrase() {
      return phrase;
    }
  }

  /** The source name. */
  private final String source;

  /** The line, or 0. */
  private final int line;

  /** The object, or null when unknown (not serialized). */
  private final transient ObjectRef object;

  /** The field path. */
  private final String field;

  /** The kind of problem. */
  private final Reason reason;

  /** The value, or null when none. */
  private final String value;

  /** The detail. */
  private final String detail;

  /**
   * Creates an exception.
   *
   * @param source the file or source name
   * @param line the 1-based line of the offending field, or 0 when unknown
   * @param object the object, when its kind is known (the name may be empty)
   * @param field the field path, or {@code ""} for a syntax error
   * @param reason the kind of problem
   * @param value the offending value as written (without quotes), if any
   * @param renderedValue the value as the API server renders it (strings quoted), or {@code ""}
   * @param detail what was expected, or {@code ""}
   */
  public ManifestException(
      String source,
      int line,
      Optional<ObjectRef> object,
      String field,
      Reason reason,
      Optional<String> value,
      String renderedValue,
      String detail) {
    super(
        message(source, line, object, field, reason, renderedValue, detail),
        object.isPresent() ? object.get() : source,
        null);
    this.source = Objects.requireNonNull(source, "source");
    this.line = line;
    this.object = object.orElse(null);
    this.field = Objects.requireNonNull(field, "field");
    this.reason = Objects.requireNonNull(reason, "reason");
    this.value = value.orElse(null);
    this.detail = Objects.requireNonNull(detail, "detail");
  }

  private static String message(
      String source,
      int line,
      Optional<ObjectRef> object,
      String field,
      Reason reason,
      String renderedValue,
      String detail) {
    StringBuilder b = new StringBuilder(source);
    if (line > 0) {
      b.append(':').append(line);
    }
    b.append(": ");
    object.ifPresent(
        o -> {
          b.append(o.kind());
          if (!o.name().isEmpty()) {
            b.append(' ')
                .append(o.namespace().isEmpty() ? "" : o.namespace() + "/")
                .append(o.name());
          }
          b.append(": ");
        });
    if (reason == Reason.SYNTAX) {
      return b.append(detail).toString();
    }
    b.append(field).append(": ").append(reason.phrase);
    switch (reason) {
      case INVALID, UNSUPPORTED, DUPLICATE, TOO_MANY -> b.append(": ").append(renderedValue);
      default -> {}
    }
    if (!detail.isEmpty()) {
      b.append(": ").append(detail);
    }
    return b.toString();
  }

  /**
   * Returns the file (as given to the reader) or source name.
   *
   * @return the source
   * @since 0.1
   */
  public String source() {
    return source;
  }

  /**
   * Returns the 1-based line of the offending field (for a missing field, of the object that lacks
   * it).
   *
   * @return the line, or 0 when unknown
   * @since 0.1
   */
  public int line() {
    return line;
  }

  /**
   * Returns the rejected object's reference, when its kind is known; its name is {@code ""} when
   * the manifest has none.
   *
   * @return the object
   * @since 0.1
   */
  public Optional<ObjectRef> object() {
    return Optional.ofNullable(object);
  }

  /**
   * Returns the full field path, e.g. {@code spec.ports[1].port}.
   *
   * @return the path, {@code ""} for a syntax error
   * @since 0.1
   */
  public String field() {
    return field;
  }

  /**
   * Returns the kind of problem.
   *
   * @return the reason
   * @since 0.1
   */
  public Reason reason() {
    return reason;
  }

  /**
   * Returns the offending value as written in the manifest (without quotes).
   *
   * @return the value, empty for missing fields and non-scalar values
   * @since 0.1
   */
  public Optional<String> value() {
    return Optional.ofNullable(value);
  }

  /**
   * Returns the detail: what was expected.
   *
   * @return the detail, possibly {@code ""}
   * @since 0.1
   */
  public String detail() {
    return detail;
  }
}
