package dev.k8snet.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.proxy.internal.Maglev;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Maglev table: balanced, the same whatever the input order, little disruption. */
class MaglevTest {
  private static List<String> backends(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add("10.0." + (i / 250) + "." + (i % 250) + ":8080");
    }
    return out;
  }

  private static String[] names(List<String> b, int[] t) {
    String[] out = new String[t.length];
    for (int i = 0; i < t.length; i++) {
      out[i] = b.get(t[i]);
    }
    return out;
  }

  @Test
  void eachBackendOwnsAboutItsShare() {
    List<String> b = backends(10);
    int[] t = Maglev.table(b, 1021, 7);
    int[] counts = new int[10];
    for (int i : t) {
      counts[i]++;
    }
    for (int c : counts) {
      assertTrue(c >= 102 && c <= 103, "share " + c);
    }
  }

  @Test
  void sameTableOnEveryNodeWhateverTheOrder() {
    List<String> b = backends(7);
    List<String> reversed = new ArrayList<>(b);
    java.util.Collections.reverse(reversed);
    assertArrayEquals(
        names(b, Maglev.table(b, 251, 1)), names(reversed, Maglev.table(reversed, 251, 1)));
  }

  @Test
  void removingOneBackendMovesLittleMoreThanItsEntries() {
    List<String> b = backends(20);
    String[] before = names(b, Maglev.table(b, 4093, 3));
    List<String> fewer = new ArrayList<>(b);
    String gone = fewer.remove(5);
    String[] after = names(fewer, Maglev.table(fewer, 4093, 3));
    int moved = 0;
    for (int i = 0; i < before.length; i++) {
      if (!before[i].equals(gone) && !before[i].equals(after[i])) {
        moved++;
      }
    }
    assertTrue(moved < 4093 * 0.06, "entries of remaining backends moved: " + moved);
  }

  @Test
  void onlyPrimeSizesFromTheListAreAccepted() {
    assertThrows(
        IllegalArgumentException.class, () -> ProxyConfig.builder().maglev(1000, 0).build());
    ProxyConfig.builder().maglev(251, 0).build();
  }
}
