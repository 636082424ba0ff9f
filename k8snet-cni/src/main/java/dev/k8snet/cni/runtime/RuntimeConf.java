package dev.k8snet.cni.runtime;

import java.util.Map;
import java.util.Objects;

/**
 * What the runtime knows about one attachment: the container, its namespace and interface, {@code
 * CNI_ARGS} and capability arguments (as JSON text, e.g. {@code portMappings} → {@code
 * [{"hostPort":8080,…}]}). Immutable.
 *
 * @param containerId the container id
 * @param netns the namespace path; empty for DEL of a sandbox that is gone
 * @param ifname the interface name
 * @param args the {@code CNI_ARGS} pairs
 * @param capabilityArgs capability name to JSON value
 * @since 0.1
 */
public record RuntimeConf(
    String containerId,
    String netns,
    String ifname,
    Map<String, String> args,
    Map<String, String> capabilityArgs) {
  /**
   * Copies the components.
   *
   * @param containerId the container id
   * @param netns the namespace path; empty for DEL of a sandbox that is gone
   * @param ifname the interface name
   * @param args the {@code CNI_ARGS} pairs
   * @param capabilityArgs capability name to JSON value
   */
  public RuntimeConf {
    Objects.requireNonNull(containerId, "containerId");
    Objects.requireNonNull(netns, "netns");
    Objects.requireNonNull(ifname, "ifname");
    args = Map.copyOf(args);
    capabilityArgs = Map.copyOf(capabilityArgs);
  }

  /**
   * An attachment without arguments.
   *
   * @param containerId the container id
   * @param netns the network namespace path
   * @param ifname the interface name in the container
   * @return settings without {@code CNI_ARGS} or capability arguments
   */
  public static RuntimeConf of(String containerId, String netns, String ifname) {
    return new RuntimeConf(containerId, netns, ifname, Map.of(), Map.of());
  }
}
