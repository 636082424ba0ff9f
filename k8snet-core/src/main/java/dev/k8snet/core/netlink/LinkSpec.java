package dev.k8snet.core.netlink;

import dev.k8snet.core.MacAddress;
import dev.k8snet.core.netns.NetworkNamespace;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * What to create with {@link Netlink#addLink(LinkSpec)}: a name, a {@link LinkKind} and optional
 * common settings. Immutable; build with {@link #builder(String, LinkKind)}:
 *
 * <pre>{@code
 * nl.addLink(LinkSpec.builder("veth-host", LinkKind.veth("eth0").peerNamespace(podNs))
 *     .mtu(1450)
 *     .up(true)
 *     .build());
 * }</pre>
 *
 * @param name the interface name (1 to 15 bytes, no '/', ':' or whitespace)
 * @param kind the kind and its settings
 * @param mtu the MTU (default: the kernel's for the kind)
 * @param mac the MAC address (default: random)
 * @param masterIndex the bridge to enslave the link to
 * @param up whether to bring the link up on creation
 * @param namespace where to create the link (default: the handle's namespace)
 * @since 0.1
 */
public record LinkSpec(
    String name,
    LinkKind kind,
    OptionalInt mtu,
    Optional<MacAddress> mac,
    OptionalInt masterIndex,
    boolean up,
    Optional<NetworkNamespace> namespace) {

  private static final Pattern NAME = Pattern.compile("[^/:\\s]{1,15}");

  /**
   * Validates the components.
   *
   * @param name the interface name, 1 to 15 bytes without '/', ':' or whitespace
   * @param kind the kind; not null
   * @param mtu the MTU; when present, 68 to 65535
   * @param mac the MAC address; not null
   * @param masterIndex the bridge's index; not null
   * @param up whether to bring the link up on creation
   * @param namespace where to create the link; not null
   */
  public LinkSpec {
    checkName("name", name);
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(mtu, "mtu");
    mtu.ifPresent(LinkSpec::checkMtu);
    Objects.requireNonNull(mac, "mac");
    Objects.requireNonNull(masterIndex, "masterIndex");
    Objects.requireNonNull(namespace, "namespace");
  }

  /**
   * Starts a spec for a link of {@code kind} named {@code name}.
   *
   * @param name the interface name
   * @param kind the kind and its settings
   * @return a builder with the defaults documented on {@link LinkSpec}
   */
  public static Builder builder(String name, LinkKind kind) {
    return new Builder(name, kind);
  }

  /**
   * Returns a spec with only a name and a kind.
   *
   * @param name the interface name
   * @param kind the kind and its settings
   * @return a spec with the defaults documented on {@link LinkSpec}
   */
  public static LinkSpec of(String name, LinkKind kind) {
    return builder(name, kind).build();
  }

  static String checkName(String what, String name) {
    Objects.requireNonNull(name, what);
    if (!NAME.matcher(name).matches()
        || name.getBytes(StandardCharsets.UTF_8).length > 15
        || name.equals(".")
        || name.equals("..")) {
      throw new IllegalArgumentException(
          what + ": " + name + " (expected: 1 to 15 bytes without '/', ':' or whitespace)");
    }
    return name;
  }

  static int checkMtu(int mtu) {
    if (mtu < 68 || mtu > 65535) {
      throw new IllegalArgumentException("mtu: " + mtu + " (expected: 68 to 65535)");
    }
    return mtu;
  }

  /**
   * Builds a {@link LinkSpec}; not thread-safe.
   *
   * @since 0.1
   */
  public static final class Builder {
    private final String name;
    private final LinkKind kind;
    private OptionalInt mtu = OptionalInt.empty();
    private Optional<MacAddress> mac = Optional.empty();
    private OptionalInt masterIndex = OptionalInt.empty();
    private boolean up;
    private Optional<NetworkNamespace> namespace = Optional.empty();

    private Builder(String name, LinkKind kind) {
      this.name = name;
      this.kind = kind;
    }

    /**
     * Sets the MTU (68 to 65535).
     *
     * @param value the MTU
     * @return this builder
     */
    public Builder mtu(int value) {
      this.mtu = OptionalInt.of(checkMtu(value));
      return this;
    }

    /**
     * Sets the MAC address.
     *
     * @param value the MAC address
     * @return this builder
     */
    public Builder mac(MacAddress value) {
      this.mac = Optional.of(value);
      return this;
    }

    /**
     * Enslaves the new link to {@code bridge}.
     *
     * @param bridge the bridge
     * @return this builder
     */
    public Builder master(Link bridge) {
      this.masterIndex = OptionalInt.of(bridge.index());
      return this;
    }

    /**
     * Brings the link up on creation (default: down).
     *
     * @param value whether to bring the link up
     * @return this builder
     */
    public Builder up(boolean value) {
      this.up = value;
      return this;
    }

    /**
     * Creates the link directly in {@code ns} instead of the handle's namespace.
     *
     * @param ns the namespace
     * @return this builder
     */
    public Builder namespace(NetworkNamespace ns) {
      this.namespace = Optional.of(ns);
      return this;
    }

    /**
     * Returns the spec.
     *
     * @return a new spec
     */
    public LinkSpec build() {
      return new LinkSpec(name, kind, mtu, mac, masterIndex, up, namespace);
    }
  }
}
