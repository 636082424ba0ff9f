package dev.k8snet.policy;

import dev.k8snet.core.IpAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * One end of a connection: a pod by namespace and name, or an IP address. An address that is a
 * pod's IP is evaluated as that pod.
 *
 * <p>The text form is {@code ns/pod} or an IP literal; {@code parse(e.toString()).equals(e)} holds.
 *
 * @since 0.1
 */
public sealed interface Endpoint permits Endpoint.PodRef, Endpoint.Address {

  /**
   * A pod by namespace and name.
   *
   * @param namespace the namespace
   * @param name the pod's name
   * @since 0.1
   */
  record PodRef(String namespace, String name) implements Endpoint {
    /**
     * Checks that neither part is empty nor contains a slash.
     *
     * @param namespace the namespace
     * @param name the pod's name
     */
    public PodRef {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(name, "name");
      if (namespace.isEmpty() || name.isEmpty() || namespace.contains("/") || name.contains("/")) {
        throw new IllegalArgumentException(
            "pod: " + namespace + "/" + name + " (expected: namespace/name)");
      }
    }

    /** Returns {@code namespace/name}. */
    @Override
    public String toString() {
      return namespace + "/" + name;
    }
  }

  /**
   * An IP address, inside or outside the cluster.
   *
   * @param ip the address
   * @since 0.1
   */
  record Address(IpAddress ip) implements Endpoint {
    /**
     * Checks for null.
     *
     * @param ip the address
     */
    public Address {
      Objects.requireNonNull(ip, "ip");
    }

    /** Returns the address in its canonical text form. */
    @Override
    public String toString() {
      return ip.toString();
    }
  }

  /**
   * Returns a pod endpoint.
   *
   * @param namespace the namespace
   * @param name the pod's name
   * @return the endpoint
   */
  static Endpoint pod(String namespace, String name) {
    return new PodRef(namespace, name);
  }

  /**
   * Returns an address endpoint.
   *
   * @param ip the address
   * @return the endpoint
   */
  static Endpoint ip(IpAddress ip) {
    return new Address(ip);
  }

  /**
   * Parses {@code ns/pod} or an IP literal (strict form, as {@link IpAddress#parse}).
   *
   * @param text the text
   * @return the endpoint
   * @throws IllegalArgumentException if it is neither
   */
  static Endpoint parse(String text) {
    Objects.requireNonNull(text, "text");
    Optional<IpAddress> ip = IpAddress.tryParse(text);
    if (ip.isPresent()) {
      return new Address(ip.get());
    }
    int slash = text.indexOf('/');
    if (slash > 0 && slash == text.lastIndexOf('/') && slash < text.length() - 1) {
      return new PodRef(text.substring(0, slash), text.substring(slash + 1));
    }
    throw new IllegalArgumentException(
        "endpoint: " + text + " (expected: namespace/pod or an IP address)");
  }
}
