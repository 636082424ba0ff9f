package dev.k8snet.policy.internal;

import java.util.HashMap;
import java.util.Map;

/**
 * A map version: a large base shared with earlier versions plus the small set of changes since it
 * was made, so that deriving the next version costs O(changes) rather than O(size). The base is
 * never modified; once the changes grow past an eighth of the base they are merged into a new one.
 * Not thread-safe while being built; safe to share once built (it is then only read).
 */
final class LayeredMap<K, V> {
  private static final Object REMOVED = new Object();

  private final Map<K, V> base;
  private final Map<K, Object> top;

  LayeredMap() {
    this(new HashMap<>(), new HashMap<>());
  }

  private LayeredMap(Map<K, V> base, Map<K, Object> top) {
    this.base = base;
    this.top = top;
  }

  /** A copy to build the next version on. */
  LayeredMap<K, V> derive() {
    return new LayeredMap<>(base, new HashMap<>(top));
  }

  /** This version, or an equal one with the changes merged into a new base once they are many. */
  LayeredMap<K, V> compact() {
    if (top.size() > Math.max(64, base.size() / 8)) {
      Map<K, V> merged = new HashMap<>(base);
      top.forEach(
          (k, v) -> {
            if (v == REMOVED) {
              merged.remove(k);
            } else {
              merged.put(k, cast(v));
            }
          });
      return new LayeredMap<>(merged, new HashMap<>());
    }
    return this;
  }

  V get(K key) {
    if (!top.isEmpty()) {
      Object v = top.get(key);
      if (v != null) {
        return v == REMOVED ? null : cast(v);
      }
    }
    return base.get(key);
  }

  void put(K key, V value) {
    top.put(key, value);
  }

  void remove(K key) {
    if (base.containsKey(key)) {
      top.put(key, REMOVED);
    } else {
      top.remove(key);
    }
  }

  @SuppressWarnings("unchecked")
  private static <V> V cast(Object o) {
    return (V) o;
  }
}
