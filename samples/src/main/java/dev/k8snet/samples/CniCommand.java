package dev.k8snet.samples;

import dev.k8snet.cni.Attachment;
import dev.k8snet.cni.CniException;
import dev.k8snet.cni.CniPluginRunner;
import dev.k8snet.cni.CniResult;
import dev.k8snet.cni.daemon.CniDaemon;
import dev.k8snet.cni.ipam.IpamState;
import dev.k8snet.cni.plugins.PluginMain;
import dev.k8snet.cni.runtime.CniRuntime;
import dev.k8snet.cni.runtime.NetworkConfigList;
import dev.k8snet.cni.runtime.RuntimeConf;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code k8snet cni}: installs and runs the CNI plugins. */
@Command(
    name = "cni",
    mixinStandardHelpOptions = true,
    description = "CNI plugins: install them into a CNI bin directory, or run one.",
    subcommands = {
      CniCommand.Install.class,
      CniCommand.Plugin.class,
      CniCommand.Exec.class,
      CniCommand.Daemon.class,
      CniCommand.Metrics.class
    })
final class CniCommand implements Runnable {
  /** The executables that {@code install} writes. */
  static final List<String> PLUGINS =
      List.of("k8snet-bridge", "k8snet-ipam", "k8snet-loopback", "k8snet-portmap");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code k8snet cni install --bin-dir DIR}. */
  @Command(
      name = "install",
      mixinStandardHelpOptions = true,
      description =
          "Installs k8snet-bridge, k8snet-ipam, k8snet-loopback and k8snet-portmap into DIR as"
              + " launchers of this installation's JVM and classpath.")
  static final class Install implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--bin-dir",
        required = true,
        description = "the CNI bin directory, e.g. /opt/cni/bin")
    Path binDir;

    @Override
    public Integer call() throws IOException {
      if (Files.exists(binDir) && !Files.isDirectory(binDir)) {
        throw new UsageException("--bin-dir: " + binDir + " (expected: a directory)");
      }
      Files.createDirectories(binDir);
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      String classpath = classpath();
      Path client = binDir.resolve(".k8snet-cni-client.tmp");
      String how = thinClient(client);
      for (String name : PLUGINS) {
        String script =
            "#!/bin/sh\n"
                + "# "
                + name
                + ": CNI plugin installed by `k8snet cni install`; runs the k8snet JVM.\n"
                + "exec '"
                + java
                + "' -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto"
                + " -cp '"
                + classpath
                + "' dev.k8snet.cni.plugins.PluginMain "
                + name
                + "\n";
        Path standalone = binDir.resolve("." + name + "-jvm");
        Path tmp = binDir.resolve("." + name + ".tmp");
        Files.writeString(tmp, script, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.move(
            tmp, standalone, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        if (!how.isEmpty()) {
          // The client takes the plugin name from its file name and the fallback from its
          // directory, so every plugin is a copy of the same executable.
          Files.copy(client, tmp, StandardCopyOption.REPLACE_EXISTING);
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
          Files.move(
              tmp,
              binDir.resolve(name),
              StandardCopyOption.REPLACE_EXISTING,
              StandardCopyOption.ATOMIC_MOVE);
          spec.commandLine()
              .getOut()
              .println(
                  "installed "
                      + binDir.resolve(name)
                      + " (thin client of `k8snet cni daemon`, "
                      + how
                      + "; standalone fallback "
                      + standalone
                      + ")");
        } else {
          Files.copy(standalone, binDir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
          spec.commandLine()
              .getOut()
              .println(
                  "installed "
                      + binDir.resolve(name)
                      + " (standalone; no thin client built for "
                      + System.getProperty("os.arch")
                      + " and no gcc to build one)");
        }
      }
      Files.deleteIfExists(client);
      spec.commandLine().getOut().flush();
      return 0;
    }

    /**
     * Writes the thin client to {@code out}: the one the Maven build compiled for this
     * architecture, else compiled here from its source with gcc.
     *
     * @return how it was obtained, or empty when there is none
     */
    private static String thinClient(Path out) throws IOException {
      String arch = System.getProperty("os.arch");
      try (InputStream in = CniDaemon.class.getResourceAsStream("k8snet-cni-client-" + arch)) {
        if (in != null) {
          Files.write(out, in.readAllBytes());
          return "built by the Maven build for " + arch;
        }
      }
      try (InputStream in = CniDaemon.class.getResourceAsStream("k8snet-cni-client.c")) {
        if (in == null) {
          return "";
        }
        Path src = Files.createTempFile("k8snet-cni-client", ".c");
        try {
          Files.write(src, in.readAllBytes());
          return compile(src, out) ? "compiled with gcc" : "";
        } finally {
          Files.deleteIfExists(src);
        }
      }
    }

    /** Compiles the thin client with gcc; false when gcc is missing or fails. */
    private static boolean compile(Path src, Path out) {
      try {
        Process gcc =
            new ProcessBuilder("gcc", "-O2", "-o", out.toString(), src.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        return gcc.waitFor() == 0;
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }

    /** The jar with its lib/ directory, or the classpath this JVM runs with. */
    static String classpath() {
      try {
        Path self =
            Path.of(CniCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (Files.isRegularFile(self) && Files.isDirectory(self.resolveSibling("lib"))) {
          return self + ":" + self.resolveSibling("lib") + "/*";
        }
      } catch (URISyntaxException | RuntimeException e) {
        // fall back to the running classpath
      }
      return System.getProperty("java.class.path");
    }
  }

  /** {@code k8snet cni plugin NAME}: runs one CNI call (what the launchers do). */
  @Command(
      name = "plugin",
      mixinStandardHelpOptions = true,
      description =
          "Runs one CNI call of the named plugin with this process's CNI_* environment and stdin.")
  static final class Plugin implements Callable<Integer> {
    @Parameters(
        index = "0",
        description = "k8snet-bridge, k8snet-ipam, k8snet-loopback or k8snet-portmap")
    String name;

    @Override
    public Integer call() {
      try {
        return CniPluginRunner.run(
            PluginMain.plugin(name),
            System.getenv(),
            System.in,
            System.out,
            System.err,
            name + " (k8snet) CNI plugin, spec versions 0.1.0-1.1.0");
      } catch (UncheckedIOException e) {
        throw new UsageException("cannot read stdin: " + e.getMessage());
      }
    }
  }

  /** {@code k8snet cni exec VERB --conf FILE …}: what {@code cnitool} does. */
  @Command(
      name = "exec",
      mixinStandardHelpOptions = true,
      description =
          "Runs a network configuration (list) for ADD, DEL, CHECK, STATUS or GC like a container"
              + " runtime, with result caching; prints the ADD result.")
  static final class Exec implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "ADD, DEL, CHECK, STATUS or GC")
    String verb;

    @Option(names = "--conf", required = true, description = ".conflist or .conf file")
    Path conf;

    @Option(names = "--netns", defaultValue = "", description = "network namespace path")
    String netns;

    @Option(names = "--container-id", defaultValue = "", description = "container id")
    String containerId;

    @Option(
        names = "--ifname",
        defaultValue = "eth0",
        description = "interface name (default: eth0)")
    String ifname;

    @Option(
        names = "--cni-path",
        defaultValue = "/opt/cni/bin:/usr/lib/cni",
        description = "plugin directories, ':'-separated")
    String cniPath;

    @Option(
        names = "--cache-dir",
        defaultValue = "/var/lib/cni",
        description = "result cache directory")
    Path cacheDir;

    @Option(names = "--args", defaultValue = "", description = "CNI_ARGS, K=V;K=V")
    String args;

    @Option(
        names = "--capability",
        description = "capability argument NAME=JSON, e.g. portMappings=[...]")
    List<String> capabilities = new ArrayList<>();

    @Option(
        names = "--valid",
        description = "for GC: a valid attachment CONTAINERID/IFNAME (repeatable)")
    List<String> valid = new ArrayList<>();

    @Override
    public Integer call() {
      List<Path> path = new ArrayList<>();
      for (String p : cniPath.split(":")) {
        if (!p.isEmpty()) {
          path.add(Path.of(p));
        }
      }
      Map<String, String> caps = new LinkedHashMap<>();
      for (String c : capabilities) {
        int eq = c.indexOf('=');
        if (eq <= 0) {
          throw new UsageException("--capability: " + c + " (expected: NAME=JSON)");
        }
        caps.put(c.substring(0, eq), c.substring(eq + 1));
      }
      Map<String, String> cniArgs = new LinkedHashMap<>();
      for (String a : args.split(";")) {
        int eq = a.indexOf('=');
        if (eq > 0) {
          cniArgs.put(a.substring(0, eq), a.substring(eq + 1));
        }
      }
      CniRuntime runtime = new CniRuntime(path, cacheDir);
      var out = spec.commandLine().getOut();
      try {
        NetworkConfigList list = NetworkConfigList.load(conf);
        RuntimeConf rt = new RuntimeConf(containerId, netns, ifname, cniArgs, caps);
        switch (verb) {
          case "ADD" -> {
            require(rt);
            CniResult r = runtime.add(list, rt);
            out.println(r.toJson());
          }
          case "DEL" -> {
            require(rt);
            runtime.del(list, rt);
          }
          case "CHECK" -> {
            require(rt);
            runtime.check(list, rt);
          }
          case "STATUS" -> runtime.status(list);
          case "GC" -> {
            List<Attachment> keep = new ArrayList<>();
            for (String v : valid) {
              int slash = v.lastIndexOf('/');
              if (slash <= 0) {
                throw new UsageException("--valid: " + v + " (expected: CONTAINERID/IFNAME)");
              }
              keep.add(new Attachment(v.substring(0, slash), v.substring(slash + 1)));
            }
            runtime
                .gc(list, keep)
                .forEach(a -> out.println("deleted " + a.containerId() + "/" + a.ifname()));
          }
          default ->
              throw new UsageException(
                  "verb: " + verb + " (expected: ADD, DEL, CHECK, STATUS or GC)");
        }
        out.flush();
        return 0;
      } catch (CniException e) {
        spec.commandLine()
            .getErr()
            .println("k8snet cni exec: CNI error " + e.code() + ": " + e.getMessage());
        spec.commandLine().getErr().flush();
        return 1;
      }
    }

    private static void require(RuntimeConf rt) {
      if (rt.containerId().isEmpty()) {
        throw new UsageException("--container-id is required for ADD, DEL and CHECK");
      }
    }
  }

  /** {@code k8snet cni daemon}: serves the installed thin clients. */
  @Command(
      name = "daemon",
      mixinStandardHelpOptions = true,
      description =
          "Serves CNI plugin calls of the installed thin clients over a unix socket until stopped.")
  static final class Daemon implements Callable<Integer> {
    @Option(names = "--socket", description = "socket path (default: /run/k8snet/cni.sock)")
    Path socket = CniDaemon.DEFAULT_SOCKET;

    @Option(
        names = "--ipam-fsync",
        negatable = true,
        defaultValue = "false",
        fallbackValue = "true",
        description =
            "also fsync every IPAM change before answering (default: off; the write-through"
                + " survives a killed daemon either way, and a power loss ends every pod anyway)")
    boolean ipamFsync;

    @Override
    public Integer call() throws IOException, InterruptedException {
      try (CniDaemon d = new CniDaemon(socket, PluginMain.plugins(IpamState.inMemory(ipamFsync)))) {
        d.start();
        UntilStopped.await("k8snet-cni-daemon-stop");
      }
      return 0;
    }
  }

  /** {@code k8snet cni metrics}: what the daemon served, with per-phase timings. */
  @Command(
      name = "metrics",
      mixinStandardHelpOptions = true,
      description =
          "Prints the running daemon's call counts and timings per plugin, verb and phase (parse,"
              + " netns, links, ipam, addresses, routes, rules, result) as JSON.")
  static final class Metrics implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--socket", description = "socket path (default: /run/k8snet/cni.sock)")
    Path socket = CniDaemon.DEFAULT_SOCKET;

    @Override
    public Integer call() {
      try {
        spec.commandLine().getOut().println(CniDaemon.requestMetrics(socket));
        spec.commandLine().getOut().flush();
        return 0;
      } catch (IOException e) {
        spec.commandLine()
            .getErr()
            .println("k8snet cni metrics: no daemon answers on " + socket + ": " + e.getMessage());
        spec.commandLine().getErr().flush();
        return 1;
      }
    }
  }
}
