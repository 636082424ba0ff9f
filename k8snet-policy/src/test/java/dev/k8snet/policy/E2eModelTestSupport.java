package dev.k8snet.policy;

import dev.k8snet.core.manifest.ManifestReader;
import dev.k8snet.core.model.KubernetesObject;
import java.util.List;

/** Reads fixture manifests. */
final class E2eModelTestSupport {
  private E2eModelTestSupport() {}

  static List<KubernetesObject> read(String yaml) {
    ManifestReader.Result r = ManifestReader.create().readString("fixture.yaml", yaml);
    if (!r.isValid()) {
      throw new AssertionError("invalid fixture: " + r.errors());
    }
    return r.objects();
  }
}
