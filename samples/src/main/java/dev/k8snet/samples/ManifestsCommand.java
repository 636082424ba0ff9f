package dev.k8snet.samples;

import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.model.KubernetesObject;
import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code k8snet manifests}: reading manifests as the SDK does. */
@Command(
    name = "manifests",
    mixinStandardHelpOptions = true,
    description = "Reads and validates Kubernetes manifests as the API server would.",
    subcommands = {ManifestsCommand.Check.class})
final class ManifestsCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code k8snet manifests check}: validates, prints a summary or every error. */
  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description =
          "Applies the API server's defaulting and validation; prints the objects by kind, or every"
              + " invalid object with file, line and field (exit 2).")
  static final class Check implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ManifestsOption manifests;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      ClusterState state = manifests.load(spec.commandLine().getErr());
      Map<String, Integer> counts = new TreeMap<>();
      for (KubernetesObject o : state.objects()) {
        counts.merge(o.kind(), 1, Integer::sum);
      }
      counts.forEach((kind, n) -> out.printf("%-28s %d%n", kind, n));
      out.printf("%d objects valid%n", state.size());
      out.flush();
      return 0;
    }
  }
}
