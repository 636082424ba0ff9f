package dev.k8snet.core.netns;

import dev.k8snet.core.internal.sys.Errno;
import dev.k8snet.core.internal.sys.LibC;
import dev.k8snet.core.internal.sys.Sys;
import dev.k8snet.core.netlink.Netlink;
import dev.k8snet.core.netlink.Sysctls;
import dev.k8snet.core.nftables.Nftables;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Linux network namespace, held open by a file descriptor.
 *
 * <p>The calling thread never changes namespace: code that must run inside the namespace runs
 * through {@link #run(Callable)} on a fresh platform thread that enters the namespace and then
 * ends, so no pooled or virtual thread is ever left in a foreign namespace. Netlink handles from
 * {@link #netlink()} open their socket that way and can then be used from any thread, because a
 * netlink socket stays bound to the namespace it was opened in.
 *
 * <pre>{@code
 * try (NetworkNamespace ns = NetworkNamespace.create("pod-1");
 *     Netlink nl = ns.netlink()) {
 *   nl.setUp(nl.link("lo").orElseThrow());
 *   String forwarding = ns.sysctls().get("net.ipv4.ip_forward");
 *   List<String> links = ns.run(() -> Files.readAllLines(Path.of("/proc/thread-self/net/dev")));
 *   ns.delete();
 * }
 * }</pre>
 *
 * <p>Instances are thread-safe. {@link #close()} releases the descriptor; a named namespace stays
 * until {@link #delete()}, an unnamed one goes away when nothing refers to it any more.
 *
 * @since 0.1
 */
public final class NetworkNamespace implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NetworkNamespace.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  private static final AtomicLong THREADS = new AtomicLong();

  /** The directory where named namespaces are bind-mounted, as {@code ip netns} uses it. */
  public static final Path RUN_DIR = Path.of("/var/run/netns");

  private final int fd;
  private final Path path;
  private final String name;
  private final long inode;
  private volatile boolean closed;

  private NetworkNamespace(int fd, Path path, String name, long inode) {
    this.fd = fd;
    this.path = path;
    this.name = name;
    this.inode = inode;
  }

  /**
   * Creates a new, empty named namespace (with only a down loopback link) as {@code ip netns add
   * NAME} does: bind-mounted at {@code /var/run/netns/NAME}, so that {@code ip -n NAME} sees it.
   *
   * @param name 1 to 64 characters of {@code [A-Za-z0-9_.-]}
   * @return the open namespace; it outlives this object until {@link #delete()}
   * @throws IllegalArgumentException when the name is invalid
   * @throws NetworkNamespaceException when it exists already (errno 17) or cannot be created
   */
  public static NetworkNamespace create(String name) {
    checkName(name);
    Path file = RUN_DIR.resolve(name);
    LibC libc = Sys.libc();
    try {
      Files.createDirectories(RUN_DIR);
    } catch (IOException e) {
      throw new NetworkNamespaceException("cannot create " + RUN_DIR, name, 0, e);
    }
    makeRunDirShared(libc);
    try {
      Files.createFile(file);
    } catch (FileAlreadyExistsException e) {
      throw new NetworkNamespaceException(
          "network namespace exists: " + name, name, Sys.EEXIST, null);
    } catch (IOException e) {
      throw new NetworkNamespaceException("cannot create " + file, name, 0, e);
    }
    try {
      onFreshThread(
          "create-" + name,
          () -> {
            if (libc.unshare(Sys.CLONE_NEWNET) < 0) {
              throw sysFailure("unshare(CLONE_NEWNET)", name);
            }
            if (libc.mount("/proc/thread-self/ns/net", file.toString(), "none", Sys.MS_BIND, null)
                < 0) {
              throw sysFailure("bind-mount namespace at " + file, name);
            }
            return null;
          });
      NetworkNamespace ns = open(file, name);
      log.info("created network namespace {} (inode {})", name, ns.inode);
      return ns;
    } catch (RuntimeException e) {
      libc.umount2(file.toString(), Sys.MNT_DETACH);
      try {
        Files.deleteIfExists(file);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * Opens the named namespace at {@code /var/run/netns/NAME}.
   *
   * @param name the namespace name, as {@code ip netns} uses it
   * @return the open namespace; must be closed
   * @throws NetworkNamespaceException when it does not exist (errno 2)
   */
  public static NetworkNamespace openNamed(String name) {
    checkName(name);
    return open(RUN_DIR.resolve(name), name);
  }

  /**
   * Opens the namespace a file refers to: a bind mount such as {@code /var/run/netns/NAME} or a
   * {@code /proc/PID/ns/net} link.
   *
   * @param path the file
   * @return the open namespace; must be closed
   * @throws NetworkNamespaceException when the file does not exist or is not a network namespace
   */
  public static NetworkNamespace open(Path path) {
    Objects.requireNonNull(path, "path");
    return open(path, null);
  }

  /**
   * Opens the namespace of a process.
   *
   * @param pid the process id (positive)
   * @return the open namespace; must be closed
   * @throws NetworkNamespaceException when the process does not exist
   */
  public static NetworkNamespace ofPid(long pid) {
    if (pid <= 0) {
      throw new IllegalArgumentException("pid: " + pid + " (expected: > 0)");
    }
    return open(Path.of("/proc/" + pid + "/ns/net"), null);
  }

  /**
   * Opens the namespace of the calling thread.
   *
   * @return the open namespace; must be closed
   */
  public static NetworkNamespace current() {
    return open(Path.of("/proc/thread-self/ns/net"), null);
  }

  private static NetworkNamespace open(Path path, String name) {
    LibC libc = Sys.libc();
    int fd = libc.open(path.toString(), Sys.O_RDONLY | Sys.O_CLOEXEC, 0);
    if (fd < 0) {
      throw sysFailure("open network namespace " + path, name != null ? name : path);
    }
    long inode;
    try {
      inode = Sys.descriptorInode(fd);
    } catch (IllegalStateException e) {
      libc.close(fd);
      throw new NetworkNamespaceException(
          "not a network namespace: " + path, name != null ? name : path, Sys.EINVAL, e);
    }
    return new NetworkNamespace(fd, path, name, inode);
  }

  /**
   * Returns the name, for namespaces created or opened by name.
   *
   * @return the name, or empty for a namespace opened by path or process
   */
  public Optional<String> name() {
    return Optional.ofNullable(name);
  }

  /**
   * Returns the path this namespace was opened from.
   *
   * @return the path given to or derived by the factory method
   */
  public Path path() {
    return path;
  }

  /**
   * Returns the open file descriptor of the namespace, for system calls and netlink attributes that
   * take one ({@code setns(2)}, {@code IFLA_NET_NS_FD}). Valid until {@link #close()}; never close
   * it yourself.
   *
   * @return the descriptor
   * @throws IllegalStateException when this object is closed
   */
  public int descriptor() {
    checkOpen();
    return fd;
  }

  /**
   * Returns the namespace's inode number, which identifies it (as {@code ls -i} or {@code
   * /proc/PID/ns/net} show it).
   *
   * @return the inode number
   */
  public long inode() {
    return inode;
  }

  /**
   * Runs {@code task} on a new platform thread that has entered this namespace, waits for it, and
   * returns its result. The thread ends afterwards, so the namespace never leaks into a pool; the
   * calling thread never changes namespace.
   *
   * <p>Threads and processes the task starts inherit the namespace: start processes freely (they
   * run inside), but never create long-lived thread pools from the task.
   *
   * @return the task's result
   * @param <T> the type of the result
   * @param task the task to run inside the namespace
   * @throws NetworkNamespaceException when the namespace cannot be entered, or wrapping a checked
   *     exception of the task; unchecked exceptions of the task are rethrown as they are
   */
  public <T> T run(Callable<T> task) {
    Objects.requireNonNull(task, "task");
    checkOpen();
    return onFreshThread(
        label(),
        () -> {
          enterOnThisThread();
          return task.call();
        });
  }

  /**
   * Runs {@code task} like {@link #run(Callable)}, for tasks without a result.
   *
   * @param task the task to run inside the namespace
   */
  public void execute(Runnable task) {
    Objects.requireNonNull(task, "task");
    run(
        () -> {
          task.run();
          return null;
        });
  }

  /**
   * Opens a netlink (rtnetlink) handle bound to this namespace. The handle can be used from any
   * thread and must be closed.
   *
   * @return a handle that must be closed
   */
  public Netlink netlink() {
    checkOpen();
    return Netlink.open(this);
  }

  /**
   * Returns access to this namespace's {@code net.*} sysctls.
   *
   * @return the sysctls of this namespace
   */
  public Sysctls sysctls() {
    checkOpen();
    return Sysctls.of(this);
  }

  /**
   * Opens an nftables session bound to this namespace (libnftables in-process when available,
   * otherwise {@code nft -f -}). The session owns a platform thread and must be closed.
   *
   * @return a session that must be closed
   */
  public Nftables nftables() {
    checkOpen();
    return Nftables.open(this);
  }

  /**
   * Moves the calling thread into this namespace and checks that it arrived. For internal use by
   * threads that k8snet owns and dedicates to this namespace; never call it on a pooled thread.
   *
   * @throws NetworkNamespaceException when setns fails or the thread is not in the namespace after
   */
  public void enterOnThisThread() {
    checkOpen();
    if (Sys.libc().setns(fd, Sys.CLONE_NEWNET) < 0) {
      throw sysFailure("setns", label());
    }
    long now = Sys.currentThreadNamespaceInode();
    if (now != inode) {
      throw new NetworkNamespaceException(
          "thread is in namespace " + now + " after setns, expected " + inode, label(), 0, null);
    }
  }

  /**
   * Deletes a named namespace: unmounts and removes {@code /var/run/netns/NAME}, and closes this
   * object. The kernel destroys the namespace and its links once no process, socket or descriptor
   * refers to it any more.
   *
   * @throws IllegalStateException when this namespace has no name
   */
  public void delete() {
    if (name == null) {
      throw new IllegalStateException("not a named namespace: " + path);
    }
    close();
    LibC libc = Sys.libc();
    if (libc.umount2(path.toString(), Sys.MNT_DETACH) < 0) {
      int errno = Sys.errno();
      if (errno != Sys.EINVAL && errno != Sys.ENOENT) {
        throw new NetworkNamespaceException(
            "cannot unmount " + path + ": " + Errno.name(errno), name, errno, null);
      }
    }
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new NetworkNamespaceException("cannot remove " + path, name, 0, e);
    }
    log.info("deleted network namespace {}", name);
  }

  /** Closes the descriptor; idempotent. A named namespace stays (see {@link #delete()}). */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    Sys.libc().close(fd);
  }

  /** Equal when both refer to the same namespace (same inode). */
  @Override
  public boolean equals(Object o) {
    return o instanceof NetworkNamespace other && other.inode == inode;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(inode);
  }

  /** Returns e.g. {@code netns pod-1 (4026532290)}. */
  @Override
  public String toString() {
    return "netns " + label() + " (" + inode + ")";
  }

  private String label() {
    return name != null ? name : path.toString();
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("network namespace closed: " + label());
    }
  }

  private static void checkName(String name) {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
      throw new IllegalArgumentException(
          "name: " + name + " (expected: 1 to 64 characters of [A-Za-z0-9_.-])");
    }
  }

  private static void makeRunDirShared(LibC libc) {
    String dir = RUN_DIR.toString();
    if (libc.mount("", dir, "none", Sys.MS_SHARED | Sys.MS_REC, null) == 0) {
      return;
    }
    if (Sys.errno() != Sys.EINVAL) {
      throw sysFailure("make " + dir + " a shared mount", dir);
    }
    if (libc.mount(dir, dir, "none", Sys.MS_BIND | Sys.MS_REC, null) < 0
        || libc.mount("", dir, "none", Sys.MS_SHARED | Sys.MS_REC, null) < 0) {
      throw sysFailure("make " + dir + " a shared mount", dir);
    }
  }

  private static NetworkNamespaceException sysFailure(String what, Object subject) {
    int errno = Sys.errno();
    return new NetworkNamespaceException(
        what + " failed: " + Errno.name(errno), subject, errno, null);
  }

  /** Runs a task on a new platform thread and waits for it; see {@link #run(Callable)}. */
  private static <T> T onFreshThread(String label, Callable<T> task) {
    Object[] result = new Object[1];
    Throwable[] failure = new Throwable[1];
    Thread t =
        new Thread(
            () -> {
              try {
                result[0] = task.call();
              } catch (Throwable e) { // handed to the caller below
                failure[0] = e;
              }
            },
            "k8snet-netns-" + label + "-" + THREADS.incrementAndGet());
    t.setDaemon(true);
    t.start();
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
        t.interrupt();
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    Throwable e = failure[0];
    if (e instanceof RuntimeException re) {
      throw re;
    }
    if (e instanceof Error err) {
      throw err;
    }
    if (e != null) {
      throw new NetworkNamespaceException("task in " + label + " failed: " + e, label, 0, e);
    }
    @SuppressWarnings("unchecked")
    T value = (T) result[0];
    return value;
  }
}
