package dev.k8snet.core.nftables;

import java.util.Objects;

/**
 * A table as nft lists it.
 *
 * @param family the family ({@code ip}, {@code ip6}, {@code inet}, {@code arp}, {@code bridge},
 *     {@code netdev})
 * @param name the table name
 * @param handle the kernel's handle
 * @since 0.1
 */
public record NftTable(String family, String name, long handle) {
  /** Checks for nulls. */
  public NftTable {
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(name, "name");
  }
}
