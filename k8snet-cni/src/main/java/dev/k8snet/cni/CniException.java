package dev.k8snet.cni;

import dev.k8snet.core.K8snetException;
import java.util.Objects;

/**
 * A CNI error as the specification defines it: a numeric {@link #code()}, a short {@link #msg()}
 * and {@link #details()} naming the offending field or value. Plugins print it as JSON on stdout
 * and exit non-zero.
 *
 * @since 0.1
 */
public class CniException extends K8snetException {
  private static final long serialVersionUID = 1L;

  /** The runtime and the plugin do not share a spec version. */
  public static final int INCOMPATIBLE_VERSION = 1;

  /** A configuration field is not supported; {@code msg} names the key and value. */
  public static final int UNSUPPORTED_FIELD = 2;

  /** The container is unknown or does not exist; the runtime need not call DEL. */
  public static final int UNKNOWN_CONTAINER = 3;

  /** An environment variable is missing or invalid; {@code msg} names it. */
  public static final int INVALID_ENVIRONMENT = 4;

  /** An I/O failure, e.g. reading the configuration. */
  public static final int IO_FAILURE = 5;

  /** The configuration or a result could not be decoded. */
  public static final int DECODE_FAILURE = 6;

  /** The network configuration is invalid. */
  public static final int INVALID_CONFIG = 7;

  /** A transient condition: try again later. */
  public static final int TRY_AGAIN_LATER = 11;

  /** The plugin is not available for ADD (STATUS). */
  public static final int NOT_AVAILABLE = 50;

  /** The plugin is not available and existing containers may have limited connectivity. */
  public static final int NOT_AVAILABLE_LIMITED = 51;

  /** First code of the plugin-specific range; k8snet uses it for kernel failures. */
  public static final int PLUGIN_SPECIFIC = 100;

  /** The spec's error code. */
  private final int code;

  /** The short message. */
  private final String msg;

  /** The details; empty when there are none. */
  private final String details;

  /**
   * Creates an error.
   *
   * @param code the spec's code
   * @param msg a short message
   * @param details the offending field or value, or more text; may be empty
   */
  public CniException(int code, String msg, String details) {
    this(code, msg, details, null);
  }

  /**
   * Creates an error with a cause.
   *
   * @param code the spec's code, &gt;= 0
   * @param msg a short message; not null
   * @param details the offending field or value, or more text; may be empty or null
   * @param cause the underlying failure, or null
   */
  public CniException(int code, String msg, String details, Throwable cause) {
    super(
        details == null || details.isEmpty() ? msg : msg + ": " + details,
        Objects.requireNonNull(msg, "msg"),
        cause);
    if (code < 0) {
      throw new IllegalArgumentException("code: " + code + " (expected: >= 0)");
    }
    this.code = code;
    this.msg = msg;
    this.details = details == null ? "" : details;
  }

  /**
   * The spec's code.
   *
   * @return the code given at construction
   */
  public int code() {
    return code;
  }

  /**
   * The short message.
   *
   * @return the message given at construction
   */
  public String msg() {
    return msg;
  }

  /**
   * The details, empty when there are none.
   *
   * @return the details, empty when none were given
   */
  public String details() {
    return details;
  }
}
