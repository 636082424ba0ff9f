package dev.k8snet.policy;

import dev.k8snet.core.model.ObjectRef;
import dev.k8snet.core.model.PolicyType;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The verdict for one direction of a connection (the source's egress or the destination's ingress)
 * and why: the deciding tier, policy and rule, the peer and port entry that matched, or the
 * policies that isolate the pod when no rule matched.
 *
 * @param direction {@link PolicyType#EGRESS} (evaluated at the source) or {@link
 *     PolicyType#INGRESS} (at the destination)
 * @param allowed whether this direction allows the connection
 * @param tier what decided
 * @param policy the deciding policy, when one rule decided (absent for a NetworkPolicy deny, which
 *     no single policy decides: see {@code isolatedBy})
 * @param rule the index of the deciding rule in the policy's {@code ingress} or {@code egress} list
 * @param ruleName the admin policy rule's name; {@code ""} for NetworkPolicy rules and unnamed
 *     rules
 * @param peer the peer entry of the rule that matched, as text (absent when the rule has no peers,
 *     which matches everything)
 * @param port the port entry of the rule that matched, as text (absent when the rule has no ports)
 * @param isolatedBy the NetworkPolicies that select the pod for this direction, sorted; empty when
 *     it is not isolated
 * @param note the reason in words when no rule decided (default allow, not a pod, own node,
 *     loopback); {@code ""} otherwise
 * @since 0.1
 */
public record Decision(
    PolicyType direction,
    boolean allowed,
    Tier tier,
    Optional<ObjectRef> policy,
    OptionalInt rule,
    String ruleName,
    Optional<String> peer,
    Optional<String> port,
    List<ObjectRef> isolatedBy,
    String note) {

  /**
   * Checks nulls and copies the list.
   *
   * @param direction {@link PolicyType#EGRESS} (evaluated at the source) or {@link
   *     PolicyType#INGRESS} (at the destination)
   * @param allowed whether this direction allows the connection
   * @param tier what decided
   * @param policy the deciding policy, when one rule decided (absent for a NetworkPolicy deny,
   *     which no single policy decides: see {@code isolatedBy})
   * @param rule the index of the deciding rule in the policy's {@code ingress} or {@code egress}
   *     list
   * @param ruleName the admin policy rule's name; {@code ""} for NetworkPolicy rules and unnamed
   *     rules
   * @param peer the peer entry of the rule that matched, as text (absent when the rule has no
   *     peers, which matches everything)
   * @param port the port entry of the rule that matched, as text (absent when the rule has no
   *     ports)
   * @param isolatedBy the NetworkPolicies that select the pod for this direction, sorted; empty
   *     when it is not isolated
   * @param note the reason in words when no rule decided (default allow, not a pod, own node,
   *     loopback); {@code ""} otherwise
   */
  public Decision {
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(tier, "tier");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(ruleName, "ruleName");
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(port, "port");
    isolatedBy = List.copyOf(isolatedBy);
    Objects.requireNonNull(note, "note");
  }

  /**
   * Returns the explanation as one sentence, for example {@code allowed by rule 0 of NetworkPolicy
   * x/allow-b: peer podSelector pod=b, port 80/TCP} or {@code denied: isolated by NetworkPolicy
   * x/deny-all and no rule allows}.
   *
   * @return the explanation
   */
  public String reason() {
    StringBuilder b = new StringBuilder(allowed ? "allowed" : "denied");
    if (policy.isPresent()) {
      b.append(" by rule ").append(rule.orElse(0));
      if (!ruleName.isEmpty()) {
        b.append(" \"").append(ruleName).append('"');
      }
      b.append(" of ").append(policy.get());
      b.append(": peer ").append(peer.orElse("any"));
      b.append(", port ").append(port.orElse("any"));
      if (!note.isEmpty()) {
        b.append(" (").append(note).append(')');
      }
      return b.toString();
    }
    if (tier == Tier.NETWORK_POLICY && !allowed) {
      b.append(": isolated by ");
      for (int i = 0; i < isolatedBy.size(); i++) {
        if (i > 0) {
          b.append(i == isolatedBy.size() - 1 ? " and " : ", ");
        }
        b.append(isolatedBy.get(i));
      }
      b.append(", no rule allows it");
      if (!note.isEmpty()) {
        b.append(" (").append(note).append(')');
      }
      return b.toString();
    }
    return b.append(": ").append(note).toString();
  }
}
