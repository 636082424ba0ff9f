package dev.k8snet.cni.ipam;

import dev.k8snet.cni.plugins.IpamPlugin;

/** Every {@link IpamPluginTest} again with the in-memory state that fsyncs each change. */
class SyncedInMemoryIpamPluginTest extends IpamPluginTest {
  private final IpamPlugin plugin = new IpamPlugin(IpamState.inMemory(true));

  @Override
  IpamPlugin plugin() {
    return plugin;
  }
}
