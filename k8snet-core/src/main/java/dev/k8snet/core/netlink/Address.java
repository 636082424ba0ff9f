package dev.k8snet.core.netlink;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An address of an interface, as given to {@link Netlink#addAddress(Address)} or reported by {@link
 * Netlink#addresses()}.
 *
 * <pre>{@code
 * nl.addAddress(Address.of(eth0, InterfaceAddress.parse("fd00::1/64")).flags(Set.of(AddressFlag.NODAD)));
 * }</pre>
 *
 * @param linkIndex the interface index
 * @param address the address and its prefix length
 * @param scope the scope (default {@link RouteScope#UNIVERSE})
 * @param flags the flags; when adding, only flags the caller may set (e.g. NODAD, NOPREFIXROUTE)
 * @param label the IPv4 label, such as {@code eth0:1}
 * @since 0.1
 */
public record Address(
    int linkIndex,
    InterfaceAddress address,
    RouteScope scope,
    Set<AddressFlag> flags,
    Optional<String> label) {

  /**
   * Validates and copies the components.
   *
   * @param linkIndex the interface index, &gt; 0
   * @param address the address; not null
   * @param scope the scope; not null
   * @param flags the flags; copied
   * @param label the label; not null
   */
  public Address {
    if (linkIndex <= 0) {
      throw new IllegalArgumentException("linkIndex: " + linkIndex + " (expected: > 0)");
    }
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(scope, "scope");
    flags = flags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flags));
    Objects.requireNonNull(label, "label");
  }

  /**
   * Returns an address of {@code link} with universe scope and no flags.
   *
   * @param link the interface
   * @param address the address and its prefix length
   * @return an address without label
   */
  public static Address of(Link link, InterfaceAddress address) {
    return of(link.index(), address);
  }

  /**
   * Returns an address of the interface with index {@code linkIndex}.
   *
   * @param linkIndex the interface index, &gt; 0
   * @param address the address and its prefix length
   * @return an address with universe scope, no flags and no label
   */
  public static Address of(int linkIndex, InterfaceAddress address) {
    return new Address(linkIndex, address, RouteScope.UNIVERSE, Set.of(), Optional.empty());
  }

  /**
   * Returns a copy with {@code value} as scope.
   *
   * @param value the scope
   * @return a copy with the other components unchanged
   */
  public Address scope(RouteScope value) {
    return new Address(linkIndex, address, value, flags, label);
  }

  /**
   * Returns a copy with {@code value} as flags.
   *
   * @param value the flags
   * @return a copy with the other components unchanged
   */
  public Address flags(Set<AddressFlag> value) {
    return new Address(linkIndex, address, scope, value, label);
  }

  /**
   * Returns a copy with {@code value} as label (IPv4 only).
   *
   * @param value the label, such as {@code eth0:1}
   * @return a copy with the other components unchanged
   */
  public Address label(String value) {
    return new Address(linkIndex, address, scope, flags, Optional.of(value));
  }
}
