package dev.k8snet.cni.plugins;

import dev.k8snet.core.netns.NetworkNamespace;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Pod namespaces for one test; deleted on close even when the test fails. */
final class PodNamespaces implements AutoCloseable {
  private final List<NetworkNamespace> created = new ArrayList<>();

  NetworkNamespace create() {
    byte[] id = new byte[4];
    ThreadLocalRandom.current().nextBytes(id);
    NetworkNamespace ns = NetworkNamespace.create("k8snet-pod-" + HexFormat.of().formatHex(id));
    created.add(ns);
    return ns;
  }

  void delete(NetworkNamespace ns) {
    if (created.remove(ns)) {
      ns.delete();
    }
  }

  @Override
  public void close() {
    for (NetworkNamespace ns : created) {
      try {
        ns.delete();
      } catch (RuntimeException e) {
        // best effort
      }
    }
    created.clear();
  }
}
