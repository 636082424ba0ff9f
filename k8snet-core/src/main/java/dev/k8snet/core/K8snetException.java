package dev.k8snet.core;

import java.util.Optional;

/**
 * The root of the unchecked exceptions that k8snet throws for runtime failures (as opposed to bad
 * caller input, which is an {@link IllegalArgumentException}).
 *
 * <p>Each subclass carries the object the failure is about, so that a caller can report or retry it
 * without parsing the message.
 *
 * @since 0.1
 */
public class K8snetException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Object subject;

  /**
   * Creates an exception about {@code subject}.
   *
   * @param message what failed, naming the object
   * @param subject the object the failure is about, or {@code null} when there is none
   * @param cause the underlying failure, or {@code null}
   */
  public K8snetException(String message, Object subject, Throwable cause) {
    super(message, cause);
    this.subject = subject;
  }

  /**
   * Creates an exception with a message only.
   *
   * @param message what failed
   */
  public K8snetException(String message) {
    this(message, null, null);
  }

  /**
   * Returns the object the failure is about.
   *
   * @return the subject, or empty when the failure is not about one object
   */
  public Optional<Object> subject() {
    return Optional.ofNullable(subject);
  }
}
