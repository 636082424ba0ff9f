package dev.k8snet.cni.ipam;

import dev.k8snet.cni.plugins.IpamPlugin;

/** Every {@link IpamPluginTest} again with the daemon's in-memory state, one per test. */
class InMemoryIpamPluginTest extends IpamPluginTest {
  private final IpamPlugin plugin = new IpamPlugin(IpamState.inMemory());

  @Override
  IpamPlugin plugin() {
    return plugin;
  }
}
