package dev.k8snet.proxy.ingress.internal;

import dev.k8snet.proxy.ingress.IngressMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The data plane's counters: cheap to bump from every event loop. */
public final class Metrics {
  static final long[] BOUNDS_MS = {1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000};

  private final LongAdder[] byStatus = new LongAdder[600];
  private final LongAdder[] latency = new LongAdder[BOUNDS_MS.length + 1];
  final LongAdder connectErrors = new LongAdder();
  final LongAdder timeouts = new LongAdder();
  final LongAdder resets = new LongAdder();
  final LongAdder retries = new LongAdder();
  final LongAdder active = new LongAdder();

  public Metrics() {
    for (int i = 0; i < byStatus.length; i++) {
      byStatus[i] = new LongAdder();
    }
    for (int i = 0; i < latency.length; i++) {
      latency[i] = new LongAdder();
    }
  }

  void record(int status, long nanos) {
    if (status >= 100 && status < 600) {
      byStatus[status].increment();
    }
    long ms = nanos / 1_000_000;
    int i = 0;
    while (i < BOUNDS_MS.length && ms >= BOUNDS_MS[i]) {
      i++;
    }
    latency[i].increment();
  }

  /** A snapshot. */
  public IngressMetrics snapshot() {
    Map<Integer, Long> s = new HashMap<>();
    for (int i = 0; i < byStatus.length; i++) {
      long n = byStatus[i].sum();
      if (n > 0) {
        s.put(i, n);
      }
    }
    List<Long> bounds = new ArrayList<>();
    for (long b : BOUNDS_MS) {
      bounds.add(b);
    }
    List<Long> counts = new ArrayList<>();
    for (LongAdder a : latency) {
      counts.add(a.sum());
    }
    return new IngressMetrics(
        s,
        bounds,
        counts,
        connectErrors.sum(),
        timeouts.sum(),
        resets.sum(),
        retries.sum(),
        active.sum());
  }
}
