package dev.k8snet.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ObjectRefTest {

  @Test
  void printsKindAndNamespacedName() {
    assertEquals("Service default/web", new ObjectRef("Service", "default", "web").toString());
    assertEquals("Namespace default", new ObjectRef("Namespace", "", "default").toString());
  }

  @Test
  void ordersByKindThenNamespaceThenName() {
    List<ObjectRef> sorted =
        List.of(
            new ObjectRef("Pod", "a", "z"),
            new ObjectRef("Pod", "b", "a"),
            new ObjectRef("Pod", "b", "b"),
            new ObjectRef("Service", "a", "a"));
    for (int i = 1; i < sorted.size(); i++) {
      assertTrue(sorted.get(i - 1).compareTo(sorted.get(i)) < 0, sorted.get(i).toString());
    }
  }

  @Test
  void rejectsNulls() {
    NullPointerException e =
        assertThrows(NullPointerException.class, () -> new ObjectRef("Pod", null, "a"));
    assertEquals("namespace", e.getMessage());
  }

  @Test
  void objectMetaCopiesAndSortsItsMaps() {
    Map<String, String> labels = new HashMap<>(Map.of("b", "2", "a", "1"));
    ObjectMeta meta = ObjectMeta.of("default", "web", labels);
    labels.put("c", "3");
    assertEquals(List.of("a", "b"), List.copyOf(meta.labels().keySet()));
    assertThrows(UnsupportedOperationException.class, () -> meta.labels().put("d", "4"));
    assertEquals(Optional.empty(), meta.creationTimestamp());
    assertEquals("", meta.uid());
  }
}
