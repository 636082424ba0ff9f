package dev.k8snet.policy;

import java.util.Objects;

/**
 * The verdict for a connection: allowed when both the source's egress and the destination's ingress
 * allow it, with the explanation of each direction.
 *
 * @param connection the connection evaluated
 * @param egress the source side
 * @param ingress the destination side
 * @since 0.1
 */
public record Verdict(Connection connection, Decision egress, Decision ingress) {
  /**
   * Checks nulls.
   *
   * @param connection the connection evaluated
   * @param egress the source side
   * @param ingress the destination side
   */
  public Verdict {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(egress, "egress");
    Objects.requireNonNull(ingress, "ingress");
  }

  /**
   * Returns whether the connection is allowed: both directions allow it.
   *
   * @return {@code egress().allowed() && ingress().allowed()}
   */
  public boolean allowed() {
    return egress.allowed() && ingress.allowed();
  }

  /**
   * Returns a multi-line human explanation.
   *
   * @return the connection, the verdict and one line per direction
   */
  public String explain() {
    String nl = System.lineSeparator();
    return connection
        + ": "
        + (allowed() ? "ALLOWED" : "DENIED")
        + nl
        + "  egress  ["
        + egress.tier()
        + "] "
        + egress.reason()
        + nl
        + "  ingress ["
        + ingress.tier()
        + "] "
        + ingress.reason();
  }
}
