package dev.k8snet.core.nftables;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A named set or map as nft lists it, with its elements.
 *
 * @param family the table's family
 * @param table the table name
 * @param name the set name
 * @param handle the kernel's handle
 * @param keyType the key type, one entry per concatenated field (e.g. {@code [ipv4_addr,
 *     inet_service]})
 * @param mapType for maps: the value type ({@code verdict}, {@code ipv4_addr}…)
 * @param flags the set flags ({@code interval}, {@code timeout}…)
 * @param elements the elements in nft text form: {@code 10.0.0.1}, {@code 10.0.0.1 . 80}, {@code
 *     10.0.0.0/24}, {@code 1-5}; map elements as {@code KEY : VALUE}
 * @since 0.1
 */
public record NftSet(
    String family,
    String table,
    String name,
    long handle,
    List<String> keyType,
    Optional<String> mapType,
    Set<String> flags,
    List<String> elements) {
  /**
   * Copies the collections.
   *
   * @param family the table's family
   * @param table the table name
   * @param name the set name
   * @param handle the kernel's handle
   * @param keyType the key type, one entry per concatenated field (e.g. {@code [ipv4_addr,
   *     inet_service]})
   * @param mapType for maps: the value type ({@code verdict}, {@code ipv4_addr}…)
   * @param flags the set flags ({@code interval}, {@code timeout}…)
   * @param elements the elements in nft text form: {@code 10.0.0.1}, {@code 10.0.0.1 . 80}, {@code
   *     10.0.0.0/24}, {@code 1-5}; map elements as {@code KEY : VALUE}
   */
  public NftSet {
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(name, "name");
    keyType = List.copyOf(keyType);
    Objects.requireNonNull(mapType, "mapType");
    flags = Set.copyOf(flags);
    elements = List.copyOf(elements);
  }

  /**
   * Returns whether this is a map.
   *
   * @return whether the set maps keys to values
   */
  public boolean map() {
    return mapType.isPresent();
  }
}
