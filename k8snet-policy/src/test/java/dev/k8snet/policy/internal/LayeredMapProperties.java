package dev.k8snet.policy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

class LayeredMapProperties {

  /** Every version reads as a plain map that saw the same operations, across derive and compact. */
  @Property(tries = 200)
  void versionsBehaveLikeIndependentMaps(@ForAll long seed) {
    Random r = new Random(seed);
    List<LayeredMap<Integer, String>> versions = new ArrayList<>();
    List<Map<Integer, String>> models = new ArrayList<>();
    versions.add(new LayeredMap<>());
    models.add(new HashMap<>());
    for (int step = 0; step < 30; step++) {
      int from = r.nextInt(versions.size());
      LayeredMap<Integer, String> v = versions.get(from).derive();
      Map<Integer, String> m = new HashMap<>(models.get(from));
      int ops = r.nextInt(r.nextBoolean() ? 5 : 300);
      for (int i = 0; i < ops; i++) {
        int k = r.nextInt(400);
        if (r.nextInt(3) == 0) {
          v.remove(k);
          m.remove(k);
        } else {
          String value = "v" + step + "-" + i;
          v.put(k, value);
          m.put(k, value);
        }
      }
      versions.add(v.compact());
      models.add(m);
      for (int i = 0; i < versions.size(); i++) {
        for (int k = 0; k < 400; k++) {
          assertEquals(models.get(i).get(k), versions.get(i).get(k), "version " + i + " key " + k);
        }
      }
    }
  }
}
