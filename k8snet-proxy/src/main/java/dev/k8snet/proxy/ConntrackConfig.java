package dev.k8snet.proxy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The connection-tracking settings of kube-proxy's configuration ({@code conntrack} in a
 * KubeProxyConfiguration): kernel sysctls the proxy sets at start-up, and whether TCP tracking is
 * liberal, which decides whether packets in the INVALID state are dropped.
 *
 * @param maxPerCore entries per CPU for {@code nf_conntrack_max}; empty or 0 leaves it alone
 * @param min the lowest {@code nf_conntrack_max} to set
 * @param tcpEstablishedTimeout {@code nf_conntrack_tcp_timeout_established}; empty leaves it
 * @param tcpCloseWaitTimeout {@code nf_conntrack_tcp_timeout_close_wait}; empty leaves it
 * @param tcpBeLiberal sets {@code nf_conntrack_tcp_be_liberal}; when true (or when the kernel is
 *     already liberal) INVALID packets are not dropped, as kube-proxy does
 * @param udpTimeout {@code nf_conntrack_udp_timeout}; empty leaves it
 * @param udpStreamTimeout {@code nf_conntrack_udp_timeout_stream}; empty leaves it
 * @since 0.1.0
 */
public record ConntrackConfig(
    OptionalInt maxPerCore,
    OptionalInt min,
    Optional<Duration> tcpEstablishedTimeout,
    Optional<Duration> tcpCloseWaitTimeout,
    boolean tcpBeLiberal,
    Optional<Duration> udpTimeout,
    Optional<Duration> udpStreamTimeout) {

  /** kube-proxy's defaults: 32768 per core, at least 131072, 24 h established, 1 h close-wait. */
  public static final ConntrackConfig DEFAULT =
      new ConntrackConfig(
          OptionalInt.of(32768),
          OptionalInt.of(131072),
          Optional.of(Duration.ofHours(24)),
          Optional.of(Duration.ofHours(1)),
          false,
          Optional.empty(),
          Optional.empty());

  /**
   * Validates.
   *
   * @param maxPerCore entries per CPU for {@code nf_conntrack_max}; empty or 0 leaves it alone
   * @param min the lowest {@code nf_conntrack_max} to set
   * @param tcpEstablishedTimeout {@code nf_conntrack_tcp_timeout_established}; empty leaves it
   * @param tcpCloseWaitTimeout {@code nf_conntrack_tcp_timeout_close_wait}; empty leaves it
   * @param tcpBeLiberal sets {@code nf_conntrack_tcp_be_liberal}; when true (or when the kernel is
   *     already liberal) INVALID packets are not dropped, as kube-proxy does
   * @param udpTimeout {@code nf_conntrack_udp_timeout}; empty leaves it
   * @param udpStreamTimeout {@code nf_conntrack_udp_timeout_stream}; empty leaves it
   */
  public ConntrackConfig {
    Objects.requireNonNull(maxPerCore, "maxPerCore");
    Objects.requireNonNull(min, "min");
    maxPerCore.ifPresent(v -> nonNegative("maxPerCore", v));
    min.ifPresent(v -> nonNegative("min", v));
    for (Optional<Duration> d :
        java.util.List.of(
            tcpEstablishedTimeout, tcpCloseWaitTimeout, udpTimeout, udpStreamTimeout)) {
      Objects.requireNonNull(d, "timeout");
      d.ifPresent(
          v -> {
            if (v.isNegative()) {
              throw new IllegalArgumentException("timeout: " + v + " (expected: >= 0)");
            }
          });
    }
  }

  private static void nonNegative(String name, int v) {
    if (v < 0) {
      throw new IllegalArgumentException(name + ": " + v + " (expected: >= 0)");
    }
  }

  /**
   * Returns a copy with another {@code tcpBeLiberal}.
   *
   * @param liberal the new value
   * @return the settings
   */
  public ConntrackConfig withTcpBeLiberal(boolean liberal) {
    return new ConntrackConfig(
        maxPerCore,
        min,
        tcpEstablishedTimeout,
        tcpCloseWaitTimeout,
        liberal,
        udpTimeout,
        udpStreamTimeout);
  }

  /**
   * Returns the sysctls to set, as kube-proxy sets them: {@code nf_conntrack_max} (maxPerCore times
   * the CPUs, at least min; only the initial namespace has it), the timeouts given in seconds, and
   * {@code nf_conntrack_tcp_be_liberal} when liberal. A zero duration leaves the kernel's value.
   *
   * @param cpus the number of CPUs
   * @return key ({@code net.netfilter.…}) to value, in a stable order
   */
  public Map<String, String> sysctls(int cpus) {
    Map<String, String> out = new LinkedHashMap<>();
    int perCore = maxPerCore.orElse(0);
    if (perCore > 0) {
      long max = Math.max((long) perCore * Math.max(1, cpus), min.orElse(0));
      out.put("net.netfilter.nf_conntrack_max", Long.toString(Math.min(max, Integer.MAX_VALUE)));
    }
    seconds(out, "net.netfilter.nf_conntrack_tcp_timeout_established", tcpEstablishedTimeout);
    seconds(out, "net.netfilter.nf_conntrack_tcp_timeout_close_wait", tcpCloseWaitTimeout);
    if (tcpBeLiberal) {
      out.put("net.netfilter.nf_conntrack_tcp_be_liberal", "1");
    }
    seconds(out, "net.netfilter.nf_conntrack_udp_timeout", udpTimeout);
    seconds(out, "net.netfilter.nf_conntrack_udp_timeout_stream", udpStreamTimeout);
    return out;
  }

  private static void seconds(Map<String, String> out, String key, Optional<Duration> d) {
    if (d.isPresent() && d.get().getSeconds() > 0) {
      out.put(key, Long.toString(d.get().getSeconds()));
    }
  }
}
