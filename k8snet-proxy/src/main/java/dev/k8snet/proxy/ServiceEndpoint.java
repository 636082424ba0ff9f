package dev.k8snet.proxy;

import dev.k8snet.core.IpAddress;
import java.util.Comparator;
import java.util.Objects;

/**
 * One endpoint of a service port as the proxy sees it: address, target port, whether it runs on
 * this node and its conditions.
 *
 * @param ip the endpoint's address
 * @param port the target port
 * @param local whether the endpoint is on this node
 * @param ready the {@code ready} condition
 * @param serving the {@code serving} condition
 * @param terminating the {@code terminating} condition
 * @since 0.1.0
 */
public record ServiceEndpoint(
    IpAddress ip, int port, boolean local, boolean ready, boolean serving, boolean terminating)
    implements Comparable<ServiceEndpoint> {

  private static final Comparator<ServiceEndpoint> ORDER =
      Comparator.comparing(ServiceEndpoint::ip).thenComparingInt(ServiceEndpoint::port);

  /**
   * Validates.
   *
   * @param ip the endpoint's address
   * @param port the target port
   * @param local whether the endpoint is on this node
   * @param ready the {@code ready} condition
   * @param serving the {@code serving} condition
   * @param terminating the {@code terminating} condition
   */
  public ServiceEndpoint {
    Objects.requireNonNull(ip, "ip");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1 ~ 65535)");
    }
  }

  /**
   * Returns {@code ip:port}, IPv6 in brackets.
   *
   * @return the address and port
   */
  public String hostPort() {
    return (ip.isIpv6() ? "[" + ip + "]" : ip.toString()) + ":" + port;
  }

  @Override
  public int compareTo(ServiceEndpoint o) {
    return ORDER.compare(this, o);
  }

  @Override
  public String toString() {
    return hostPort() + (local ? " (local)" : "");
  }
}
