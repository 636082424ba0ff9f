package dev.k8snet.dns.internal;

import java.util.concurrent.atomic.LongAdder;

/** Counters of a running server: queries by type and rcode, latency histogram, cache, drops. */
public final class Metrics {
  /** Upper bounds of the latency buckets in microseconds; the last bucket is unbounded. */
  public static final long[] LATENCY_BOUNDS_MICROS = {
    10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000,
    500_000, 1_000_000, 2_500_000
  };

  final LongAdder[] byType = adders(257);
  final LongAdder[] byRcode = adders(24);
  final LongAdder[] latency = adders(LATENCY_BOUNDS_MICROS.length + 1);
  final LongAdder latencySumNanos = new LongAdder();
  final LongAdder cacheHits = new LongAdder();
  final LongAdder cacheMisses = new LongAdder();
  final LongAdder prefetches = new LongAdder();
  final LongAdder staleAnswers = new LongAdder();
  final LongAdder dropped = new LongAdder();
  final LongAdder truncated = new LongAdder();
  final LongAdder forwarded = new LongAdder();

  private static LongAdder[] adders(int n) {
    LongAdder[] a = new LongAdder[n];
    for (int i = 0; i < n; i++) {
      a[i] = new LongAdder();
    }
    return a;
  }

  /** Records one answered query. */
  public void query(int qtype, int rcode, long nanos) {
    byType[qtype < 256 ? qtype : 256].increment();
    byRcode[rcode < 24 ? rcode : 23].increment();
    long micros = nanos / 1000;
    int i = 0;
    while (i < LATENCY_BOUNDS_MICROS.length && micros > LATENCY_BOUNDS_MICROS[i]) {
      i++;
    }
    latency[i].increment();
    latencySumNanos.add(nanos);
  }

  /** Returns the count of queries of a type (256 = all types above 255). */
  public long queriesOfType(int type) {
    return byType[Math.min(type, 256)].sum();
  }

  /** Returns the count of responses with an rcode. */
  public long responsesWithRcode(int rcode) {
    return byRcode[Math.min(rcode, 23)].sum();
  }

  /** Returns the latency histogram counts (non-cumulative), one per bucket. */
  public long[] latencyCounts() {
    long[] out = new long[latency.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = latency[i].sum();
    }
    return out;
  }

  /** Returns the sum of latencies in nanoseconds. */
  public long latencySumNanos() {
    return latencySumNanos.sum();
  }

  /** Cache hits. */
  public long cacheHits() {
    return cacheHits.sum();
  }

  /** Cache misses. */
  public long cacheMisses() {
    return cacheMisses.sum();
  }

  /** Prefetches started. */
  public long prefetches() {
    return prefetches.sum();
  }

  /** Stale answers served. */
  public long staleAnswers() {
    return staleAnswers.sum();
  }

  /** Packets dropped without answer. */
  public long dropped() {
    return dropped.sum();
  }

  /** Truncated responses. */
  public long truncated() {
    return truncated.sum();
  }

  /** Queries forwarded upstream. */
  public long forwarded() {
    return forwarded.sum();
  }
}
