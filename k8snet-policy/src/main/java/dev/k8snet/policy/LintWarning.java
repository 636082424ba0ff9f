package dev.k8snet.policy;

import dev.k8snet.core.model.ObjectRef;
import java.util.Objects;

/**
 * A likely mistake in a policy that the API server accepts: the policy, the field, a stable code
 * and a sentence that says what happens and what was probably meant.
 *
 * @param policy the policy
 * @param field the field path, e.g. {@code spec.egress[0].ports[1]}; {@code spec} for the whole
 *     policy
 * @param code a stable identifier, e.g. {@code dns-blocked}
 * @param message what the policy does and how to fix it
 * @since 0.1
 */
public record LintWarning(ObjectRef policy, String field, String code, String message) {
  /**
   * Checks nulls.
   *
   * @param policy the policy
   * @param field the field path, e.g. {@code spec.egress[0].ports[1]}; {@code spec} for the whole
   *     policy
   * @param code a stable identifier, e.g. {@code dns-blocked}
   * @param message what the policy does and how to fix it
   */
  public LintWarning {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }

  /** Returns {@code policy field: [code] message}. */
  @Override
  public String toString() {
    return policy + " " + field + ": [" + code + "] " + message;
  }
}
