package dev.k8snet.proxy;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpFamily;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The service proxy's settings, the subset of kube-proxy's {@code KubeProxyConfiguration} that
 * changes which packets are rewritten and how.
 *
 * <p>Immutable and thread-safe. Defaults are kube-proxy's nftables-mode defaults: no cluster CIDR
 * (so no local-traffic detector: ClusterIP traffic is never masqueraded unless {@link
 * #masqueradeAll()}), node ports on the node's primary address only, masquerade bit 14, sync
 * periods of 1 s (minimum) and 30 s (full reconcile).
 *
 * @param clusterCidrs the pod network, used to tell pod sources from others (kube-proxy's {@code
 *     clusterCIDR}, comma separated there); may hold one block per family
 * @param serviceCidrs the service ranges; traffic to an unallocated address in them is dropped
 * @param nodePortAddresses CIDRs, or the word {@code primary}; empty means {@code primary}; a
 *     {@code 0.0.0.0/0} or {@code ::/0} block means every local non-loopback address
 * @param masqueradeAll masquerade all traffic to ClusterIPs
 * @param masqueradeBit the packet mark bit used to request masquerading (0 ~ 31)
 * @param minSyncPeriod the shortest interval between two syncs
 * @param syncPeriod the interval of the periodic full reconcile
 * @param preferSameNode whether {@code hints.forNodes} are honoured (the
 *     PreferSameTrafficDistribution feature, on by default since 1.35)
 * @param maglevTableSize 0 to pick endpoints at random (kube-proxy's way); else the prime size M of
 *     a Maglev table per service (251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521 or 131071),
 *     so that a flow (source address and port, destination port) picks the same endpoint on every
 *     node; M elements per frontend, so keep it for the services that need it
 * @param maglevSeed the Maglev and flow-hash seed; must be the same on every node
 * @param conntrack the connection-tracking settings; unless TCP tracking is liberal, packets in the
 *     INVALID state are dropped when forwarded, as kube-proxy does (#74839)
 * @since 0.1.0
 */
public record ProxyConfig(
    List<Cidr> clusterCidrs,
    List<Cidr> serviceCidrs,
    List<String> nodePortAddresses,
    boolean masqueradeAll,
    int masqueradeBit,
    Duration minSyncPeriod,
    Duration syncPeriod,
    boolean preferSameNode,
    int maglevTableSize,
    int maglevSeed,
    ConntrackConfig conntrack) {

  /** The defaults. */
  public static final ProxyConfig DEFAULT = builder().build();

  /**
   * Validates and copies.
   *
   * @param clusterCidrs the pod network, used to tell pod sources from others (kube-proxy's {@code
   *     clusterCIDR}, comma separated there); may hold one block per family
   * @param serviceCidrs the service ranges; traffic to an unallocated address in them is dropped
   * @param nodePortAddresses CIDRs, or the word {@code primary}; empty means {@code primary}; a
   *     {@code 0.0.0.0/0} or {@code ::/0} block means every local non-loopback address
   * @param masqueradeAll masquerade all traffic to ClusterIPs
   * @param masqueradeBit the packet mark bit used to request masquerading (0 ~ 31)
   * @param minSyncPeriod the shortest interval between two syncs
   * @param syncPeriod the interval of the periodic full reconcile
   * @param preferSameNode whether {@code hints.forNodes} are honoured (the
   *     PreferSameTrafficDistribution feature, on by default since 1.35)
   * @param maglevTableSize 0 to pick endpoints at random (kube-proxy's way); else the prime size M
   *     of a Maglev table per service (251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521 or
   *     131071), so that a flow (source address and port, destination port) picks the same endpoint
   *     on every node; M elements per frontend, so keep it for the services that need it
   * @param maglevSeed the Maglev and flow-hash seed; must be the same on every node
   * @param conntrack the connection-tracking settings; unless TCP tracking is liberal, packets in
   *     the INVALID state are dropped when forwarded, as kube-proxy does (#74839)
   */
  public ProxyConfig {
    clusterCidrs = List.copyOf(clusterCidrs);
    serviceCidrs = List.copyOf(serviceCidrs);
    nodePortAddresses = List.copyOf(nodePortAddresses);
    for (String a : nodePortAddresses) {
      if (!a.equals("primary") && Cidr.tryParse(a.trim()).isEmpty()) {
        throw new IllegalArgumentException(
            "nodePortAddresses: " + a + " (expected: a CIDR or \"primary\")");
      }
    }
    if (masqueradeBit < 0 || masqueradeBit > 31) {
      throw new IllegalArgumentException("masqueradeBit: " + masqueradeBit + " (expected: 0 ~ 31)");
    }
    Objects.requireNonNull(minSyncPeriod, "minSyncPeriod");
    Objects.requireNonNull(syncPeriod, "syncPeriod");
    Objects.requireNonNull(conntrack, "conntrack");
    if (maglevTableSize != 0 && !dev.k8snet.proxy.internal.Maglev.allowedSize(maglevTableSize)) {
      throw new IllegalArgumentException(
          "maglevTableSize: "
              + maglevTableSize
              + " (expected: 0, 251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521 or 131071)");
    }
  }

  /**
   * Returns the cluster CIDRs of one family.
   *
   * @param family the family
   * @return the blocks, possibly empty (no local-traffic detector for that family)
   */
  public List<Cidr> clusterCidrs(IpFamily family) {
    return clusterCidrs.stream().filter(c -> c.family() == family).toList();
  }

  /**
   * Returns the service CIDRs of one family.
   *
   * @param family the family
   * @return the blocks
   */
  public List<Cidr> serviceCidrs(IpFamily family) {
    return serviceCidrs.stream().filter(c -> c.family() == family).toList();
  }

  /**
   * Returns the masquerade mark, {@code 1 << masqueradeBit}.
   *
   * @return the mark
   */
  public int masqueradeMark() {
    return 1 << masqueradeBit;
  }

  /**
   * Returns a builder with the defaults.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder starting from these settings.
   *
   * @return a builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.clusterCidrs = new ArrayList<>(clusterCidrs);
    b.serviceCidrs = new ArrayList<>(serviceCidrs);
    b.nodePortAddresses = new ArrayList<>(nodePortAddresses);
    b.masqueradeAll = masqueradeAll;
    b.masqueradeBit = masqueradeBit;
    b.minSyncPeriod = minSyncPeriod;
    b.syncPeriod = syncPeriod;
    b.preferSameNode = preferSameNode;
    b.maglevTableSize = maglevTableSize;
    b.maglevSeed = maglevSeed;
    b.conntrack = conntrack;
    return b;
  }

  /**
   * Builds a {@link ProxyConfig}.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private List<Cidr> clusterCidrs = new ArrayList<>();
    private List<Cidr> serviceCidrs = new ArrayList<>();
    private List<String> nodePortAddresses = new ArrayList<>();
    private boolean masqueradeAll;
    private int masqueradeBit = 14;
    private Duration minSyncPeriod = Duration.ofSeconds(1);
    private Duration syncPeriod = Duration.ofSeconds(30);
    private boolean preferSameNode = true;
    private int maglevTableSize;
    private int maglevSeed;
    private ConntrackConfig conntrack = ConntrackConfig.DEFAULT;

    private Builder() {}

    /**
     * Sets the connection-tracking settings.
     *
     * @param conntrack the settings
     * @return this
     */
    public Builder conntrack(ConntrackConfig conntrack) {
      this.conntrack = Objects.requireNonNull(conntrack, "conntrack");
      return this;
    }

    /**
     * Selects endpoints by Maglev consistent hashing instead of at random.
     *
     * @param tableSize the prime table size M, or 0 for random selection
     * @param seed the seed, the same on every node
     * @return this
     */
    public Builder maglev(int tableSize, int seed) {
      this.maglevTableSize = tableSize;
      this.maglevSeed = seed;
      return this;
    }

    /**
     * Sets the pod network blocks.
     *
     * @param cidrs the blocks
     * @return this
     */
    public Builder clusterCidrs(List<Cidr> cidrs) {
      this.clusterCidrs = new ArrayList<>(cidrs);
      return this;
    }

    /**
     * Sets the service ranges.
     *
     * @param cidrs the blocks
     * @return this
     */
    public Builder serviceCidrs(List<Cidr> cidrs) {
      this.serviceCidrs = new ArrayList<>(cidrs);
      return this;
    }

    /**
     * Sets where node ports are opened.
     *
     * @param addresses CIDRs or {@code primary}
     * @return this
     */
    public Builder nodePortAddresses(List<String> addresses) {
      this.nodePortAddresses = new ArrayList<>();
      for (String a : addresses) {
        this.nodePortAddresses.add(a.trim().toLowerCase(Locale.ROOT));
      }
      return this;
    }

    /**
     * Sets masquerade-all mode.
     *
     * @param masqueradeAll whether to masquerade all ClusterIP traffic
     * @return this
     */
    public Builder masqueradeAll(boolean masqueradeAll) {
      this.masqueradeAll = masqueradeAll;
      return this;
    }

    /**
     * Sets the masquerade mark bit.
     *
     * @param bit 0 ~ 31
     * @return this
     */
    public Builder masqueradeBit(int bit) {
      this.masqueradeBit = bit;
      return this;
    }

    /**
     * Sets the minimum interval between syncs.
     *
     * @param period the interval
     * @return this
     */
    public Builder minSyncPeriod(Duration period) {
      this.minSyncPeriod = Objects.requireNonNull(period, "period");
      return this;
    }

    /**
     * Sets the full reconcile interval.
     *
     * @param period the interval
     * @return this
     */
    public Builder syncPeriod(Duration period) {
      this.syncPeriod = Objects.requireNonNull(period, "period");
      return this;
    }

    /**
     * Sets whether node hints are honoured.
     *
     * @param prefer whether {@code hints.forNodes} select endpoints
     * @return this
     */
    public Builder preferSameNode(boolean prefer) {
      this.preferSameNode = prefer;
      return this;
    }

    /**
     * Builds the settings.
     *
     * @return the settings
     */
    public ProxyConfig build() {
      return new ProxyConfig(
          clusterCidrs,
          serviceCidrs,
          nodePortAddresses,
          masqueradeAll,
          masqueradeBit,
          minSyncPeriod,
          syncPeriod,
          preferSameNode,
          maglevTableSize,
          maglevSeed,
          conntrack);
    }
  }
}
