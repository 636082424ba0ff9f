package dev.k8snet.cni.plugins;

import dev.k8snet.cni.CniPlugin;
import dev.k8snet.cni.CniPluginRunner;
import dev.k8snet.cni.ipam.IpamState;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The {@code main} of the plugin executables: {@code java -cp … dev.k8snet.cni.plugins.PluginMain
 * k8snet-ipam} runs one CNI call with the process's environment, stdin and stdout.
 *
 * @since 0.1
 */
public final class PluginMain {
  private PluginMain() {}

  /**
   * The plugin of an executable name, e.g. {@code k8snet-bridge}, for a process per call.
   *
   * @param name the executable name
   * @return the plugin, with IPAM state read from disk on every call
   */
  public static CniPlugin plugin(String name) {
    return plugins(IpamState.standalone()).apply(name);
  }

  /**
   * The plugins by executable name, with {@code k8snet-ipam} (also when the bridge runs it
   * in-process) keeping its reservations in {@code ipam}; the node daemon passes {@link
   * IpamState#inMemory()}.
   *
   * @param ipam the IPAM state of {@code k8snet-ipam}
   * @return the function from executable name to plugin
   * @throws IllegalArgumentException from the function for an unknown name
   */
  public static Function<String, CniPlugin> plugins(IpamState ipam) {
    Objects.requireNonNull(ipam, "ipam");
    IpamPlugin ipamPlugin = new IpamPlugin(ipam);
    BridgePlugin bridge = new BridgePlugin(ipam);
    LoopbackPlugin loopback = new LoopbackPlugin();
    PortmapPlugin portmap = new PortmapPlugin();
    return name -> plugin(name, ipamPlugin, bridge, loopback, portmap);
  }

  private static CniPlugin plugin(
      String name,
      IpamPlugin ipam,
      BridgePlugin bridge,
      LoopbackPlugin loopback,
      PortmapPlugin portmap) {
    return switch (name) {
      case "k8snet-ipam" -> ipam;
      case "k8snet-bridge" -> bridge;
      case "k8snet-loopback" -> loopback;
      case "k8snet-portmap" -> portmap;
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
