package dev.k8snet.cni.internal;

import dev.k8snet.cni.CniException;
import dev.k8snet.core.K8snetException;
import dev.k8snet.core.netns.NetworkNamespace;
import java.nio.file.Path;
import java.util.Optional;

/** How plugins open the namespaces they work in. */
public final class Namespaces {
  private Namespaces() {}

  /**
   * Opens the container's namespace at {@code CNI_NETNS}, failing as the spec asks when it cannot.
   *
   * @param path the namespace path
   * @return the open namespace, to be closed by the caller
   * @throws CniException with code 3 (unknown container) when the namespace cannot be opened
   */
  public static NetworkNamespace openContainer(Path path) {
    try {
      return NetworkNamespace.open(path);
    } catch (K8snetException e) {
      throw new CniException(
          CniException.UNKNOWN_CONTAINER,
          "failed to open netns \"" + path + "\"",
          String.valueOf(e.getMessage()),
          e);
    }
  }

  /**
   * Opens the host side's namespace: a new handle on {@code host}, or the caller's namespace.
   *
   * @param host the namespace a plugin was created for, if any
   * @return the open namespace, to be closed by the caller
   */
  public static NetworkNamespace openHost(Optional<NetworkNamespace> host) {
    return host.isPresent() ? NetworkNamespace.open(host.get().path()) : NetworkNamespace.current();
  }
}
