package dev.k8snet.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Decides whether privileged tests run, from the system property {@value #PROPERTY}:
 *
 * <ul>
 *   <li>{@code auto} (default): run when the process has CAP_NET_ADMIN and CAP_SYS_ADMIN (e.g.
 *       root) on Linux and the required tools are installed, otherwise skip with the reason;
 *   <li>{@code required} (CI): the same checks, but a missing privilege or tool fails the test;
 *   <li>{@code off}: always skip.
 * </ul>
 *
 * <p>Missing kernel features (such as a link kind the kernel was built without) are skipped with a
 * reason in every mode; see {@link KernelFeatures}.
 *
 * @since 0.1
 */
public final class Privileges {
  /** The system property that selects the mode. */
  public static final String PROPERTY = "k8snet.privileged";

  private static final int CAP_NET_ADMIN = 12;
  private static final int CAP_SYS_ADMIN = 21;
  private static final List<String> PATH_FALLBACK =
      List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin");

  private Privileges() {}

  /**
   * The modes of {@value #PROPERTY}.
   *
   * @since 0.1
   */
  public enum Mode {
    /** Skip with a reason when privileges or tools are missing. */
    AUTO,
    /** Fail when privileges or tools are missing. */
    REQUIRED,
    /** Always skip. */
    OFF
  }

  /**
   * Returns the mode from the system property.
   *
   * @return the mode; {@code AUTO} when the property is absent or empty
   * @throws IllegalArgumentException when the property has another value
   */
  public static Mode mode() {
    String v = System.getProperty(PROPERTY, "auto").strip().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "", "auto" -> Mode.AUTO;
      case "required" -> Mode.REQUIRED;
      case "off" -> Mode.OFF;
      default ->
          throw new IllegalArgumentException(
              PROPERTY + ": " + v + " (expected: auto, required or off)");
    };
  }

  /**
   * Returns why privileged tests with the given tools cannot run here, or empty when they can.
   *
   * @param tools executables that must be on the PATH (or in /usr/sbin, /sbin)
   * @return the reason, or empty when the tests can run
   */
  public static Optional<String> missing(String... tools) {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
      return Optional.of("not Linux");
    }
    long caps = effectiveCapabilities();
    List<String> missing = new ArrayList<>();
    if ((caps & (1L << CAP_NET_ADMIN)) == 0) {
      missing.add("CAP_NET_ADMIN");
    }
    if ((caps & (1L << CAP_SYS_ADMIN)) == 0) {
      missing.add("CAP_SYS_ADMIN");
    }
    for (String tool : tools) {
      if (findTool(tool).isEmpty()) {
        missing.add("tool '" + tool + "'");
      }
    }
    return missing.isEmpty()
        ? Optional.empty()
        : Optional.of("missing " + String.join(", ", missing) + " (run as root with the tools)");
  }

  /**
   * Skips (mode auto or off) or fails (mode required) the current test when privileged tests with
   * {@code tools} cannot run here.
   *
   * @param tools executables that must be on the PATH (or in /usr/sbin, /sbin)
   */
  public static void assume(String... tools) {
    Mode mode = mode();
    if (mode == Mode.OFF) {
      Assumptions.abort("privileged tests disabled (" + PROPERTY + "=off)");
    }
    Optional<String> why = missing(tools);
    if (why.isPresent()) {
      if (mode == Mode.REQUIRED) {
        Assertions.fail("privileged test cannot run (" + PROPERTY + "=required): " + why.get());
      }
      Assumptions.abort("privileged test skipped: " + why.get());
    }
  }

  /**
   * Returns the path of an executable on the PATH or in the sbin directories.
   *
   * @param tool the executable name
   * @return the path of the first match, or empty when there is none
   */
  public static Optional<Path> findTool(String tool) {
    List<String> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(":")));
    }
    dirs.addAll(PATH_FALLBACK);
    for (String dir : dirs) {
      if (dir.isEmpty()) {
        continue;
      }
      Path p = Path.of(dir, tool);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  private static long effectiveCapabilities() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
        if (line.startsWith("CapEff:")) {
          return Long.parseUnsignedLong(line.substring(7).strip(), 16);
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }
}
