package dev.k8snet.cni;

import dev.k8snet.cni.internal.ResultCodec;
import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.netlink.InterfaceAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The result of an ADD, in a version-independent form: {@link #parse(String)} reads every spec
 * version (including the legacy {@code ip4}/{@code ip6} shape of 0.1.0/0.2.0 and the {@code
 * version} field of 0.3.x/0.4.0); {@link #toJson(CniVersion)} writes any of them. Immutable.
 *
 * <pre>{@code
 * CniResult r = CniResult.parse(stdout);
 * String legacy = r.toJson(CniVersion.V0_2_0); // {"cniVersion":"0.2.0","ip4":{...},"dns":{}}
 * }</pre>
 *
 * @param cniVersion the version the result was read in or is meant for
 * @param interfaces the interfaces, referenced by index from {@link IpConfig#interfaceIndex()}
 * @param ips the addresses
 * @param routes the routes
 * @param dns the DNS settings
 * @since 0.1
 */
public record CniResult(
    CniVersion cniVersion,
    List<Interface> interfaces,
    List<IpConfig> ips,
    List<Route> routes,
    Dns dns) {

  /**
   * Copies the lists so the result is immutable.
   *
   * @param cniVersion the version the result was read in or is meant for; not null
   * @param interfaces the interfaces; copied
   * @param ips the addresses; copied
   * @param routes the routes; copied
   * @param dns the DNS settings; not null
   */
  public CniResult {
    Objects.requireNonNull(cniVersion, "cniVersion");
    interfaces = List.copyOf(interfaces);
    ips = List.copyOf(ips);
    routes = List.copyOf(routes);
    Objects.requireNonNull(dns, "dns");
  }

  /**
   * An empty result of {@code version}.
   *
   * @param version the version of the result
   * @return a result without interfaces, addresses, routes or DNS settings
   */
  public static CniResult empty(CniVersion version) {
    return new CniResult(version, List.of(), List.of(), List.of(), Dns.EMPTY);
  }

  /**
   * Reads a result of any version.
   *
   * @param json the result as JSON
   * @return the result, with the version the JSON declares
   * @throws CniException code {@link CniException#DECODE_FAILURE} naming the bad field
   */
  public static CniResult parse(String json) {
    return ResultCodec.parse(json);
  }

  /**
   * Writes this result in the shape of {@code version}.
   *
   * @param version the version whose shape to write
   * @return the result as JSON
   * @throws CniException code {@link CniException#INCOMPATIBLE_VERSION} when the version cannot
   *     express the result (e.g. two IPv4 addresses in 0.2.0)
   */
  public String toJson(CniVersion version) {
    return ResultCodec.write(this, version);
  }

  /**
   * Writes this result in its own version.
   *
   * @return the result as JSON in the shape of {@link #cniVersion()}
   */
  public String toJson() {
    return toJson(cniVersion);
  }

  /**
   * Returns a copy with another version.
   *
   * @param version the version of the copy
   * @return a copy with the same interfaces, addresses, routes and DNS settings
   */
  public CniResult withVersion(CniVersion version) {
    return new CniResult(version, interfaces, ips, routes, dns);
  }

  /**
   * An interface of the result.
   *
   * @param name the name
   * @param mac the hardware address as text, empty when unknown
   * @param mtu the MTU (1.1.0)
   * @param sandbox the network namespace path, empty for the host
   * @param socketPath the socket path (1.1.0), empty when none
   * @param pciId the PCI id (1.1.0), empty when none
   * @since 0.1
   */
  public record Interface(
      String name, String mac, OptionalInt mtu, String sandbox, String socketPath, String pciId) {
    /**
     * Validates the components.
     *
     * @param name the name; not null
     * @param mac the hardware address as text; not null
     * @param mtu the MTU; not null
     * @param sandbox the network namespace path; not null
     * @param socketPath the socket path; not null
     * @param pciId the PCI id; not null
     */
    public Interface {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(mac, "mac");
      Objects.requireNonNull(mtu, "mtu");
      Objects.requireNonNull(sandbox, "sandbox");
      Objects.requireNonNull(socketPath, "socketPath");
      Objects.requireNonNull(pciId, "pciId");
    }

    /**
     * An interface with a name, MAC and sandbox only.
     *
     * @param name the name
     * @param mac the hardware address as text, empty when unknown
     * @param sandbox the network namespace path, empty for the host
     * @return an interface without MTU, socket path or PCI id
     */
    public static Interface of(String name, String mac, String sandbox) {
      return new Interface(name, mac, OptionalInt.empty(), sandbox, "", "");
    }
  }

  /**
   * An address of the result.
   *
   * @param address the address with its prefix length
   * @param gateway the gateway, if any
   * @param interfaceIndex the index into {@link CniResult#interfaces()}, if any
   * @since 0.1
   */
  public record IpConfig(
      InterfaceAddress address, Optional<IpAddress> gateway, OptionalInt interfaceIndex) {
    /**
     * Validates the components.
     *
     * @param address the address with its prefix length; not null
     * @param gateway the gateway; when present, of the family of {@code address}
     * @param interfaceIndex the index into {@link CniResult#interfaces()}; not null
     * @throws IllegalArgumentException when the gateway's family differs from the address's
     */
    public IpConfig {
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(gateway, "gateway");
      Objects.requireNonNull(interfaceIndex, "interfaceIndex");
      gateway.ifPresent(
          g -> {
            if (g.family() != address.family()) {
              throw new IllegalArgumentException(
                  "gateway: " + g + " (expected: the family of " + address + ")");
            }
          });
    }

    /**
     * Returns a copy pointing at interface {@code index}.
     *
     * @param index the index into {@link CniResult#interfaces()}
     * @return a copy with the same address and gateway
     */
    public IpConfig withInterface(int index) {
      return new IpConfig(address, gateway, OptionalInt.of(index));
    }
  }

  /**
   * A route of the result.
   *
   * @param dst the destination
   * @param gw the next hop, empty for the default gateway of the interface
   * @param mtu the route MTU (1.1.0)
   * @param advmss the advertised MSS (1.1.0)
   * @param priority the metric (1.1.0)
   * @param table the table (1.1.0)
   * @param scope the scope (1.1.0): 0 universe, 253 link, 254 host
   * @since 0.1
   */
  public record Route(
      Cidr dst,
      Optional<IpAddress> gw,
      OptionalInt mtu,
      OptionalInt advmss,
      OptionalInt priority,
      OptionalInt table,
      OptionalInt scope) {
    /**
     * Validates the components.
     *
     * @param dst the destination; not null
     * @param gw the next hop; not null
     * @param mtu the route MTU; not null
     * @param advmss the advertised MSS; not null
     * @param priority the metric; not null
     * @param table the table; not null
     * @param scope the scope; not null
     */
    public Route {
      Objects.requireNonNull(dst, "dst");
      Objects.requireNonNull(gw, "gw");
      Objects.requireNonNull(mtu, "mtu");
      Objects.requireNonNull(advmss, "advmss");
      Objects.requireNonNull(priority, "priority");
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(scope, "scope");
    }

    /**
     * A route to {@code dst} via {@code gw} (if any).
     *
     * @param dst the destination
     * @param gw the next hop, empty for the default gateway of the interface
     * @return a route without MTU, MSS, metric, table or scope
     */
    public static Route of(Cidr dst, Optional<IpAddress> gw) {
      return new Route(
          dst,
          gw,
          OptionalInt.empty(),
          OptionalInt.empty(),
          OptionalInt.empty(),
          OptionalInt.empty(),
          OptionalInt.empty());
    }
  }

  /**
   * DNS settings of the result.
   *
   * @param nameservers the name servers
   * @param domain the local domain, empty when none
   * @param search the search domains
   * @param options the resolver options
   * @since 0.1
   */
  public record Dns(
      List<String> nameservers, String domain, List<String> search, List<String> options) {
    /** No DNS settings. */
    public static final Dns EMPTY = new Dns(List.of(), "", List.of(), List.of());

    /**
     * Copies the lists so the settings are immutable.
     *
     * @param nameservers the name servers; copied
     * @param domain the local domain; not null
     * @param search the search domains; copied
     * @param options the resolver options; copied
     */
    public Dns {
      nameservers = List.copyOf(nameservers);
      Objects.requireNonNull(domain, "domain");
      search = List.copyOf(search);
      options = List.copyOf(options);
    }
  }
}
