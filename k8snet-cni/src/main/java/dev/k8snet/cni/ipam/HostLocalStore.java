package dev.k8snet.cni.ipam;

import dev.k8snet.cni.Attachment;
import dev.k8snet.cni.CniException;
import dev.k8snet.cni.CniResult;
import dev.k8snet.cni.internal.Flock;
import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.netlink.InterfaceAddress;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reservations of one network in host-local's on-disk format, so that host-local and this store
 * can take over each other's directory: {@code <dataDir>/<network>/<ip>} holding {@code
 * <containerId>\r\n<ifname>}, {@code last_reserved_ip.<set>} holding the cursor of each range set,
 * and the {@code lock} file, locked with {@code flock(2)} as host-local does.
 *
 * <p>Unlike host-local, which reads every file on every call, this store keeps an index by
 * attachment under {@code <dataDir>/.k8snet/<network>/} (invisible to host-local, whose network
 * names cannot start with a dot) and validates it with the directory's modification time: a call
 * costs a constant number of file operations however many addresses are reserved, and the index is
 * rebuilt once after another program changed the directory. Round-robin allocation from the cursor
 * as host-local; the cursor only advances when the whole ADD succeeded. Subnets are registered per
 * data directory, so two networks with overlapping subnets are refused instead of handing out the
 * same address twice.
 *
 * <p>Thread-safe and safe across processes (every operation holds the lock); a process killed at
 * any point never causes an address to be handed out twice (reservation is an exclusive create).
 *
 * @since 0.1
 */
public final class HostLocalStore {
  private static final Logger log = LoggerFactory.getLogger(HostLocalStore.class);
  private static final String CURSOR = "last_reserved_ip.";
  private static final Duration LOCK_TIMEOUT = Duration.ofSeconds(60);

  private final Path dataDir;
  private final String network;
  private final Path dir;
  private final Path indexDir;
  private final Path owners;
  private final Path tmp;
  private final boolean inMemory;
  private final boolean sync;

  // In-memory mode (the node daemon): the reservations, valid while the stamp file and the
  // directory's modification time are what this instance last saw. Guarded by "this".
  private Map<IpAddress, Attachment> byIp;
  private Map<Attachment, List<IpAddress>> byOwner;
  private String lastStamp = "";
  private long lastMtime = -1;
  private final String token = "mem:" + Long.toHexString(new SecureRandom().nextLong()) + ":";
  private long generation;

  /**
   * Creates a store; touches no files until the first operation.
   *
   * @param dataDir host-local's {@code dataDir}
   * @param network the network name
   */
  public HostLocalStore(Path dataDir, String network) {
    this(dataDir, network, false, false);
  }

  HostLocalStore(Path dataDir, String network, boolean inMemory, boolean sync) {
    this.inMemory = inMemory;
    this.sync = sync;
    this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
    this.network = Objects.requireNonNull(network, "network");
    if (network.isEmpty() || network.startsWith(".") || network.contains("/")) {
      throw new IllegalArgumentException("network: " + network + " (expected: a CNI network name)");
    }
    this.dir = dataDir.resolve(network);
    this.indexDir = dataDir.resolve(".k8snet").resolve(network);
    this.owners = indexDir.resolve("owners");
    this.tmp = indexDir.resolve("tmp");
  }

  /**
   * The directory holding the reservations: {@code <dataDir>/<network>}.
   *
   * @return {@code <dataDir>/<network>}
   */
  public Path directory() {
    return dir;
  }

  /**
   * Reserves one address from each range set for {@code attachment}; on failure nothing stays
   * reserved and no cursor moves.
   *
   * @param requested addresses the runtime asked for; each must lie in one of the sets
   * @return one {@link CniResult.IpConfig} per range set, in set order (no interface index)
   * @param attachment the attachment that gets the addresses
   * @param rangeSets the range sets; one address is reserved from each
   * @throws CniException 7 for a subnet conflict or a requested gateway/outside address, 11 when a
   *     set is exhausted or a requested address is taken, 100 for a duplicate allocation
   */
  public List<CniResult.IpConfig> allocate(
      Attachment attachment, List<List<IpamRange>> rangeSets, List<IpAddress> requested) {
    return allocate(attachment, Optional.empty(), rangeSets, requested);
  }

  /**
   * Reserves like {@link #allocate(Attachment, List, List)} and records the sandbox's network
   * namespace and the boot: when a range set is exhausted, reservations of sandboxes whose
   * namespace no longer exists, or that were made before the last reboot, are reclaimed first.
   *
   * @param attachment the attachment that gets the addresses
   * @param netns the sandbox's network namespace path, if known
   * @param rangeSets the range sets; one address is reserved from each
   * @param requested addresses the runtime asked for; each must lie in one of the sets
   * @return one {@link CniResult.IpConfig} per range set, in set order (no interface index)
   */
  public List<CniResult.IpConfig> allocate(
      Attachment attachment,
      Optional<Path> netns,
      List<List<IpamRange>> rangeSets,
      List<IpAddress> requested) {
    Objects.requireNonNull(attachment, "attachment");
    Objects.requireNonNull(netns, "netns");
    return locked(
        () -> {
          checkSubnets(rangeSets);
          List<IpAddress> dup = ownedBy(attachment);
          if (!dup.isEmpty()) {
            throw new CniException(
                CniException.PLUGIN_SPECIFIC,
                dup.get(0)
                    + " has been allocated to "
                    + attachment.containerId()
                    + ", duplicate allocation is not allowed",
                "container " + attachment.containerId() + " interface " + attachment.ifname());
          }
          List<IpAddress> todo = new ArrayList<>(requested);
          List<IpAddress> taken = new ArrayList<>();
          List<CniResult.IpConfig> out = new ArrayList<>();
          try {
            for (int i = 0; i < rangeSets.size(); i++) {
              List<IpamRange> set = rangeSets.get(i);
              IpAddress got = null;
              IpamRange range = null;
              for (IpAddress r : List.copyOf(todo)) {
                Optional<IpamRange> in = set.stream().filter(x -> x.contains(r)).findFirst();
                if (in.isEmpty()) {
                  continue;
                }
                if (in.get().gateway().filter(r::equals).isPresent()) {
                  throw new CniException(
                      CniException.INVALID_CONFIG,
                      "requested ip " + r + " is subnet's gateway",
                      "range set " + i + ": " + describe(set));
                }
                if (!reserve(r, attachment)) {
                  throw new CniException(
                      CniException.TRY_AGAIN_LATER,
                      "requested IP address "
                          + r
                          + " is not available in range set "
                          + describe(set),
                      r + " is reserved by " + holder(r).map(Attachment::containerId).orElse("?"));
                }
                todo.remove(r);
                got = r;
                range = in.get();
                break;
              }
              if (got == null) {
                Map.Entry<IpAddress, IpamRange> e = next(i, set, attachment);
                if (e == null && reclaimStale() > 0) {
                  e = next(i, set, attachment);
                }
                if (e == null) {
                  throw new CniException(
                      CniException.TRY_AGAIN_LATER,
                      "failed to allocate for range "
                          + i
                          + ": no IP addresses available in range set: "
                          + describe(set),
                      "every address of range set " + i + " is reserved in " + dir);
                }
                got = e.getKey();
                range = e.getValue();
              }
              taken.add(got);
              out.add(
                  new CniResult.IpConfig(
                      new InterfaceAddress(got, range.subnet().prefixLength()),
                      range.gateway(),
                      OptionalInt.empty()));
            }
            if (!todo.isEmpty()) {
              throw new CniException(
                  CniException.INVALID_CONFIG,
                  "failed to allocate all requested IPs: "
                      + todo.stream().map(IpAddress::toString).collect(Collectors.joining(",")),
                  "requested addresses must lie in a range set");
            }
          } catch (RuntimeException e) {
            for (IpAddress ip : taken) {
              unreserve(ip);
            }
            throw e;
          }
          if (inMemory) {
            byOwner.put(attachment, List.copyOf(taken));
          }
          writeOwner(attachment, taken, netns);
          for (int i = 0; i < taken.size(); i++) {
            write(dir.resolve(CURSOR + i), taken.get(i).toString());
          }
          return out;
        });
  }

  /**
   * Releases every address of {@code attachment} (or, for files written by old host-local versions,
   * of its container); succeeds when there is none.
   *
   * @return the released addresses
   * @param attachment the attachment
   */
  public List<IpAddress> release(Attachment attachment) {
    return locked(
        () -> {
          List<IpAddress> ips = ownedBy(attachment);
          Attachment legacy = new Attachment(attachment.containerId(), "");
          boolean useLegacy = ips.isEmpty();
          if (useLegacy) {
            ips = ownedBy(legacy);
          }
          for (IpAddress ip : ips) {
            unreserve(ip);
          }
          if (inMemory) {
            byOwner.remove(useLegacy ? legacy : attachment);
          }
          deleteQuietly(ownerFile(useLegacy ? legacy : attachment));
          if (inMemory && !ips.isEmpty()) {
            syncDirectory();
          }
          return ips;
        });
  }

  /**
   * The addresses reserved for {@code attachment}.
   *
   * @param attachment the attachment
   * @return the reserved addresses, empty when there are none
   */
  public List<IpAddress> find(Attachment attachment) {
    return locked(() -> ownedBy(attachment));
  }

  /**
   * Every reservation, read from the directory (O(reservations)).
   *
   * @return address to owner; the owner's ifname is empty for files of old host-local versions
   */
  public Map<IpAddress, Attachment> reservations() {
    return locked(this::scan);
  }

  /**
   * Releases every reservation whose attachment is not in {@code valid} (files of old host-local
   * versions hold only the container id and are kept when the container has a valid attachment);
   * keeps {@code lock} and the cursor files. An empty {@code valid} releases everything.
   *
   * @return the released addresses
   * @param valid the attachments to keep
   */
  public List<IpAddress> gc(Collection<Attachment> valid) {
    Set<Attachment> keep = Set.copyOf(valid);
    Set<String> keepIds = keep.stream().map(Attachment::containerId).collect(Collectors.toSet());
    return locked(
        () -> {
          List<IpAddress> released = new ArrayList<>();
          for (Map.Entry<IpAddress, Attachment> e : scan().entrySet()) {
            Attachment a = e.getValue();
            boolean ok =
                a.ifname().isEmpty() ? keepIds.contains(a.containerId()) : keep.contains(a);
            if (!ok) {
              deleteQuietly(dir.resolve(e.getKey().toString()));
              released.add(e.getKey());
            }
          }
          rebuildIndex();
          if (inMemory) {
            syncDirectory();
            loadMemory();
          }
          return released;
        });
  }

  /**
   * Whether every range set still has a free address (O(reservations)); for STATUS.
   *
   * @param rangeSets the range sets
   * @return true when each set has at least one address that is not reserved
   */
  public boolean hasFree(List<List<IpamRange>> rangeSets) {
    return locked(
        () -> {
          Set<IpAddress> used = scan().keySet();
          for (List<IpamRange> set : rangeSets) {
            boolean free = false;
            for (IpamRange r : set) {
              long size =
                  r.rangeEnd().toBigInteger().subtract(r.rangeStart().toBigInteger()).longValue()
                      + 1;
              long inUse =
                  used.stream().filter(r::contains).count()
                      + r.gateway().filter(r::contains).map(g -> 1).orElse(0);
              if (size < 0 || inUse < size) {
                free = true;
                break;
              }
            }
            if (!free) {
              return false;
            }
          }
          return true;
        });
  }

  // --- internals (all called with the lock held) ---

  private <T> T locked(Supplier<T> body) {
    if (!inMemory) {
      return lockedOnDisk(body);
    }
    synchronized (this) { // threads of this process queue here instead of polling the flock
      try {
        return lockedOnDisk(body);
      } catch (CniException e) {
        if (e.code() == CniException.IO_FAILURE) {
          byIp = null; // reload from disk on the next call instead of trusting a half change
        }
        throw e; // refusals (exhausted, duplicate, conflict) left memory and disk as they were
      } catch (RuntimeException e) {
        byIp = null;
        throw e;
      }
    }
  }

  private <T> T lockedOnDisk(Supplier<T> body) {
    try {
      Files.createDirectories(dir);
      Files.createDirectories(owners);
    } catch (IOException e) {
      throw io("cannot create " + dir, e);
    }
    try (Flock lock = Flock.acquire(dir.resolve("lock"), LOCK_TIMEOUT)) {
      String stamp = readStamp();
      long mtime = dirStamp();
      boolean indexValid = stamp.startsWith(mtime + " ") || stamp.equals(Long.toString(mtime));
      if (!indexValid) {
        rebuildIndex();
      }
      if (inMemory && (byIp == null || !stamp.equals(lastStamp) || mtime != lastMtime)) {
        loadMemory();
      }
      T t = body.get();
      writeStamp();
      return t;
    }
  }

  private long dirStamp() {
    try {
      return Files.getLastModifiedTime(dir).to(TimeUnit.NANOSECONDS);
    } catch (IOException e) {
      throw io("cannot stat " + dir, e);
    }
  }

  /**
   * The stamp: the directory's modification time after the last change made by k8snet (so that a
   * change by host-local is noticed) and who made it ({@code file}: a process without memory;
   * {@code mem:…}: a daemon, which notices any other writer by the differing text).
   */
  private String readStamp() {
    try {
      return Files.readString(indexDir.resolve("stamp"), StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      return "";
    } catch (IOException e) {
      throw io("cannot read index stamp", e);
    }
  }

  private void writeStamp() {
    long mtime = dirStamp();
    String text = mtime + " " + (inMemory ? token + ++generation : "file");
    write(indexDir.resolve("stamp"), text);
    if (inMemory) {
      lastStamp = text;
      lastMtime = mtime;
    }
  }

  /** Reads every reservation into memory (the daemon's start, or after another writer). */
  private void loadMemory() {
    log.debug("loading the IPAM state of {} into memory", dir);
    // Temporary files are only written with the lock held: any left now belong to a killed process.
    if (Files.isDirectory(tmp)) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmp)) {
        for (Path p : ds) {
          deleteQuietly(p);
        }
      } catch (IOException e) {
        throw io("cannot clear " + tmp, e);
      }
    }
    byIp = new HashMap<>(scanDisk());
    byOwner = new HashMap<>();
    byIp.forEach((ip, a) -> byOwner.computeIfAbsent(a, k -> new ArrayList<>()).add(ip));
    byOwner.replaceAll((a, l) -> List.copyOf(l));
  }

  private void rebuildIndex() {
    log.debug("rebuilding the IPAM index of {}", dir);
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(owners)) {
      for (Path p : ds) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw io("cannot clear " + owners, e);
    }
    Map<Attachment, List<IpAddress>> by = new LinkedHashMap<>();
    scanDisk().forEach((ip, a) -> by.computeIfAbsent(a, k -> new ArrayList<>()).add(ip));
    by.forEach(this::writeOwner);
  }

  private Map<IpAddress, Attachment> scan() {
    return inMemory ? new LinkedHashMap<>(byIp) : scanDisk();
  }

  private Map<IpAddress, Attachment> scanDisk() {
    Map<IpAddress, Attachment> m = new LinkedHashMap<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        Optional<IpAddress> ip = IpAddress.tryParse(p.getFileName().toString());
        if (ip.isEmpty()) {
          continue;
        }
        String c;
        try {
          c = Files.readString(p, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
          continue;
        }
        m.put(ip.get(), parseOwner(c));
      }
    } catch (IOException e) {
      throw io("cannot list " + dir, e);
    }
    return m;
  }

  private static Attachment parseOwner(String content) {
    String c = content.strip();
    int crlf = c.indexOf("\r\n");
    if (crlf < 0) {
      crlf = c.indexOf('\n');
      return crlf < 0
          ? new Attachment(c, "")
          : new Attachment(c.substring(0, crlf).strip(), c.substring(crlf + 1).strip());
    }
    return new Attachment(c.substring(0, crlf).strip(), c.substring(crlf + 2).strip());
  }

  private static String owner(Attachment a) {
    return a.containerId() + "\r\n" + a.ifname();
  }

  private Path ownerFile(Attachment a) {
    return owners.resolve(
        a.containerId()
            + "_"
            + HexFormat.of().formatHex(a.ifname().getBytes(StandardCharsets.UTF_8)));
  }

  private void writeOwner(Attachment a, List<IpAddress> ips) {
    write(ownerFile(a), ips.stream().map(IpAddress::toString).collect(Collectors.joining("\n")));
  }

  private void writeOwner(Attachment a, List<IpAddress> ips, Optional<Path> netns) {
    StringBuilder s = new StringBuilder();
    ips.forEach(ip -> s.append(ip).append('\n'));
    s.append("#boot=").append(bootId()).append('\n');
    // Only a namespace that exists now can later be judged gone.
    netns.filter(Files::exists).ifPresent(n -> s.append("#netns=").append(n).append('\n'));
    write(ownerFile(a), s.toString());
  }

  private static String bootId() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/random/boot_id"), StandardCharsets.US_ASCII)
          .strip();
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * Releases reservations whose sandbox is gone: recorded before the last reboot, or whose recorded
   * namespace path no longer exists. Reservations without a record (made by host-local) are never
   * reclaimed. O(reservations); only called when a range set is exhausted.
   */
  private int reclaimStale() {
    String boot = bootId();
    int released = 0;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(owners)) {
      for (Path f : ds) {
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        String ownerBoot = null;
        String netns = null;
        for (String l : lines) {
          if (l.startsWith("#boot=")) {
            ownerBoot = l.substring(6);
          } else if (l.startsWith("#netns=")) {
            netns = l.substring(7);
          }
        }
        boolean stale =
            (ownerBoot != null && !ownerBoot.isEmpty() && !ownerBoot.equals(boot))
                || (netns != null && !Files.exists(Path.of(netns)));
        if (!stale) {
          continue;
        }
        for (String l : lines) {
          Optional<IpAddress> ip = IpAddress.tryParse(l.strip());
          if (ip.isPresent()) {
            log.info(
                "reclaiming {} of a sandbox that no longer exists ({})", ip.get(), f.getFileName());
            deleteQuietly(dir.resolve(ip.get().toString()));
            released++;
          }
        }
        Files.deleteIfExists(f);
      }
    } catch (IOException e) {
      throw io("cannot read the IPAM index", e);
    }
    if (inMemory && released > 0) {
      syncDirectory();
      loadMemory();
    }
    return released;
  }

  /** The addresses of {@code a} according to the index, each checked against its file. */
  private List<IpAddress> ownedBy(Attachment a) {
    if (inMemory) {
      // Checked against the files: a change by host-local within the directory's timestamp
      // granularity would not have been noticed.
      List<IpAddress> mine = byOwner.getOrDefault(a, List.of());
      List<IpAddress> held =
          mine.stream().filter(ip -> holderOnDisk(ip).filter(a::equals).isPresent()).toList();
      if (held.size() != mine.size()) {
        byOwner.put(a, held);
        mine.stream().filter(ip -> !held.contains(ip)).forEach(byIp::remove);
      }
      return held;
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(ownerFile(a), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw io("cannot read the IPAM index", e);
    }
    List<IpAddress> out = new ArrayList<>();
    for (String l : lines) {
      Optional<IpAddress> ip = IpAddress.tryParse(l.strip());
      if (ip.isPresent() && a.equals(holder(ip.get()).orElse(null))) {
        out.add(ip.get());
      }
    }
    return out;
  }

  private Optional<Attachment> holder(IpAddress ip) {
    if (inMemory) {
      return Optional.ofNullable(byIp.get(ip));
    }
    try {
      return Optional.of(
          parseOwner(Files.readString(dir.resolve(ip.toString()), StandardCharsets.UTF_8)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw io("cannot read " + ip, e);
    }
  }

  /**
   * Reserves {@code ip} with an exclusive create, so that two processes never both succeed. In
   * memory mode the file is written and synced under a temporary name and then hard-linked into
   * place (a crash never leaves a reservation without its owner), and the directory is synced.
   */
  private boolean reserve(IpAddress ip, Attachment a) {
    byte[] content = owner(a).getBytes(StandardCharsets.UTF_8);
    Path target = dir.resolve(ip.toString());
    if (!inMemory) {
      try {
        Files.write(target, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      } catch (IOException e) {
        throw io("cannot reserve " + ip, e);
      }
    }
    if (byIp.containsKey(ip)) {
      return false;
    }
    Path t = tmp.resolve(ip + "." + Long.toHexString(System.nanoTime()));
    try {
      Files.createDirectories(tmp);
      try (FileChannel ch =
          FileChannel.open(t, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap(content));
        if (sync) {
          ch.force(true);
        }
      }
      try {
        Files.createLink(target, t);
      } catch (FileAlreadyExistsException e) {
        // Reserved by another process in a way the stamp did not show: learn it.
        holderOnDisk(ip)
            .ifPresent(
                h -> {
                  byIp.put(ip, h);
                  List<IpAddress> l = new ArrayList<>(byOwner.getOrDefault(h, List.of()));
                  l.add(ip);
                  byOwner.put(h, List.copyOf(l));
                });
        return false;
      } finally {
        Files.deleteIfExists(t);
      }
      syncDirectory();
      byIp.put(ip, a);
      return true;
    } catch (IOException e) {
      throw io("cannot reserve " + ip, e);
    }
  }

  private void unreserve(IpAddress ip) {
    deleteQuietly(dir.resolve(ip.toString()));
    if (inMemory) {
      byIp.remove(ip);
    }
  }

  private Optional<Attachment> holderOnDisk(IpAddress ip) {
    try {
      return Optional.of(
          parseOwner(Files.readString(dir.resolve(ip.toString()), StandardCharsets.UTF_8)));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** fsync(2) of the reservation directory, so that created and removed names are durable. */
  private void syncDirectory() {
    if (!sync) {
      return;
    }
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      throw io("cannot sync " + dir, e);
    }
  }

  /** Walks the set from after the cursor, wrapping once; reserves the first free address. */
  private Map.Entry<IpAddress, IpamRange> next(int setIndex, List<IpamRange> set, Attachment a) {
    int ri = 0;
    IpAddress ip = set.get(0).rangeStart();
    Optional<IpAddress> cursor = readCursor(setIndex);
    if (cursor.isPresent()) {
      for (int k = 0; k < set.size(); k++) {
        if (set.get(k).contains(cursor.get())) {
          ri = k;
          ip = cursor.get();
          // Start after the cursor.
          if (ip.equals(set.get(k).rangeEnd())) {
            ri = (k + 1) % set.size();
            ip = set.get(ri).rangeStart();
          } else {
            ip = ip.next();
          }
          break;
        }
      }
    }
    IpAddress startIp = ip;
    int startRi = ri;
    while (true) {
      IpamRange r = set.get(ri);
      if (r.gateway().filter(ip::equals).isEmpty() && reserve(ip, a)) {
        return Map.entry(ip, r);
      }
      if (ip.equals(r.rangeEnd())) {
        ri = (ri + 1) % set.size();
        ip = set.get(ri).rangeStart();
      } else {
        ip = ip.next();
      }
      if (ri == startRi && ip.equals(startIp)) {
        return null;
      }
    }
  }

  private Optional<IpAddress> readCursor(int setIndex) {
    try {
      return IpAddress.tryParse(
          Files.readString(dir.resolve(CURSOR + setIndex), StandardCharsets.UTF_8).strip());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw io("cannot read cursor", e);
    }
  }

  private void checkSubnets(List<List<IpamRange>> sets) {
    Path reg = dataDir.resolve(".k8snet").resolve("subnets");
    try {
      Files.createDirectories(reg);
      Map<Cidr, String> known = new LinkedHashMap<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(reg)) {
        for (Path p : ds) {
          Cidr.tryParse(p.getFileName().toString().replace('_', '/'))
              .ifPresent(c -> known.put(c, readOr(p)));
        }
      }
      for (List<IpamRange> set : sets) {
        for (IpamRange r : set) {
          Cidr mine = r.subnet();
          for (Map.Entry<Cidr, String> e : known.entrySet()) {
            if (e.getKey().overlaps(mine)
                && !e.getValue().equals(network)
                && !abandoned(e.getValue())) {
              throw new CniException(
                  CniException.INVALID_CONFIG,
                  "subnet "
                      + mine
                      + " overlaps subnet "
                      + e.getKey()
                      + " of network \""
                      + e.getValue()
                      + "\" in the same dataDir",
                  "two networks would hand out the same addresses; give them disjoint subnets");
            }
          }
          if (!network.equals(known.get(mine))) {
            write(reg.resolve(mine.toString().replace('/', '_')), network);
          }
        }
      }
    } catch (IOException e) {
      throw io("cannot read the subnet registry", e);
    }
  }

  /** A network that holds no reservations any more gives up its subnets. */
  private boolean abandoned(String other) {
    Path d = dataDir.resolve(other);
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
      for (Path p : ds) {
        if (IpAddress.isValid(p.getFileName().toString())) {
          return false;
        }
      }
      return true;
    } catch (NoSuchFileException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String readOr(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "";
    }
  }

  private static String describe(List<IpamRange> set) {
    return set.stream().map(IpamRange::toString).collect(Collectors.joining(","));
  }

  private static void write(Path p, String text) {
    try {
      Files.writeString(p, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw io("cannot write " + p, e);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      log.warn("cannot delete {}: {}", p, e.toString());
    }
  }

  private static CniException io(String what, IOException e) {
    return new CniException(CniException.IO_FAILURE, what, e.toString(), e);
  }

  @Override
  public String toString() {
    return "HostLocalStore[" + dir + "]";
  }
}
