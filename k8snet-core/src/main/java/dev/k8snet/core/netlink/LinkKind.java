package dev.k8snet.core.netlink;

import dev.k8snet.core.IpAddress;
import dev.k8snet.core.MacAddress;
import dev.k8snet.core.netns.NetworkNamespace;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The kind of a link to create, with its kind-specific settings. Use the factories: {@link
 * #veth(String)}, {@link #bridge()}, {@link #vxlan(int)}, {@link #vlan(Link, int)}, {@link
 * #macvlan(Link, MacvlanMode)}, {@link #ifb()}, {@link #dummy()}. Which kinds exist depends on the
 * kernel build; creating a missing one fails with {@code EOPNOTSUPP} ("Unknown device type").
 *
 * @since 0.1
 */
public sealed interface LinkKind {
  /**
   * Returns the kernel's name of the kind, e.g. {@code "veth"}.
   *
   * @return the kind name the kernel uses in {@code IFLA_INFO_KIND}
   */
  String name();

  /**
   * A veth pair, with an optional namespace for the peer end.
   *
   * @param peerName the name of the peer end
   * @return veth settings with the peer in the same namespace, the kernel's MTU and a random MAC
   */
  static Veth veth(String peerName) {
    return new Veth(peerName, Optional.empty(), OptionalInt.empty(), Optional.empty());
  }

  /**
   * A Linux bridge.
   *
   * @return the {@code bridge} kind
   */
  static Simple bridge() {
    return new Simple("bridge");
  }

  /**
   * An intermediate functional block device (often used where {@code dummy} is missing).
   *
   * @return the {@code ifb} kind
   */
  static Simple ifb() {
    return new Simple("ifb");
  }

  /**
   * A dummy device (absent from some kernels).
   *
   * @return the {@code dummy} kind
   */
  static Simple dummy() {
    return new Simple("dummy");
  }

  /**
   * A VXLAN device with the given VNI, port 4789, learning on.
   *
   * @param vni the VXLAN network identifier, 0 to 16777215
   * @return VXLAN settings without local endpoint or underlay device
   */
  static Vxlan vxlan(int vni) {
    return new Vxlan(vni, Optional.empty(), OptionalInt.empty(), 4789, true);
  }

  /**
   * An 802.1Q VLAN device with the given id on top of {@code parent}.
   *
   * @param parent the lower device
   * @param id the VLAN id, 1 to 4094
   * @return VLAN settings
   */
  static Vlan vlan(Link parent, int id) {
    return new Vlan(Objects.requireNonNull(parent, "parent").index(), id);
  }

  /**
   * A macvlan on top of {@code parent}.
   *
   * @param parent the lower device
   * @param mode the macvlan mode
   * @return macvlan settings
   */
  static Macvlan macvlan(Link parent, MacvlanMode mode) {
    return new Macvlan(Objects.requireNonNull(parent, "parent").index(), mode);
  }

  /**
   * A kind without settings, e.g. {@code bridge}, {@code ifb}, {@code dummy}.
   *
   * @param name the kernel's kind name
   * @since 0.1
   */
  record Simple(String name) implements LinkKind {
    /**
     * Validates the name.
     *
     * @param name the kind name, 1 to 32 characters
     */
    public Simple {
      Objects.requireNonNull(name, "name");
      if (name.isEmpty() || name.length() > 32) {
        throw new IllegalArgumentException("kind: " + name + " (expected: 1 to 32 characters)");
      }
    }
  }

  /**
   * One end of a veth pair and the settings of its peer.
   *
   * @param peerName the peer's name
   * @param peerNamespace where the peer is created (default: the same namespace)
   * @param peerMtu the peer's MTU (default: the kernel's)
   * @param peerMac the peer's MAC (default: random)
   * @since 0.1
   */
  record Veth(
      String peerName,
      Optional<NetworkNamespace> peerNamespace,
      OptionalInt peerMtu,
      Optional<MacAddress> peerMac)
      implements LinkKind {
    /**
     * Validates the peer name.
     *
     * @param peerName the peer's name; a valid interface name
     * @param peerNamespace where the peer is created; not null
     * @param peerMtu the peer's MTU; not null
     * @param peerMac the peer's MAC; not null
     */
    public Veth {
      LinkSpec.checkName("peerName", peerName);
      Objects.requireNonNull(peerNamespace, "peerNamespace");
      Objects.requireNonNull(peerMtu, "peerMtu");
      Objects.requireNonNull(peerMac, "peerMac");
    }

    @Override
    public String name() {
      return "veth";
    }

    /**
     * Returns a copy that creates the peer directly in {@code ns}.
     *
     * @param ns the namespace the peer is created in
     * @return a copy with the same peer name, MTU and MAC
     */
    public Veth peerNamespace(NetworkNamespace ns) {
      return new Veth(peerName, Optional.of(ns), peerMtu, peerMac);
    }

    /**
     * Returns a copy with the peer's MTU.
     *
     * @param mtu the MTU, 68 to 65535
     * @return a copy with the same peer name, namespace and MAC
     */
    public Veth peerMtu(int mtu) {
      return new Veth(peerName, peerNamespace, OptionalInt.of(LinkSpec.checkMtu(mtu)), peerMac);
    }

    /**
     * Returns a copy with the peer's MAC.
     *
     * @param mac the MAC address
     * @return a copy with the same peer name, namespace and MTU
     */
    public Veth peerMac(MacAddress mac) {
      return new Veth(peerName, peerNamespace, peerMtu, Optional.of(mac));
    }
  }

  /**
   * VXLAN settings.
   *
   * @param vni the VXLAN network identifier (0 to 16777215)
   * @param local the local tunnel endpoint address
   * @param deviceIndex the underlay device index
   * @param port the UDP destination port
   * @param learning whether the device learns remote MACs from traffic
   * @since 0.1
   */
  record Vxlan(
      int vni, Optional<IpAddress> local, OptionalInt deviceIndex, int port, boolean learning)
      implements LinkKind {
    /**
     * Validates the ranges.
     *
     * @param vni the VXLAN network identifier, 0 to 16777215
     * @param local the local tunnel endpoint address; not null
     * @param deviceIndex the underlay device index; not null
     * @param port the UDP destination port, 1 to 65535
     * @param learning whether the device learns remote MACs from traffic
     */
    public Vxlan {
      if (vni < 0 || vni > 0xffffff) {
        throw new IllegalArgumentException("vni: " + vni + " (expected: 0 to 16777215)");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port: " + port + " (expected: 1 to 65535)");
      }
      Objects.requireNonNull(local, "local");
      Objects.requireNonNull(deviceIndex, "deviceIndex");
    }

    @Override
    public String name() {
      return "vxlan";
    }

    /**
     * Returns a copy with the local tunnel endpoint.
     *
     * @param address the local tunnel endpoint address
     * @return a copy with the other settings unchanged
     */
    public Vxlan local(IpAddress address) {
      return new Vxlan(vni, Optional.of(address), deviceIndex, port, learning);
    }

    /**
     * Returns a copy with the underlay device.
     *
     * @param device the underlay device
     * @return a copy with the other settings unchanged
     */
    public Vxlan device(Link device) {
      return deviceIndex(device.index());
    }

    /**
     * Returns a copy with the underlay device given by index (&gt; 0).
     *
     * @param index the underlay device's index, &gt; 0
     * @return a copy with the other settings unchanged
     */
    public Vxlan deviceIndex(int index) {
      if (index <= 0) {
        throw new IllegalArgumentException("deviceIndex: " + index + " (expected: > 0)");
      }
      return new Vxlan(vni, local, OptionalInt.of(index), port, learning);
    }

    /**
     * Returns a copy with the UDP port.
     *
     * @param udpPort the UDP destination port, 1 to 65535
     * @return a copy with the other settings unchanged
     */
    public Vxlan port(int udpPort) {
      return new Vxlan(vni, local, deviceIndex, udpPort, learning);
    }

    /**
     * Returns a copy with learning on or off.
     *
     * @param on whether the device learns remote MACs from traffic
     * @return a copy with the other settings unchanged
     */
    public Vxlan learning(boolean on) {
      return new Vxlan(vni, local, deviceIndex, port, on);
    }
  }

  /**
   * Macvlan settings.
   *
   * @param parentIndex the lower device's index
   * @param mode the macvlan mode
   * @since 0.1
   */
  record Macvlan(int parentIndex, MacvlanMode mode) implements LinkKind {
    /**
     * Validates the arguments.
     *
     * @param parentIndex the lower device's index, &gt; 0
     * @param mode the macvlan mode; not null
     */
    public Macvlan {
      if (parentIndex <= 0) {
        throw new IllegalArgumentException("parentIndex: " + parentIndex + " (expected: > 0)");
      }
      Objects.requireNonNull(mode, "mode");
    }

    @Override
    public String name() {
      return "macvlan";
    }
  }

  /**
   * 802.1Q VLAN settings.
   *
   * @param parentIndex the lower device's index
   * @param id the VLAN id (1 to 4094)
   * @since 0.1
   */
  record Vlan(int parentIndex, int id) implements LinkKind {
    /**
     * Validates the arguments.
     *
     * @param parentIndex the lower device's index, &gt; 0
     * @param id the VLAN id, 1 to 4094
     */
    public Vlan {
      if (parentIndex <= 0) {
        throw new IllegalArgumentException("parentIndex: " + parentIndex + " (expected: > 0)");
      }
      if (id < 1 || id > 4094) {
        throw new IllegalArgumentException("id: " + id + " (expected: 1 to 4094)");
      }
    }

    @Override
    public String name() {
      return "vlan";
    }
  }

  /**
   * The mode of a macvlan device.
   *
   * @since 0.1
   */
  enum MacvlanMode {
    /** No communication with other macvlans on the same parent. */
    PRIVATE(1),
    /** Traffic to other macvlans goes through the external switch. */
    VEPA(2),
    /** Macvlans on the same parent talk directly. */
    BRIDGE(4),
    /** One macvlan takes over the parent. */
    PASSTHRU(8);

    private final int code;

    MacvlanMode(int code) {
      this.code = code;
    }

    /**
     * Returns the kernel's {@code MACVLAN_MODE_*} code.
     *
     * @return the mode's {@code MACVLAN_MODE_*} value
     */
    public int code() {
      return code;
    }
  }
}
