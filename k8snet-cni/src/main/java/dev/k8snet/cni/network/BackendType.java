package dev.k8snet.cni.network;

import java.util.Locale;
import java.util.Optional;

/**
 * How packets between pods on different nodes travel, as Flannel's {@code Backend.Type}.
 *
 * @since 0.1
 */
public enum BackendType {
  /** A route per remote node via its underlay address; the nodes must share an L2 segment. */
  HOST_GW("host-gw"),
  /** A VXLAN overlay: one device per node and family, a neighbour, FDB entry and route per peer. */
  VXLAN("vxlan");

  private final String text;

  BackendType(String text) {
    this.text = text;
  }

  /**
   * Returns the configuration name, {@code host-gw} or {@code vxlan}.
   *
   * @return the name used in {@code Backend.Type}
   */
  public String text() {
    return text;
  }

  /**
   * Returns the type named {@code text} (case-insensitive), or empty.
   *
   * @param text the name, e.g. {@code host-gw}
   * @return the type, or empty for an unknown name
   */
  public static Optional<BackendType> fromText(String text) {
    for (BackendType t : values()) {
      if (t.text.equals(text.toLowerCase(Locale.ROOT))) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return text;
  }
}
