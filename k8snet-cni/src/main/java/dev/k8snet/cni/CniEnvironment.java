package dev.k8snet.cni;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code CNI_*} environment of one plugin call, parsed and validated. Immutable.
 *
 * @param command the verb ({@code CNI_COMMAND})
 * @param containerId the container id ({@code CNI_CONTAINERID}), empty when not given
 * @param netns the network namespace path ({@code CNI_NETNS}), empty when not given or empty
 * @param ifname the interface name ({@code CNI_IFNAME}), empty when not given
 * @param args the {@code CNI_ARGS} pairs in order
 * @param path the plugin search path ({@code CNI_PATH})
 * @param raw the whole environment of the call as given, passed on to delegated plugins unchanged
 * @since 0.1
 */
public record CniEnvironment(
    CniCommand command,
    Optional<String> containerId,
    Optional<Path> netns,
    Optional<String> ifname,
    Map<String, String> args,
    List<Path> path,
    Map<String, String> raw) {

  private static final Pattern CONTAINER_ID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.\\-]*");

  /**
   * Copies the components.
   *
   * @param command the verb ({@code CNI_COMMAND})
   * @param containerId the container id ({@code CNI_CONTAINERID}), empty when not given
   * @param netns the network namespace path ({@code CNI_NETNS}), empty when not given or empty
   * @param ifname the interface name ({@code CNI_IFNAME}), empty when not given
   * @param args the {@code CNI_ARGS} pairs in order
   * @param path the plugin search path ({@code CNI_PATH})
   * @param raw the whole environment of the call as given, passed on to delegated plugins unchanged
   */
  public CniEnvironment {
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(containerId, "containerId");
    Objects.requireNonNull(netns, "netns");
    Objects.requireNonNull(ifname, "ifname");
    args = Map.copyOf(args);
    path = List.copyOf(path);
    raw = Map.copyOf(raw);
  }

  /**
   * Parses and validates the environment for its verb, as the reference plugin library does.
   *
   * @param env the process environment
   * @return the parsed environment
   * @throws CniException code {@link CniException#INVALID_ENVIRONMENT} naming every missing or
   *     invalid variable
   */
  public static CniEnvironment parse(Map<String, String> env) {
    Objects.requireNonNull(env, "env");
    String cmd = env.getOrDefault("CNI_COMMAND", "");
    CniCommand command =
        CniCommand.of(cmd)
            .orElseThrow(
                () ->
                    new CniException(
                        CniException.INVALID_ENVIRONMENT,
                        cmd.isEmpty()
                            ? "required env variables [CNI_COMMAND] missing"
                            : "unknown CNI_COMMAND: " + cmd,
                        "CNI_COMMAND="
                            + cmd
                            + " (expected: ADD, DEL, CHECK, VERSION, STATUS or GC)"));
    List<String> required =
        switch (command) {
          case ADD, CHECK -> List.of("CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME", "CNI_PATH");
          case DEL -> List.of("CNI_CONTAINERID", "CNI_IFNAME", "CNI_PATH");
          case GC -> List.of("CNI_PATH");
          case VERSION, STATUS -> List.of();
        };
    List<String> missing = new ArrayList<>();
    for (String name : required) {
      if (env.getOrDefault(name, "").isEmpty()) {
        missing.add(name);
      }
    }
    if (!missing.isEmpty()) {
      throw new CniException(
          CniException.INVALID_ENVIRONMENT,
          "required env variables [" + String.join(",", missing) + "] missing",
          "CNI_COMMAND=" + command + " needs " + String.join(", ", missing));
    }
    Optional<String> cid = nonEmpty(env.get("CNI_CONTAINERID"));
    if (cid.isPresent() && !CONTAINER_ID.matcher(cid.get()).matches()) {
      throw new CniException(
          CniException.INVALID_ENVIRONMENT,
          "invalid characters in containerID",
          "CNI_CONTAINERID=" + cid.get() + " (expected: ^[a-zA-Z0-9][a-zA-Z0-9_.\\-]*$)");
    }
    Optional<String> ifname = nonEmpty(env.get("CNI_IFNAME"));
    if (ifname.isPresent()) {
      checkIfname(ifname.get());
    }
    Map<String, String> args = parseArgs(env.getOrDefault("CNI_ARGS", ""));
    List<Path> path = new ArrayList<>();
    for (String p : env.getOrDefault("CNI_PATH", "").split(":")) {
      if (!p.isEmpty()) {
        path.add(Path.of(p));
      }
    }
    return new CniEnvironment(
        command, cid, nonEmpty(env.get("CNI_NETNS")).map(Path::of), ifname, args, path, env);
  }

  private static void checkIfname(String name) {
    String bad = null;
    if (name.length() > 15) {
      bad = "interface name is too long";
    } else if (name.equals(".") || name.equals("..")) {
      bad = "interface name is . or ..";
    } else if (name.chars().anyMatch(c -> c == '/' || c == ':' || Character.isWhitespace(c))) {
      bad = "interface name contains / or : or whitespace characters";
    }
    if (bad != null) {
      throw new CniException(
          CniException.INVALID_ENVIRONMENT,
          bad,
          "CNI_IFNAME=" + name + " (expected: 1 to 15 characters without '/', ':' or whitespace)");
    }
  }

  /**
   * Parses {@code CNI_ARGS} ({@code K=V;K=V}).
   *
   * @param text the value of {@code CNI_ARGS}; empty for none
   * @return the pairs in their order of appearance
   * @throws CniException code {@link CniException#INVALID_ENVIRONMENT} for a pair without '='
   */
  public static Map<String, String> parseArgs(String text) {
    Map<String, String> m = new LinkedHashMap<>();
    if (text == null || text.isEmpty()) {
      return m;
    }
    for (String pair : text.split(";")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new CniException(
            CniException.INVALID_ENVIRONMENT,
            "ARGS: invalid pair \"" + pair + "\"",
            "CNI_ARGS=" + text + " (expected: K=V;K=V)");
      }
      m.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    return m;
  }

  private static Optional<String> nonEmpty(String s) {
    return s == null || s.isEmpty() ? Optional.empty() : Optional.of(s);
  }

  /**
   * The container id; for verbs that require it.
   *
   * @return the value of {@code CNI_CONTAINERID}
   * @throws CniException code {@link CniException#INVALID_ENVIRONMENT} when it is absent
   */
  public String requireContainerId() {
    return containerId.orElseThrow(() -> missing("CNI_CONTAINERID"));
  }

  /**
   * The interface name; for verbs that require it.
   *
   * @return the value of {@code CNI_IFNAME}
   * @throws CniException code {@link CniException#INVALID_ENVIRONMENT} when it is absent
   */
  public String requireIfname() {
    return ifname.orElseThrow(() -> missing("CNI_IFNAME"));
  }

  private static CniException missing(String name) {
    return new CniException(
        CniException.INVALID_ENVIRONMENT, "required env variables [" + name + "] missing", name);
  }
}
