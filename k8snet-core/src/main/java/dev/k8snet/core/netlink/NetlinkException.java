package dev.k8snet.core.netlink;

import dev.k8snet.core.K8snetException;
import java.util.Optional;

/**
 * A netlink request that the kernel refused, or that got no valid reply before its deadline.
 *
 * <p>Carries the errno (e.g. 17 for {@code EEXIST}) and its symbolic name, the operation (e.g.
 * {@code "add address"}), the object it was about (as {@link #subject()}), and, when the kernel
 * sent an extended ACK, its text and the request attribute it points at. A deadline that passes is
 * reported with errno {@code ETIMEDOUT} (110); a reply that does not parse with {@code EPROTO}
 * (71); an interrupted dump that kept being interrupted with {@code EINTR} (4).
 *
 * @since 0.1
 */
public class NetlinkException extends K8snetException {
  private static final long serialVersionUID = 1L;

  /** errno of a request whose deadline passed. */
  public static final int ETIMEDOUT = 110;

  /** The positive errno value. */
  private final int errno;

  /** The symbolic errno name. */
  private final String errnoName;

  /** The operation that failed. */
  private final String operation;

  /** The kernel's extended-ACK message, or {@code null}. */
  private final String extAckMessage;

  /** The attribute path the extended ACK points at, or {@code null}. */
  private final String attribute;

  /**
   * Creates an exception.
   *
   * @param errno the positive errno value
   * @param errnoName its symbolic name, e.g. {@code "EEXIST"}
   * @param operation what was attempted, e.g. {@code "add link"}
   * @param subject the object the request was about, or {@code null}
   * @param extAckMessage the kernel's extended-ACK text, or {@code null}
   * @param attribute the offending request attribute named by the extended ACK, or {@code null}
   */
  public NetlinkException(
      int errno,
      String errnoName,
      String operation,
      Object subject,
      String extAckMessage,
      String attribute) {
    super(message(errnoName, operation, subject, extAckMessage, attribute), subject, null);
    this.errno = errno;
    this.errnoName = errnoName;
    this.operation = operation;
    this.extAckMessage = extAckMessage;
    this.attribute = attribute;
  }

  private static String message(
      String errnoName, String operation, Object subject, String extAck, String attribute) {
    StringBuilder sb = new StringBuilder(operation);
    if (subject != null) {
      sb.append(' ').append(subject);
    }
    sb.append(": ").append(errnoName);
    if (extAck != null && !extAck.isEmpty()) {
      sb.append(": ").append(extAck);
    }
    if (attribute != null) {
      sb.append(" (attribute ").append(attribute).append(')');
    }
    return sb.toString();
  }

  /**
   * Returns the positive errno value, e.g. 17 for {@code EEXIST}.
   *
   * @return the errno value
   */
  public int errno() {
    return errno;
  }

  /**
   * Returns the symbolic errno name, e.g. {@code "EEXIST"}.
   *
   * @return the errno name
   */
  public String errnoName() {
    return errnoName;
  }

  /**
   * Returns the operation that failed, e.g. {@code "add address"}.
   *
   * @return the operation
   */
  public String operation() {
    return operation;
  }

  /**
   * Returns the kernel's extended-ACK message, when it sent one.
   *
   * @return the message, or empty when the kernel sent none
   */
  public Optional<String> extAckMessage() {
    return Optional.ofNullable(extAckMessage);
  }

  /**
   * Returns the request attribute the extended ACK points at, as a path of attribute names or
   * numbers from the top level (e.g. {@code "IFLA_IFNAME"} or {@code "IFLA_LINKINFO/2/1"}).
   *
   * @return the attribute path, or empty when the extended ACK named none
   */
  public Optional<String> attribute() {
    return Optional.ofNullable(attribute);
  }
}
