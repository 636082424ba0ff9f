package dev.k8snet.policy.enforce;

import java.util.Objects;

/**
 * How policy enforcement is laid out in nftables.
 *
 * @param tableName the name of the {@code inet} table that holds everything (letters, digits,
 *     {@code -} and {@code _}, starting with a letter, at most 64 characters)
 * @param logDenied whether connections denied by a policy are logged to the kernel log, each line
 *     prefixed with {@code k8snet-policy} and what denied it (the Admin/Baseline policy and rule,
 *     or the NetworkPolicies that isolate the pod)
 * @param logRatePerSecond at most this many log lines per second for each denying rule (and burst),
 *     1–10000
 * @since 0.1
 */
public record EnforcementOptions(String tableName, boolean logDenied, int logRatePerSecond) {

  /** The default table name, {@value}. */
  public static final String DEFAULT_TABLE = "k8snet-policy";

  /** The defaults: table {@value #DEFAULT_TABLE}, no logging, 10 lines per second. */
  public static final EnforcementOptions DEFAULTS =
      new EnforcementOptions(DEFAULT_TABLE, false, 10);

  /**
   * Validates.
   *
   * @param tableName the name of the {@code inet} table that holds everything (letters, digits,
   *     {@code -} and {@code _}, starting with a letter, at most 64 characters)
   * @param logDenied whether connections denied by a policy are logged to the kernel log, each line
   *     prefixed with {@code k8snet-policy} and what denied it (the Admin/Baseline policy and rule,
   *     or the NetworkPolicies that isolate the pod)
   * @param logRatePerSecond at most this many log lines per second for each denying rule (and
   *     burst), 1–10000
   */
  public EnforcementOptions {
    Objects.requireNonNull(tableName, "tableName");
    if (!tableName.matches("[A-Za-z][A-Za-z0-9_-]{0,63}")) {
      throw new IllegalArgumentException(
          "tableName: " + tableName + " (expected: a letter, then letters, digits, '_' or '-')");
    }
    if (logRatePerSecond < 1 || logRatePerSecond > 10_000) {
      throw new IllegalArgumentException(
          "logRatePerSecond: " + logRatePerSecond + " (expected: 1 ~ 10000)");
    }
  }

  /**
   * Returns these options with another table name.
   *
   * @param name the table name
   * @return the options
   */
  public EnforcementOptions withTableName(String name) {
    return new EnforcementOptions(name, logDenied, logRatePerSecond);
  }

  /**
   * Returns these options with logging of denied connections switched on or off.
   *
   * @param log whether to log
   * @return the options
   */
  public EnforcementOptions withLogDenied(boolean log) {
    return new EnforcementOptions(tableName, log, logRatePerSecond);
  }
}
