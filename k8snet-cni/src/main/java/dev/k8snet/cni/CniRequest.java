package dev.k8snet.cni;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One plugin call: its environment and its configuration, both validated, plus the exact stdin
 * bytes for delegation. Immutable.
 *
 * @since 0.1
 */
public final class CniRequest {
  private final CniEnvironment env;
  private final NetworkConfig config;
  private final byte[] stdin;

  /**
   * Creates a request.
   *
   * @param env the parsed environment
   * @param config the parsed configuration
   * @param stdin the configuration bytes as received; copied
   */
  public CniRequest(CniEnvironment env, NetworkConfig config, byte[] stdin) {
    this.env = Objects.requireNonNull(env, "env");
    this.config = Objects.requireNonNull(config, "config");
    this.stdin = Objects.requireNonNull(stdin, "stdin").clone();
  }

  /**
   * Creates a request whose stdin is the configuration text in UTF-8.
   *
   * @param env the parsed environment
   * @param config the parsed configuration
   */
  public CniRequest(CniEnvironment env, NetworkConfig config) {
    this(env, config, config.json().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The environment.
   *
   * @return the parsed environment
   */
  public CniEnvironment env() {
    return env;
  }

  /**
   * The configuration.
   *
   * @return the parsed configuration
   */
  public NetworkConfig config() {
    return config;
  }

  /**
   * A copy of the stdin bytes as received.
   *
   * @return a new copy of the bytes on each call
   */
  public byte[] stdin() {
    return stdin.clone();
  }

  @Override
  public String toString() {
    return "CniRequest["
        + env.command()
        + " "
        + config.name()
        + " "
        + env.containerId().orElse("")
        + "/"
        + env.ifname().orElse("")
        + "]";
  }
}
