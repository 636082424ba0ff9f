package dev.k8snet.core.netlink;

/**
 * A flag of a bridge port, set with {@link Netlink#setBridgePortFlag(Link, BridgePortFlag,
 * boolean)} ({@code bridge link set dev PORT hairpin on}, {@code isolated on}).
 *
 * @since 0.1
 */
public enum BridgePortFlag {
  /** Frames may be sent back out of the port they came in on (reflective relay). */
  HAIRPIN,
  /** The port forwards only to ports that are not isolated (and isolated ones only to it). */
  ISOLATED
}
