package dev.k8snet.core.netns;

import dev.k8snet.core.K8snetException;

/**
 * A network namespace could not be created, opened, entered or deleted.
 *
 * <p>Carries the errno of the failed system call (0 when the failure was not a system call) and the
 * namespace (its name or path) as {@link #subject()}.
 *
 * @since 0.1
 */
public class NetworkNamespaceException extends K8snetException {
  private static final long serialVersionUID = 1L;

  /** The errno of the failed system call, or 0. */
  private final int errno;

  /**
   * Creates an exception.
   *
   * @param message what failed
   * @param subject the namespace name or path
   * @param errno the errno of the failed system call, or 0
   * @param cause the underlying failure, or {@code null}
   */
  public NetworkNamespaceException(String message, Object subject, int errno, Throwable cause) {
    super(message, subject, cause);
    this.errno = errno;
  }

  /**
   * Returns the errno of the failed system call, or 0 when there was none.
   *
   * @return the errno, or 0
   */
  public int errno() {
    return errno;
  }
}
