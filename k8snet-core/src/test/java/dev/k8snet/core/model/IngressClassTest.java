package dev.k8snet.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IngressClassTest {
  private static IngressClass ingressClass(String name, boolean isDefault, Instant created) {
    ObjectMeta meta =
        new ObjectMeta("", name, Map.of(), Map.of(), "", "", Optional.ofNullable(created));
    return new IngressClass(meta, "k8snet.dev/ingress", isDefault);
  }

  @Test
  void theNewestDefaultClassWinsAndTiesGoToTheLowerName() {
    Instant t1 = Instant.parse("2026-01-01T00:00:00Z");
    Instant t2 = Instant.parse("2026-02-01T00:00:00Z");
    IngressClass old = ingressClass("a-old", true, t1);
    IngressClass newer = ingressClass("z-new", true, t2);
    IngressClass notDefault = ingressClass("b", false, t2.plusSeconds(1));
    assertEquals(Optional.of(newer), IngressClass.defaultClass(List.of(old, newer, notDefault)));
    IngressClass tieB = ingressClass("b", true, t2);
    assertEquals(Optional.of(tieB), IngressClass.defaultClass(List.of(newer, tieB)));
    assertEquals(
        Optional.of(old), IngressClass.defaultClass(List.of(old, ingressClass("c", true, null))));
    assertEquals(Optional.empty(), IngressClass.defaultClass(List.of(notDefault)));
  }
}
