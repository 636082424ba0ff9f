package dev.k8snet.cni.plugins;

import dev.k8snet.cni.CniException;
import dev.k8snet.cni.CniPlugin;
import dev.k8snet.cni.CniRequest;
import dev.k8snet.cni.CniResult;
import dev.k8snet.cni.internal.Namespaces;
import dev.k8snet.core.K8snetException;
import dev.k8snet.core.netlink.InterfaceAddress;
import dev.k8snet.core.netlink.Link;
import dev.k8snet.core.netlink.Netlink;
import dev.k8snet.core.netns.NetworkNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code k8snet-loopback}: brings {@code lo} up in the pod's namespace (ADD) and down (DEL), as the
 * reference {@code loopback} plugin. DEL succeeds when the namespace is gone or empty.
 *
 * @since 0.1
 */
public final class LoopbackPlugin implements CniPlugin {
  /** Creates the plugin; stateless. */
  public LoopbackPlugin() {}

  @Override
  public CniResult add(CniRequest r) {
    Path path = r.env().netns().orElseThrow();
    try (NetworkNamespace ns = Namespaces.openContainer(path);
        Netlink nl = ns.netlink()) {
      Link lo = nl.link("lo").orElseThrow();
      nl.setUp(lo);
    }
    if (r.config().prevResult().isPresent()) {
      return r.config().prevResult().get();
    }
    return new CniResult(
        r.config().cniVersion(),
        List.of(CniResult.Interface.of("lo", "00:00:00:00:00:00", path.toString())),
        List.of(
            new CniResult.IpConfig(
                InterfaceAddress.parse("127.0.0.1/8"), Optional.empty(), OptionalInt.of(0)),
            new CniResult.IpConfig(
                InterfaceAddress.parse("::1/128"), Optional.empty(), OptionalInt.of(0))),
        List.of(),
        CniResult.Dns.EMPTY);
  }

  @Override
  public void del(CniRequest r) {
    Optional<Path> path = r.env().netns().filter(Files::exists);
    if (path.isEmpty()) {
      return;
    }
    try (NetworkNamespace ns = NetworkNamespace.open(path.get());
        Netlink nl = ns.netlink()) {
      nl.link("lo").ifPresent(nl::setDown);
    } catch (K8snetException e) {
      // The namespace is going away: nothing to undo.
    }
  }

  @Override
  public void check(CniRequest r) {
    Path path = r.env().netns().orElseThrow();
    try (NetworkNamespace ns = Namespaces.openContainer(path);
        Netlink nl = ns.netlink()) {
      if (!nl.link("lo").map(Link::up).orElse(false)) {
        throw new CniException(
            CniException.PLUGIN_SPECIFIC, "loopback interface is down", "lo in " + path);
      }
    }
  }
}
