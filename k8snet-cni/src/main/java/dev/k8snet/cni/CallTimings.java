package dev.k8snet.cni;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How long one plugin call took, in total and per phase, in the order the phases ran: {@code parse}
 * (environment and configuration), {@code netns} (opening namespaces), {@code links} (bridge and
 * veth), {@code ipam}, {@code addresses}, {@code routes}, {@code rules} (nftables), {@code result}
 * (building and encoding the result); a plugin reports only the phases it has.
 *
 * @param plugin the plugin's executable name, e.g. {@code k8snet-bridge}
 * @param verb the {@code CNI_COMMAND} (as given, also when it is invalid)
 * @param exitCode 0 on success, 1 after an error
 * @param total the whole call
 * @param phases time per phase, in order (unmodifiable)
 * @since 0.1
 */
public record CallTimings(
    String plugin, String verb, int exitCode, Duration total, Map<String, Duration> phases) {

  /**
   * Validates and copies the phases, keeping their order.
   *
   * @param plugin the plugin's executable name, e.g. {@code k8snet-bridge}
   * @param verb the {@code CNI_COMMAND} (as given, also when it is invalid)
   * @param exitCode 0 on success, 1 after an error
   * @param total the whole call
   * @param phases time per phase, in order (unmodifiable)
   */
  public CallTimings {
    Objects.requireNonNull(plugin, "plugin");
    Objects.requireNonNull(verb, "verb");
    Objects.requireNonNull(total, "total");
    if (total.isNegative()) {
      throw new IllegalArgumentException("total: " + total + " (expected: >= 0)");
    }
    phases = Collections.unmodifiableMap(new LinkedHashMap<>(phases));
  }

  /**
   * Whether the call succeeded.
   *
   * @return whether the exit code is 0
   */
  public boolean succeeded() {
    return exitCode == 0;
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(plugin).append(' ').append(verb).append(':');
    phases.forEach((k, v) -> s.append(' ').append(k).append('=').append(micros(v)).append("µs"));
    return s.append(" total=").append(micros(total)).append("µs rc=").append(exitCode).toString();
  }

  private static long micros(Duration d) {
    return d.toNanos() / 1000;
  }
}
