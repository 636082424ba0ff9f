package dev.k8snet.cni.ipam;

import dev.k8snet.cni.CniEnvironment;
import dev.k8snet.cni.CniResult;
import dev.k8snet.cni.NetworkConfig;
import dev.k8snet.cni.internal.IpamConfigParser;
import dev.k8snet.core.IpAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The {@code ipam} section of a network configuration in host-local's format, with the runtime's
 * additions (requested IPs, {@code ipRanges}) applied. Immutable.
 *
 * @param rangeSets the range sets; one address is allocated from each
 * @param routes the routes to return
 * @param dataDir the state directory (default {@value #DEFAULT_DATA_DIR})
 * @param dns the DNS settings to return
 * @param requested addresses requested by the runtime ({@code CNI_ARGS IP=}, {@code args.cni.ips},
 *     {@code runtimeConfig.ips})
 * @since 0.1
 */
public record IpamConfig(
    List<List<IpamRange>> rangeSets,
    List<CniResult.Route> routes,
    Path dataDir,
    CniResult.Dns dns,
    List<IpAddress> requested) {

  /** host-local's default state directory. */
  public static final String DEFAULT_DATA_DIR = "/var/lib/cni/networks";

  /**
   * Copies the components.
   *
   * @param rangeSets the range sets; one address is allocated from each
   * @param routes the routes to return
   * @param dataDir the state directory (default {@value #DEFAULT_DATA_DIR})
   * @param dns the DNS settings to return
   * @param requested addresses requested by the runtime ({@code CNI_ARGS IP=}, {@code
   *     args.cni.ips}, {@code runtimeConfig.ips})
   */
  public IpamConfig {
    rangeSets = rangeSets.stream().map(List::copyOf).toList();
    routes = List.copyOf(routes);
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(dns, "dns");
    requested = List.copyOf(requested);
  }

  /**
   * Reads the {@code ipam} section of {@code config} with host-local's rules and messages.
   *
   * @param config the network configuration
   * @param env the call's environment, whose {@code CNI_ARGS} may request addresses ({@code IP=})
   * @return the IPAM configuration
   * @throws dev.k8snet.cni.CniException code 7 naming the invalid field
   */
  public static IpamConfig parse(NetworkConfig config, CniEnvironment env) {
    return IpamConfigParser.parse(config, env);
  }
}
