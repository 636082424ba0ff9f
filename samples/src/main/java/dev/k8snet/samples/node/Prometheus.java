package dev.k8snet.samples.node;

import java.util.Locale;
import java.util.Map;

/** Writes metrics in the Prometheus text exposition format (version 0.0.4). */
final class Prometheus {
  private final StringBuilder out = new StringBuilder();

  /** Starts a metric family: its HELP and TYPE lines. */
  Prometheus family(String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help.replace("\n", " ")).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    return this;
  }

  /** One sample without labels. */
  Prometheus sample(String name, double value) {
    return sample(name, Map.of(), value);
  }

  /** One sample with labels (written in the map's iteration order). */
  Prometheus sample(String name, Map<String, String> labels, double value) {
    out.append(name);
    if (!labels.isEmpty()) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<String, String> e : labels.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        out.append(e.getKey()).append("=\"").append(escape(e.getValue())).append('"');
      }
      out.append('}');
    }
    out.append(' ').append(format(value)).append('\n');
    return this;
  }

  /** A gauge with one sample. */
  Prometheus gauge(String name, String help, double value) {
    return family(name, "gauge", help).sample(name, value);
  }

  /** A counter with one sample. */
  Prometheus counter(String name, String help, double value) {
    return family(name, "counter", help).sample(name, value);
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static String format(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, "%.9g", v);
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
