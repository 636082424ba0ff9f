package dev.k8snet.proxy.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * Maglev consistent hashing (Eisenbud et al., NSDI 2016): a lookup table of prime size M in which
 * each backend owns about M/N entries, identical on every node for the same backends, size and
 * seed, and in which removing one backend moves little more than that backend's own entries.
 * Backends are ordered by name first, so the input order does not matter.
 */
public final class Maglev {
  private Maglev() {}

  /**
   * Builds the table.
   *
   * @param backends backend names (e.g. {@code ip:port}), at least one, distinct
   * @param size the table size M, a prime larger than the number of backends
   * @param seed mixed into every backend's permutation
   * @return for each of the M entries, the index of its backend in {@code backends}
   */
  public static int[] table(List<String> backends, int size, int seed) {
    int n = backends.size();
    if (n == 0) {
      throw new IllegalArgumentException("backends: [] (expected: at least one)");
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    order.sort((a, b) -> backends.get(a).compareTo(backends.get(b)));
    long[] offset = new long[n];
    long[] skip = new long[n];
    for (int k = 0; k < n; k++) {
      byte[] h = sha256(seed, backends.get(order.get(k)));
      ByteBuffer bb = ByteBuffer.wrap(h);
      offset[k] = Long.remainderUnsigned(bb.getLong(), size);
      skip[k] = Long.remainderUnsigned(bb.getLong(), size - 1) + 1;
    }
    int[] table = new int[size];
    java.util.Arrays.fill(table, -1);
    long[] next = new long[n];
    int filled = 0;
    while (true) {
      for (int k = 0; k < n; k++) {
        long c = (offset[k] + next[k] * skip[k]) % size;
        while (table[(int) c] >= 0) {
          next[k]++;
          c = (offset[k] + next[k] * skip[k]) % size;
        }
        table[(int) c] = order.get(k);
        next[k]++;
        if (++filled == size) {
          return table;
        }
      }
    }
  }

  private static byte[] sha256(int seed, String name) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(ByteBuffer.allocate(4).putInt(seed).array());
      return d.digest(name.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Returns whether {@code m} is one of the table sizes offered: primes from 251 to 131071
   * (Cilium's list).
   *
   * @param m the size
   * @return true if allowed
   */
  public static boolean allowedSize(int m) {
    return List.of(251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071).contains(m);
  }
}
