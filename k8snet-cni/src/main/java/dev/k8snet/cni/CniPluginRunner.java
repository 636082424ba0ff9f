package dev.k8snet.cni;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.k8snet.cni.internal.ConfigParser;
import dev.k8snet.cni.internal.Json;
import dev.k8snet.cni.internal.Phases;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link CniPlugin} the way a container runtime calls an executable: validates the {@code
 * CNI_*} environment and the configuration on stdin, dispatches the verb, prints the result or the
 * error JSON (always with {@code cniVersion}, {@code code}, {@code msg} and {@code details}) on
 * stdout and returns the exit code.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *   System.exit(CniPluginRunner.run(new MyPlugin(), System.getenv(), System.in.readAllBytes(),
 *       System.out, System.err, "my plugin"));
 * }
 * }</pre>
 *
 * @since 0.1
 */
public final class CniPluginRunner {
  private static final Logger log = LoggerFactory.getLogger(CniPluginRunner.class);

  private CniPluginRunner() {}

  /**
   * Reads stdin fully, runs the plugin, and returns the exit code.
   *
   * @param plugin the plugin
   * @param env the process environment
   * @param in the configuration stream, read to its end
   * @param out where the result or error JSON goes
   * @param err where the about text goes when {@code CNI_COMMAND} is absent
   * @param about a one-line description of the plugin
   * @return 0 on success, 1 after printing an error
   */
  public static int run(
      CniPlugin plugin,
      Map<String, String> env,
      InputStream in,
      PrintStream out,
      PrintStream err,
      String about) {
    byte[] stdin;
    try {
      stdin = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return run(plugin, env, stdin, out, err, about);
  }

  /**
   * Runs one call.
   *
   * @param plugin the plugin
   * @param env the process environment
   * @param stdin the configuration bytes
   * @param out where the result or error JSON goes
   * @param err where the about text goes when {@code CNI_COMMAND} is absent
   * @param about a one-line description of the plugin
   * @return 0 on success, 1 after printing an error
   */
  public static int run(
      CniPlugin plugin,
      Map<String, String> env,
      byte[] stdin,
      PrintStream out,
      PrintStream err,
      String about) {
    return call(plugin, "", env, stdin, out, err, about).exitCode();
  }

  /**
   * Runs one call like {@link #run(CniPlugin, Map, byte[], PrintStream, PrintStream, String)} and
   * reports its exit code and how long each phase took.
   *
   * @param name the plugin's executable name, for the timings
   * @return the timings; {@link CallTimings#exitCode()} is the exit code
   * @param plugin the plugin
   * @param env the process environment
   * @param stdin the configuration bytes
   * @param out where the result or error JSON goes
   * @param err where the about text goes when {@code CNI_COMMAND} is absent
   * @param about a one-line description of the plugin
   */
  public static CallTimings call(
      CniPlugin plugin,
      String name,
      Map<String, String> env,
      byte[] stdin,
      PrintStream out,
      PrintStream err,
      String about) {
    Objects.requireNonNull(plugin, "plugin");
    String verb = env.getOrDefault("CNI_COMMAND", "");
    try (Phases.CallScope scope = Phases.begin()) {
      int rc = runInScope(plugin, env, stdin, out, err, about);
      CallTimings t = new CallTimings(name, verb, rc, scope.elapsed(), scope.phases());
      log.debug("{}", t);
      return t;
    }
  }

  private static int runInScope(
      CniPlugin plugin,
      Map<String, String> env,
      byte[] stdin,
      PrintStream out,
      PrintStream err,
      String about) {
    if (env.getOrDefault("CNI_COMMAND", "").isEmpty()) {
      err.println(about);
      err.flush();
      return 0;
    }
    String json = new String(stdin, StandardCharsets.UTF_8);
    CniVersion replyVersion = ConfigParser.versionOf(json);
    try {
      String output = dispatch(plugin, env, stdin, json);
      if (!output.isEmpty()) {
        out.print(output);
        out.flush();
      }
      return 0;
    } catch (CniException e) {
      log.debug("CNI error {}: {}", e.code(), e.getMessage(), e);
      out.print(errorJson(replyVersion, e));
      out.flush();
      return 1;
    } catch (RuntimeException e) {
      log.debug("CNI plugin failure", e);
      out.print(
          errorJson(
              replyVersion,
              new CniException(
                  e instanceof UncheckedIOException
                      ? CniException.IO_FAILURE
                      : CniException.PLUGIN_SPECIFIC,
                  e.getClass().getSimpleName(),
                  String.valueOf(e.getMessage()))));
      out.flush();
      return 1;
    }
  }

  /**
   * Runs one call and returns what the plugin prints on success (empty for DEL, CHECK, STATUS and
   * GC).
   *
   * @param plugin the plugin
   * @param env the process environment, with {@code CNI_COMMAND} and the other CNI variables
   * @param stdin the configuration bytes, handed to the plugin in the request
   * @param json {@code stdin} decoded as UTF-8
   * @return the result JSON for ADD and VERSION, else the empty string
   * @throws CniException on failure
   */
  public static String dispatch(
      CniPlugin plugin, Map<String, String> env, byte[] stdin, String json) {
    CniEnvironment e = CniEnvironment.parse(env);
    if (e.command() == CniCommand.VERSION) {
      return versionJson(
          ConfigParser.declaredVersion(json).orElse(CniVersion.CURRENT),
          plugin.supportedVersions());
    }
    NetworkConfig config = ConfigParser.parse(json, e.command(), plugin.supportedVersions());
    CniRequest request = new CniRequest(e, config, stdin);
    Phases.mark("parse");
    switch (e.command()) {
      case ADD -> {
        CniResult r = plugin.add(request);
        Phases.skip();
        String text = r.toJson(config.cniVersion());
        Phases.mark("result");
        return text;
      }
      case DEL -> plugin.del(request);
      case CHECK -> plugin.check(request);
      case STATUS -> plugin.status(request);
      case GC -> plugin.gc(request, config.validAttachments().orElse(List.of()));
      case VERSION -> throw new AssertionError();
    }
    return "";
  }

  /**
   * The VERSION reply: the input version when supported, else the newest supported.
   *
   * @param input the version the caller's configuration declares
   * @param supported the plugin's supported versions, oldest first
   * @return the JSON object with {@code cniVersion} and {@code supportedVersions}
   */
  public static String versionJson(CniVersion input, List<CniVersion> supported) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    CniVersion v = supported.contains(input) ? input : supported.get(supported.size() - 1);
    o.put("cniVersion", v.toString());
    ArrayNode a = o.putArray("supportedVersions");
    supported.forEach(s -> a.add(s.toString()));
    return Json.write(o);
  }

  /**
   * The error JSON of the spec.
   *
   * @param version the version of the reply
   * @param e the error
   * @return the JSON object with {@code cniVersion}, {@code code}, {@code msg} and, when not empty,
   *     {@code details}
   */
  public static String errorJson(CniVersion version, CniException e) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("cniVersion", version.toString());
    o.put("code", e.code());
    o.put("msg", e.msg());
    if (!e.details().isEmpty()) {
      o.put("details", e.details());
    }
    return Json.write(o);
  }
}
