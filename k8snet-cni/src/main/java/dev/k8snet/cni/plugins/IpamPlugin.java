package dev.k8snet.cni.plugins;

import dev.k8snet.cni.Attachment;
import dev.k8snet.cni.CniException;
import dev.k8snet.cni.CniPlugin;
import dev.k8snet.cni.CniRequest;
import dev.k8snet.cni.CniResult;
import dev.k8snet.cni.internal.Phases;
import dev.k8snet.cni.ipam.HostLocalStore;
import dev.k8snet.cni.ipam.IpamConfig;
import dev.k8snet.cni.ipam.IpamState;
import java.util.List;
import java.util.Objects;

/**
 * {@code k8snet-ipam}: a host-local compatible IPAM plugin over {@link HostLocalStore}. Same
 * configuration and on-disk format as host-local; spec error codes (7 for invalid configuration, 11
 * for an exhausted pool) instead of host-local's 999; implements GC and STATUS.
 *
 * @since 0.1
 */
public final class IpamPlugin implements CniPlugin {
  private final IpamState state;

  /** A plugin for a process per call ({@link IpamState#standalone()}). */
  public IpamPlugin() {
    this(IpamState.standalone());
  }

  /**
   * A plugin whose reservations live in {@code state} (the daemon: {@link IpamState#inMemory()}).
   *
   * @param state the IPAM state
   */
  public IpamPlugin(IpamState state) {
    this.state = Objects.requireNonNull(state, "state");
  }

  private static Attachment attachment(CniRequest r) {
    return new Attachment(r.env().requireContainerId(), r.env().requireIfname());
  }

  private HostLocalStore store(CniRequest r, IpamConfig c) {
    return state.store(c.dataDir(), r.config().name());
  }

  @Override
  public CniResult add(CniRequest r) {
    IpamConfig c = IpamConfig.parse(r.config(), r.env());
    List<CniResult.IpConfig> ips =
        store(r, c).allocate(attachment(r), r.env().netns(), c.rangeSets(), c.requested());
    Phases.mark("ipam");
    return new CniResult(r.config().cniVersion(), List.of(), ips, c.routes(), c.dns());
  }

  @Override
  public void del(CniRequest r) {
    IpamConfig c = IpamConfig.parse(r.config(), r.env());
    store(r, c).release(attachment(r));
    Phases.mark("ipam");
  }

  @Override
  public void check(CniRequest r) {
    IpamConfig c = IpamConfig.parse(r.config(), r.env());
    Attachment a = attachment(r);
    if (store(r, c).find(a).isEmpty()) {
      throw new CniException(
          CniException.PLUGIN_SPECIFIC,
          "k8snet-ipam: failed to find address added by container " + a.containerId(),
          "no reservation for " + a.containerId() + "/" + a.ifname() + " in " + c.dataDir());
    }
  }

  @Override
  public void status(CniRequest r) {
    IpamConfig c = IpamConfig.parse(r.config(), r.env());
    if (!store(r, c).hasFree(c.rangeSets())) {
      throw new CniException(
          CniException.NOT_AVAILABLE,
          "no free addresses",
          "every address of a range set of network " + r.config().name() + " is reserved");
    }
  }

  @Override
  public void gc(CniRequest r, List<Attachment> valid) {
    IpamConfig c = IpamConfig.parse(r.config(), r.env());
    store(r, c).gc(valid);
  }
}
