package dev.k8snet.core.manifest;

import java.util.Objects;

/**
 * Something in a manifest that k8snet skipped without failing, such as a kind it does not model.
 *
 * @param source the file or source name
 * @param line the 1-based line of the document or field, or 0 when unknown
 * @param message what was skipped and why
 * @since 0.1
 */
public record ManifestWarning(String source, int line, String message) {
  /**
   * Checks for nulls.
   *
   * @param source the file or source name
   * @param line the 1-based line of the document or field, or 0 when unknown
   * @param message what was skipped and why
   */
  public ManifestWarning {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(message, "message");
  }

  /** Returns {@code source:line: message}. */
  @Override
  public String toString() {
    return source + (line > 0 ? ":" + line : "") + ": " + message;
  }
}
