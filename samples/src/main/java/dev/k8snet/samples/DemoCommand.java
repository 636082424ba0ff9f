package dev.k8snet.samples;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code k8snet demo}: the main job, on an embedded default. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Builds a small two-node cluster of pods in network namespaces on this machine, shows the node"
            + " stack working, and removes everything it created.")
final class DemoCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    out.println("k8snet demo");
    out.println("The node network stack is being built; available now:");
    spec.parent()
        .subcommands()
        .forEach(
            (name, sub) -> {
              if (!name.equals("help") && !name.equals("demo")) {
                out.println(
                    "  k8snet "
                        + name
                        + "  "
                        + String.join(" ", sub.getCommandSpec().usageMessage().description()));
              }
            });
    out.flush();
    return 0;
  }
}
