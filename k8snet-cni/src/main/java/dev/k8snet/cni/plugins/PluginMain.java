package dev.k8snet.cni.plugins;

import dev.k8snet.cni.CniPlugin;
import dev.k8snet.cni.CniPluginRunner;
import java.util.Map;

/**
 * The {@code main} of the plugin executables: {@code java -cp … dev.k8snet.cni.plugins.PluginMain
 * k8snet-ipam} runs one CNI call with the process's environment, stdin and stdout.
 *
 * @since 0.1
 */
public final class PluginMain {
  private PluginMain() {}

  /** The plugin of an executable name, e.g. {@code k8snet-bridge}. */
  public static CniPlugin plugin(String name) {
    return switch (name) {
      case "k8snet-ipam" -> new IpamPlugin();
      case "k8snet-bridge" -> new BridgePlugin();
      case "k8snet-loopback" -> new LoopbackPlugin();
      case "k8snet-portmap" -> new PortmapPlugin();
      default ->
          throw new IllegalArgumentException(
              "plugin: "
                  + name
                  + " (expected: k8snet-bridge, k8snet-ipam, k8snet-loopback or k8snet-portmap)");
    };
  }

  /**
   * Runs the plugin named by {@code args[0]} and exits with its exit code.
   *
   * @param args the plugin name
   */
  public static void main(String[] args) {
    String name = args.length > 0 ? args[0] : "k8snet-ipam";
    Map<String, String> env = System.getenv();
    int rc =
        CniPluginRunner.run(
            plugin(name),
            env,
            System.in,
            System.out,
            System.err,
            name + " (k8snet) CNI plugin, spec versions 0.1.0-1.1.0");
    System.exit(rc);
  }
}
