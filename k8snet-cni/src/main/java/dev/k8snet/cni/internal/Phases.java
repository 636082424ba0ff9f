package dev.k8snet.cni.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/** Wall-clock time per phase of one plugin call (netns, links, IPAM, addresses, rules). */
public final class Phases {
  private final Map<String, Long> micros = new LinkedHashMap<>();
  private long last = System.nanoTime();
  private final long start = last;

  /** Ends the current phase under {@code name}. */
  public void mark(String name) {
    long now = System.nanoTime();
    micros.merge(name, (now - last) / 1000, Long::sum);
    last = now;
  }

  /** The phases so far, in microseconds, in order. */
  public Map<String, Long> micros() {
    return Map.copyOf(micros);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder();
    micros.forEach((k, v) -> s.append(k).append('=').append(v).append("µs "));
    return s.append("total=").append((System.nanoTime() - start) / 1000).append("µs").toString();
  }
}
