package dev.k8snet.cni.daemon;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.k8snet.cni.CallTimings;
import dev.k8snet.cni.internal.Json;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of the calls a {@link CniDaemon} served: per plugin and verb ({@code "k8snet-bridge
 * ADD"}) the number of calls and failures, their total and longest time, the total time per phase
 * (see {@link CallTimings}), and the last call's timings. Immutable; {@link #toJson()} is what the
 * daemon's metrics request answers and {@code k8snet cni metrics} prints.
 *
 * @param byCall statistics keyed by {@code "<plugin> <verb>"}, in first-seen order (unmodifiable)
 * @param last the most recent call, if any
 * @since 0.1
 */
public record CniMetrics(Map<String, Verb> byCall, Optional<CallTimings> last) {

  /**
   * Copies the map.
   *
   * @param byCall statistics keyed by {@code "<plugin> <verb>"}, in first-seen order (unmodifiable)
   * @param last the most recent call, if any
   */
  public CniMetrics {
    byCall = Collections.unmodifiableMap(new LinkedHashMap<>(byCall));
    Objects.requireNonNull(last, "last");
  }

  /**
   * No calls yet.
   *
   * @return a snapshot without calls
   */
  public static CniMetrics empty() {
    return new CniMetrics(Map.of(), Optional.empty());
  }

  /**
   * This snapshot with {@code t} added.
   *
   * @param t the timings of one call
   * @return a new snapshot; this one is unchanged
   */
  public CniMetrics plus(CallTimings t) {
    Map<String, Verb> m = new LinkedHashMap<>(byCall);
    m.merge(t.plugin() + " " + t.verb(), Verb.of(t), Verb::plus);
    return new CniMetrics(m, Optional.of(t));
  }

  /**
   * Total calls of all plugins and verbs.
   *
   * @return the number of calls
   */
  public long calls() {
    return byCall.values().stream().mapToLong(Verb::calls).sum();
  }

  /**
   * The statistics of one plugin and verb.
   *
   * @param calls calls served
   * @param failures calls that returned an error
   * @param total their total time
   * @param max the longest call
   * @param phases total time per phase, in first-seen order (unmodifiable)
   */
  public record Verb(
      long calls, long failures, Duration total, Duration max, Map<String, Duration> phases) {
    /**
     * Validates and copies.
     *
     * @param calls calls served
     * @param failures calls that returned an error
     * @param total their total time
     * @param max the longest call
     * @param phases total time per phase, in first-seen order (unmodifiable)
     */
    public Verb {
      if (calls < 0 || failures < 0 || failures > calls) {
        throw new IllegalArgumentException(
            "calls, failures: " + calls + ", " + failures + " (expected: 0 <= failures <= calls)");
      }
      Objects.requireNonNull(total, "total");
      Objects.requireNonNull(max, "max");
      phases = Collections.unmodifiableMap(new LinkedHashMap<>(phases));
    }

    static Verb of(CallTimings t) {
      return new Verb(1, t.succeeded() ? 0 : 1, t.total(), t.total(), t.phases());
    }

    Verb plus(Verb o) {
      Map<String, Duration> p = new LinkedHashMap<>(phases);
      o.phases.forEach((k, v) -> p.merge(k, v, Duration::plus));
      return new Verb(
          calls + o.calls,
          failures + o.failures,
          total.plus(o.total),
          max.compareTo(o.max) >= 0 ? max : o.max,
          p);
    }

    /**
     * The mean time of a call, zero without calls.
     *
     * @return the mean duration over all calls, or zero
     */
    public Duration mean() {
      return calls == 0 ? Duration.ZERO : total.dividedBy(calls);
    }
  }

  /**
   * The snapshot as JSON: {@code {"calls": {"k8snet-bridge ADD": {"calls": n, "failures": n,
   * "totalMicros": n, "meanMicros": n, "maxMicros": n, "phasesMicros": {"netns": n, …}}, …},
   * "last": {"plugin": …, "verb": …, "exitCode": n, "totalMicros": n, "phasesMicros": {…}}}}}.
   *
   * @return the JSON text
   */
  public String toJson() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    ObjectNode calls = o.putObject("calls");
    byCall.forEach(
        (k, v) -> {
          ObjectNode c = calls.putObject(k);
          c.put("calls", v.calls());
          c.put("failures", v.failures());
          c.put("totalMicros", micros(v.total()));
          c.put("meanMicros", micros(v.mean()));
          c.put("maxMicros", micros(v.max()));
          ObjectNode p = c.putObject("phasesMicros");
          v.phases().forEach((n, d) -> p.put(n, micros(d)));
        });
    last.ifPresent(
        t -> {
          ObjectNode l = o.putObject("last");
          l.put("plugin", t.plugin());
          l.put("verb", t.verb());
          l.put("exitCode", t.exitCode());
          l.put("totalMicros", micros(t.total()));
          ObjectNode p = l.putObject("phasesMicros");
          t.phases().forEach((n, d) -> p.put(n, micros(d)));
        });
    return Json.write(o);
  }

  private static long micros(Duration d) {
    return d.toNanos() / 1000;
  }
}
