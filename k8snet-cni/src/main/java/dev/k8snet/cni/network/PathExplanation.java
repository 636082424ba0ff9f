package dev.k8snet.cni.network;

import dev.k8snet.core.IpAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The path of a packet from one pod to another pod (or any address), in kernel-object terms: the
 * route on the source node, the neighbour and FDB entry of a VXLAN peer, the underlay route, the
 * masquerade verdict, and the delivery on the destination node. Immutable; from {@link
 * NetworkExplain}.
 *
 * @param source the source address
 * @param destination the destination address
 * @param sourceNode the node of the source pod
 * @param destinationNode the node of the destination pod, empty for an address outside the pods
 * @param mode how the destination node is reached (NONE for same node or outside)
 * @param steps the hops in order
 * @param masquerade whether the source is rewritten to the node's address
 * @param ok whether every object the path needs exists (in the model, and in the kernel if it was
 *     read)
 * @since 0.1
 */
public record PathExplanation(
    IpAddress source,
    IpAddress destination,
    String sourceNode,
    Optional<String> destinationNode,
    PathMode mode,
    List<Step> steps,
    boolean masquerade,
    boolean ok) {

  /**
   * Validates and copies the components.
   *
   * @param source the source address
   * @param destination the destination address
   * @param sourceNode the node of the source pod
   * @param destinationNode the node of the destination pod, empty for an address outside the pods
   * @param mode how the destination node is reached (NONE for same node or outside)
   * @param steps the hops in order
   * @param masquerade whether the source is rewritten to the node's address
   * @param ok whether every object the path needs exists (in the model, and in the kernel if it was
   *     read)
   */
  public PathExplanation {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(sourceNode, "sourceNode");
    Objects.requireNonNull(destinationNode, "destinationNode");
    Objects.requireNonNull(mode, "mode");
    steps = List.copyOf(steps);
  }

  /**
   * One hop.
   *
   * @param kind what it is: {@code route}, {@code neighbour}, {@code fdb}, {@code underlay}, {@code
   *     masquerade}, {@code deliver}, {@code problem}
   * @param object the kernel object in {@code ip}/{@code bridge} notation, or the decision
   * @param kernel what the kernel holds for it: {@code present}, {@code missing}, {@code differs:
   *     …}; empty when the kernel was not read or the step has no single object
   * @since 0.1
   */
  public record Step(String kind, String object, Optional<String> kernel) {
    /**
     * Checks for nulls.
     *
     * @param kind what it is: {@code route}, {@code neighbour}, {@code fdb}, {@code underlay},
     *     {@code masquerade}, {@code deliver}, {@code problem}
     * @param object the kernel object in {@code ip}/{@code bridge} notation, or the decision
     * @param kernel what the kernel holds for it: {@code present}, {@code missing}, {@code differs:
     *     …}; empty when the kernel was not read or the step has no single object
     */
    public Step {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(object, "object");
      Objects.requireNonNull(kernel, "kernel");
    }
  }

  /**
   * Renders the explanation as text, one step a line.
   *
   * @return the text
   */
  public String render() {
    StringBuilder s = new StringBuilder();
    s.append(source)
        .append(" (")
        .append(sourceNode)
        .append(") -> ")
        .append(destination)
        .append(destinationNode.map(n -> " (" + n + ")").orElse(" (outside the pods)"))
        .append(": ")
        .append(
            mode == PathMode.NONE ? "no peer path" : mode.name().toLowerCase(java.util.Locale.ROOT))
        .append(ok ? "" : " [BROKEN]")
        .append('\n');
    int i = 1;
    for (Step st : steps) {
      s.append(String.format(java.util.Locale.ROOT, "%2d. %-10s %s", i++, st.kind(), st.object()));
      st.kernel().ifPresent(k -> s.append("   [kernel: ").append(k).append(']'));
      s.append('\n');
    }
    return s.toString();
  }
}
