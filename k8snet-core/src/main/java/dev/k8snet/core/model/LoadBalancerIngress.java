package dev.k8snet.core.model;

import dev.k8snet.core.IpAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of a Service's {@code status.loadBalancer.ingress}: an IP or a host name of the load
 * balancer.
 *
 * @param ip the load balancer's IP, if any
 * @param hostname the load balancer's DNS name, if any
 * @param ipMode how traffic for {@code ip} arrives; present exactly when {@code ip} is (defaulted
 *     to {@link IpMode#VIP})
 * @since 0.1
 */
public record LoadBalancerIngress(
    Optional<IpAddress> ip, Optional<String> hostname, Optional<IpMode> ipMode) {

  /**
   * Checks nulls and that an IP mode goes with an IP.
   *
   * @param ip the load balancer's IP, if any
   * @param hostname the load balancer's DNS name, if any
   * @param ipMode how traffic for {@code ip} arrives; present exactly when {@code ip} is (defaulted
   *     to {@link IpMode#VIP})
   */
  public LoadBalancerIngress {
    Objects.requireNonNull(ip, "ip");
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(ipMode, "ipMode");
    if (ipMode.isPresent() && ip.isEmpty()) {
      throw new IllegalArgumentException(
          "ipMode: " + ipMode.get() + " (expected: only with an ip)");
    }
  }

  /**
   * Returns an entry for an IP in {@link IpMode#VIP} mode.
   *
   * @param ip the IP
   * @return the entry
   */
  public static LoadBalancerIngress ofIp(IpAddress ip) {
    return new LoadBalancerIngress(Optional.of(ip), Optional.empty(), Optional.of(IpMode.VIP));
  }
}
