package dev.k8snet.proxy.ingress;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A request field that the proxy writes for the endpoint, telling it who the client is and which
 * address the client used. The proxy owns these fields: it replaces or appends to the ones it is
 * set to write ({@link IngressController.Builder#forwardedHeaders}) and removes the client's values
 * of the others, so that an endpoint never receives one of these fields that the proxy did not
 * write or extend.
 *
 * @since 0.1.0
 */
public enum ForwardedHeader {
  /** {@code X-Forwarded-For}: the client's address, appended to the client's own list. */
  X_FORWARDED_FOR("X-Forwarded-For"),
  /** {@code X-Forwarded-Proto}: {@code http} or {@code https}, as the client connected. */
  X_FORWARDED_PROTO("X-Forwarded-Proto"),
  /**
   * {@code X-Forwarded-Host}: the host the client asked for ({@code Host} or {@code :authority}).
   */
  X_FORWARDED_HOST("X-Forwarded-Host"),
  /** {@code X-Forwarded-Port}: the port of the listener the client connected to. */
  X_FORWARDED_PORT("X-Forwarded-Port"),
  /**
   * {@code Forwarded} (RFC 7239): this hop's {@code for}, {@code host} and {@code proto}, appended.
   */
  FORWARDED("Forwarded");

  private final String fieldName;

  ForwardedHeader(String fieldName) {
    this.fieldName = fieldName;
  }

  /**
   * Returns the field name as it is usually written.
   *
   * @return e.g. {@code X-Forwarded-For}
   */
  public String fieldName() {
    return fieldName;
  }

  /**
   * Returns the constant for a field name, in any case.
   *
   * @param fieldName e.g. {@code x-forwarded-for}
   * @return the constant
   * @throws IllegalArgumentException naming the value and the accepted names if there is none
   */
  public static ForwardedHeader ofFieldName(String fieldName) {
    for (ForwardedHeader h : values()) {
      if (h.fieldName.equalsIgnoreCase(fieldName.trim())) {
        return h;
      }
    }
    throw new IllegalArgumentException(
        "not a forwarding field: \""
            + fieldName
            + "\" (expected one of "
            + Arrays.stream(values())
                .map(h -> h.fieldName.toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "))
            + ")");
  }
}
