package dev.k8snet.core.nftables;

import java.util.Objects;
import java.util.Optional;

/**
 * A table as nft lists it.
 *
 * @param family the family ({@code ip}, {@code ip6}, {@code inet}, {@code arp}, {@code bridge},
 *     {@code netdev})
 * @param name the table name
 * @param handle the kernel's handle
 * @param comment the table's comment, if it has one
 * @since 0.1
 */
public record NftTable(String family, String name, long handle, Optional<String> comment) {
  /**
   * Checks for nulls.
   *
   * @param family the family ({@code ip}, {@code ip6}, {@code inet}, {@code arp}, {@code bridge},
   *     {@code netdev})
   * @param name the table name
   * @param handle the kernel's handle
   * @param comment the table's comment, if it has one
   */
  public NftTable {
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(comment, "comment");
  }
}
