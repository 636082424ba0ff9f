package dev.k8snet.cni.ipam;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where {@code k8snet-ipam} keeps its state between calls: {@link #standalone()} for a process per
 * call (every call opens the data directory afresh, with the on-disk index), {@link #inMemory()}
 * for a long-lived process such as the node daemon.
 *
 * <p>In memory, each network's reservations are read from the data directory once and then served
 * from memory; every change is written through to host-local's on-disk format before the call
 * returns (the files are the journal, so host-local or a standalone call can take over at any time,
 * and a daemon killed at any point restarts from them). By default the writes are not {@code
 * fsync(2)}ed: they survive a killed process, which is what unique addresses need; a power loss
 * also ends every pod, and reboot awareness reclaims their addresses. {@link #inMemory(boolean)}
 * with {@code true} syncs the reservation file and the directory before each call returns. Each
 * reservation file is written under a temporary name and hard-linked into place, so a process
 * killed at any point leaves either no reservation or a complete one. Calls of standalone processes
 * (and of host-local) remain safe: every operation holds host-local's {@code flock}, and the memory
 * is reloaded when the directory was changed by anyone else.
 *
 * <pre>{@code
 * IpamState state = IpamState.inMemory();
 * CniPlugin ipam = new IpamPlugin(state);
 * }</pre>
 *
 * @since 0.1
 */
public final class IpamState {
  private final boolean inMemory;
  private final boolean fsync;
  private final Map<Path, HostLocalStore> stores = new ConcurrentHashMap<>();

  private IpamState(boolean inMemory, boolean fsync) {
    this.inMemory = inMemory;
    this.fsync = fsync;
  }

  /**
   * State read from the data directory on every call (a process per call, as host-local).
   *
   * @return a state that keeps nothing in memory
   */
  public static IpamState standalone() {
    return new IpamState(false, false);
  }

  /**
   * State kept in memory for this object's lifetime and written through to disk (without {@code
   * fsync(2)}) before each call returns.
   *
   * @return an in-memory state without {@code fsync(2)}
   */
  public static IpamState inMemory() {
    return inMemory(false);
  }

  /**
   * State kept in memory and written through to disk before each call returns; with {@code fsync}
   * false the writes are not synced (they survive a killed process, which is what matters for
   * unique addresses, but not a power loss; after one, the pods are gone anyway and reboot
   * awareness reclaims their addresses). On a disk where {@code fsync} costs milliseconds this is
   * the difference between meeting and missing the per-call budget; on tmpfs it costs nothing.
   *
   * @param fsync whether writes are synced to disk before a call returns
   * @return an in-memory state
   */
  public static IpamState inMemory(boolean fsync) {
    return new IpamState(true, fsync);
  }

  /**
   * Whether this state is kept in memory.
   *
   * @return true for {@link #inMemory()} states
   */
  public boolean isInMemory() {
    return inMemory;
  }

  /**
   * Whether changes are synced to disk before a call returns (only in memory).
   *
   * @return true for an in-memory state created with {@code fsync} true
   */
  public boolean isSynced() {
    return fsync;
  }

  /**
   * The store of one network; in memory, the same instance for the same directory.
   *
   * @param dataDir host-local's {@code dataDir}
   * @param network the network name
   * @return a new store per call for a standalone state; the shared store of that directory for an
   *     in-memory state
   */
  public HostLocalStore store(Path dataDir, String network) {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(network, "network");
    if (!inMemory) {
      return new HostLocalStore(dataDir, network);
    }
    return stores.computeIfAbsent(
        dataDir.toAbsolutePath().normalize().resolve(network),
        k -> new HostLocalStore(dataDir, network, true, fsync));
  }

  @Override
  public String toString() {
    return inMemory
        ? "IpamState[in memory, " + (fsync ? "fsync, " : "") + stores.size() + " networks]"
        : "IpamState[standalone]";
  }
}
