package dev.k8snet.proxy;

import java.util.List;
import java.util.Objects;

/**
 * What the proxy does with the first packet of a new connection.
 *
 * @param verdict the outcome
 * @param destinations every {@code ip:port} the packet may be sent to (for {@link Verdict#DNAT}),
 *     sorted; IPv6 as {@code [ip]:port}
 * @param masquerade whether the packet's source may be masqueraded (also when it hairpins to its
 *     own sender through one of the destinations)
 * @param explanation the steps taken, one line each, for humans
 * @since 0.1.0
 */
public record TraceResult(
    Verdict verdict, List<String> destinations, boolean masquerade, List<String> explanation) {

  /**
   * The outcome for a packet.
   *
   * @since 0.1.0
   */
  public enum Verdict {
    /** Rewritten to one of the destinations. */
    DNAT,
    /** Silently dropped. */
    DROP,
    /** Rejected (TCP reset or ICMP unreachable). */
    REJECT,
    /** Not touched by the proxy. */
    ACCEPT
  }

  /**
   * Validates and copies.
   *
   * @param verdict the outcome
   * @param destinations every {@code ip:port} the packet may be sent to (for {@link Verdict#DNAT}),
   *     sorted; IPv6 as {@code [ip]:port}
   * @param masquerade whether the packet's source may be masqueraded (also when it hairpins to its
   *     own sender through one of the destinations)
   * @param explanation the steps taken, one line each, for humans
   */
  public TraceResult {
    Objects.requireNonNull(verdict, "verdict");
    destinations = List.copyOf(destinations);
    explanation = List.copyOf(explanation);
  }

  /**
   * Returns the JSON form, {@code {"verdict": …, "destinations": […], "masquerade": …}}.
   *
   * @return one line of JSON
   */
  public String toJson() {
    StringBuilder sb = new StringBuilder("{\"verdict\": \"").append(verdict).append("\", ");
    sb.append("\"destinations\": [");
    for (int i = 0; i < destinations.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append('"').append(destinations.get(i)).append('"');
    }
    return sb.append("], \"masquerade\": ").append(masquerade).append('}').toString();
  }
}
