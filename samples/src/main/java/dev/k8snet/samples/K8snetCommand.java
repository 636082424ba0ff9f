package dev.k8snet.samples;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code k8snet} command: the entry point of the sample binaries. */
@Command(
    name = "k8snet",
    mixinStandardHelpOptions = true,
    versionProvider = K8snetCommand.Version.class,
    description =
        "Kubernetes node networking: CNI, pod network, service proxy, policy, DNS, ingress.",
    subcommands = {
      CommandLine.HelpCommand.class,
      CniCommand.class,
      DemoCommand.class,
      DnsCommand.class,
      IngressCommand.class,
      ManifestsCommand.class,
      NetworkCommand.class,
      NodeCommand.class,
      PolicyCommand.class,
      ProxyCommand.class
    })
public final class K8snetCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * Runs the command line and exits with its exit code.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    if (args.length > 0
        && args[0].equals("demo")
        && System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      // the demo's report is its output; the libraries' own logging stays at warnings
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    System.exit(newCommandLine().execute(args));
  }

  static CommandLine newCommandLine() {
    CommandLine cli = new CommandLine(new K8snetCommand());
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof UsageException || e instanceof IllegalArgumentException) {
            commandLine
                .getErr()
                .println(commandLine.getCommandSpec().qualifiedName() + ": " + e.getMessage());
            commandLine.getErr().flush();
            return 2;
          }
          throw e;
        });
    return cli;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = K8snetCommand.class.getPackage().getImplementationVersion();
      return new String[] {"k8snet " + (version == null ? "(development build)" : version)};
    }
  }
}
