package dev.k8snet.core.internal.manifest;

import dev.k8snet.core.manifest.ManifestException;
import java.util.Optional;

/**
 * An API-server style validation error found while decoding one object; the reader adds the source
 * and the object and turns it into a {@link ManifestException}.
 */
final class FieldError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final ManifestException.Reason reason;
  final String path;
  final transient Optional<String> value;
  final String rendered;
  final String detail;
  final int line;

  FieldError(
      ManifestException.Reason reason,
      String path,
      Optional<String> value,
      String rendered,
      String detail,
      int line) {
    super(path + ": " + reason + ": " + detail, null, false, false);
    this.reason = reason;
    this.path = path;
    this.value = value;
    this.rendered = rendered;
    this.detail = detail;
    this.line = line;
  }
}
