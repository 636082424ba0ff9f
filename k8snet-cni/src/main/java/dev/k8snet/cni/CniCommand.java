package dev.k8snet.cni;

import java.util.Locale;
import java.util.Optional;

/**
 * The verbs of the CNI protocol ({@code CNI_COMMAND}).
 *
 * @since 0.1
 */
public enum CniCommand {
  /** Attach a container to a network. */
  ADD,
  /** Detach a container; idempotent. */
  DEL,
  /** Verify an attachment (0.4.0+). */
  CHECK,
  /** Report the supported versions. */
  VERSION,
  /** Report readiness for ADD (1.1.0+). */
  STATUS,
  /** Release resources of attachments that are not valid any more (1.1.0+). */
  GC;

  /**
   * Parses the exact upper-case verb, empty when it is not one.
   *
   * @param text the value of {@code CNI_COMMAND}
   * @return the verb, or empty
   */
  public static Optional<CniCommand> of(String text) {
    for (CniCommand c : values()) {
      if (c.name().equals(text)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /**
   * The minimum spec version whose configuration allows this verb.
   *
   * @return 0.4.0 for CHECK, 1.1.0 for STATUS and GC, otherwise 0.1.0
   */
  public CniVersion since() {
    return switch (this) {
      case CHECK -> CniVersion.V0_4_0;
      case STATUS, GC -> CniVersion.V1_1_0;
      default -> CniVersion.V0_1_0;
    };
  }

  /**
   * The lower-case name as used in messages, e.g. {@code "add"}.
   *
   * @return the verb's name in lower case
   */
  public String lowerCase() {
    return name().toLowerCase(Locale.ROOT);
  }
}
