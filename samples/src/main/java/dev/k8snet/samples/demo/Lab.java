package dev.k8snet.samples.demo;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.K8snetException;
import dev.k8snet.core.netlink.Address;
import dev.k8snet.core.netlink.InterfaceAddress;
import dev.k8snet.core.netlink.Link;
import dev.k8snet.core.netlink.LinkKind;
import dev.k8snet.core.netlink.LinkSpec;
import dev.k8snet.core.netlink.Netlink;
import dev.k8snet.core.netlink.Sysctls;
import dev.k8snet.core.netns.NetworkNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away cluster on this machine: an "underlay" network namespace with a bridge, and one
 * network namespace per node plugged into it, each node with its own address on the underlay (as
 * machines on one L2 segment). Pods are further namespaces attached by the node's CNI. Everything
 * it creates — namespaces (and so their links and rules), processes and its work directory — is
 * removed by {@link #close}, which is safe to call from a shutdown hook and more than once.
 *
 * <p>Work that adds to the lab from outside (files in its work directory, CNI calls that write IPAM
 * state there) runs through {@link #whileOpen}, so that a close from another thread — a shutdown
 * hook on SIGTERM — neither removes the lab under it nor leaves behind what it creates afterwards.
 */
public final class Lab implements AutoCloseable {
  /** The underlay subnet; the underlay namespace itself is {@code .1} ("outside the cluster"). */
  public static final Cidr UNDERLAY = Cidr.parse("192.168.56.0/24");

  /** The underlay namespace's address: a client outside the cluster. */
  public static final IpAddress OUTSIDE = IpAddress.parse("192.168.56.1");

  /** How long {@link #close} waits for {@link #whileOpen} work in progress. */
  public static final Duration WORK_GRACE = Duration.ofSeconds(30);

  private final String prefix;
  private final Path workDir;
  private final Deque<NetworkNamespace> namespaces = new ArrayDeque<>();
  private final List<Process> processes = new ArrayList<>();
  private final NetworkNamespace underlay;
  private final Object closeLock = new Object();
  private boolean closed; // guarded by closeLock
  private boolean closing; // guarded by this
  private int working; // guarded by this: whileOpen calls in progress

  private Lab(String prefix, Path workDir) {
    this.prefix = prefix;
    this.workDir = workDir;
    this.underlay = namespace("underlay");
    try (Netlink nl = underlay.netlink()) {
      nl.setUp(nl.link("lo").orElseThrow());
      nl.addLink(LinkSpec.of("br0", LinkKind.bridge()));
      Link br = nl.link("br0").orElseThrow();
      nl.addAddress(Address.of(br, new InterfaceAddress(OUTSIDE, UNDERLAY.prefixLength())));
      nl.setUp(br);
    }
  }

  /**
   * Creates the underlay; names of everything created start with {@code prefix}.
   *
   * @param prefix the name prefix, e.g. {@code k8snet-demo-1234-}
   * @return the lab, to be closed
   * @throws IOException when the work directory cannot be created
   */
  public static Lab create(String prefix) throws IOException {
    Path dir = Files.createTempDirectory(prefix);
    try {
      return new Lab(prefix, dir);
    } catch (RuntimeException e) {
      deleteTree(dir);
      throw e;
    }
  }

  /**
   * Returns the lab's work directory (manifests, CNI state, logs); removed on close.
   *
   * @return the directory
   */
  public Path workDir() {
    return workDir;
  }

  /**
   * Returns the underlay namespace (a client outside the cluster at {@link #OUTSIDE}).
   *
   * @return the namespace
   */
  public NetworkNamespace outside() {
    return underlay;
  }

  /**
   * Adds a node: a namespace with {@code eth0} on the underlay at {@code address}, forwarding on.
   *
   * @param name the node's name
   * @param address its underlay address, in {@link #UNDERLAY}
   * @return the node's namespace
   * @throws ClosingException when {@link #close} has begun
   */
  public NetworkNamespace addNode(String name, IpAddress address) {
    return whileOpen(
        () -> {
          NetworkNamespace node = namespace(name);
          String port = "u-" + name;
          try (Netlink nl = underlay.netlink()) {
            nl.addLink(LinkSpec.of(port, LinkKind.veth("eth0").peerNamespace(node)));
            Link p = nl.link(port).orElseThrow();
            nl.setMaster(p, nl.link("br0").orElseThrow());
            nl.setUp(p);
          }
          try (Netlink nl = node.netlink()) {
            nl.setUp(nl.link("lo").orElseThrow());
            Link eth0 = nl.link("eth0").orElseThrow();
            nl.addAddress(Address.of(eth0, new InterfaceAddress(address, UNDERLAY.prefixLength())));
            nl.setUp(eth0);
          }
          Sysctls.of(node).setForwarding(IpFamily.IPV4, true);
          return node;
        });
  }

  /**
   * Creates an empty namespace for a pod (the node's CNI attaches it).
   *
   * @param name the pod's short name
   * @return the namespace, with {@code lo} down as a container runtime leaves it
   * @throws ClosingException when {@link #close} has begun
   */
  public NetworkNamespace addPod(String name) {
    return namespace(name);
  }

  /**
   * Starts {@code command} inside {@code ns}, output appended to {@code log}; stopped on close.
   *
   * @param ns where it runs (its network namespace)
   * @param command the command line
   * @param log the file receiving its standard output and error
   * @return the process
   * @throws ClosingException when {@link #close} has begun
   */
  public Process start(NetworkNamespace ns, List<String> command, Path log) {
    return whileOpen(
        () -> {
          Process p =
              ns.run(
                  () ->
                      new ProcessBuilder(command)
                          .redirectErrorStream(true)
                          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                          .start());
          synchronized (processes) {
            processes.add(p);
          }
          return p;
        });
  }

  private NetworkNamespace namespace(String name) {
    return whileOpen(
        () -> {
          NetworkNamespace ns = NetworkNamespace.create(prefix + name);
          synchronized (namespaces) {
            namespaces.push(ns);
          }
          return ns;
        });
  }

  /**
   * Work that adds to the lab; see {@link #whileOpen}.
   *
   * @param <T> its result
   * @param <E> the checked exception it throws, or {@link RuntimeException}
   */
  @FunctionalInterface
  public interface Work<T, E extends Exception> {
    /**
     * Does the work.
     *
     * @return its result
     * @throws E when it fails
     */
    T run() throws E;
  }

  /** Thrown by {@link #whileOpen} once {@link #close} has begun: the lab is being removed. */
  public static final class ClosingException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    ClosingException(Path workDir) {
      super("the lab in " + workDir + " is being removed");
    }
  }

  /**
   * Runs {@code work} unless the lab is closing. {@link #close} waits for work in progress (up to
   * {@link #WORK_GRACE}) before it removes anything, and refuses work that starts later, so what
   * the work creates is either removed with the lab or never created.
   *
   * @param <T> the work's result
   * @param <E> the checked exception the work throws
   * @param work what to run
   * @return its result
   * @throws E when the work fails
   * @throws ClosingException when {@link #close} has begun
   */
  public <T, E extends Exception> T whileOpen(Work<T, E> work) throws E {
    synchronized (this) {
      if (closing) {
        throw new ClosingException(workDir);
      }
      working++;
    }
    try {
      return work.run();
    } finally {
      synchronized (this) {
        working--;
        notifyAll();
      }
    }
  }

  /**
   * Waits for work in progress to finish (up to {@link #WORK_GRACE}), then stops the processes
   * (SIGTERM, then SIGKILL after 10 s), deletes the namespaces in reverse order of creation and the
   * work directory. A call while another thread closes returns when that close has finished.
   * Problems are printed, never thrown.
   */
  @Override
  public void close() {
    synchronized (closeLock) {
      if (!closed) {
        awaitWork();
        remove();
        closed = true;
      }
    }
  }

  private synchronized void awaitWork() {
    closing = true;
    long deadline = System.nanoTime() + WORK_GRACE.toNanos();
    boolean interrupted = false;
    for (long left = WORK_GRACE.toNanos(); working > 0 && left > 0; ) {
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        interrupted = true;
      }
      left = deadline - System.nanoTime();
    }
    if (working > 0) {
      System.err.printf(
          "k8snet demo: removing the lab although %d task(s) still run after %d s%n",
          working, WORK_GRACE.toSeconds());
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void remove() {
    List<Process> running;
    synchronized (processes) {
      running = List.copyOf(processes);
    }
    running.forEach(Process::destroy);
    for (Process p : running) {
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    synchronized (namespaces) {
      while (!namespaces.isEmpty()) {
        NetworkNamespace ns = namespaces.pop();
        try {
          ns.delete();
          ns.close();
        } catch (K8snetException e) {
          System.err.println("k8snet demo: could not remove " + ns + ": " + e.getMessage());
        }
      }
    }
    deleteTree(workDir);
  }

  /** Deletes {@code dir} and everything in it, going on past what cannot be deleted. */
  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    List<Path> deepestFirst;
    try (Stream<Path> files = Files.walk(dir)) {
      deepestFirst = files.sorted(Comparator.reverseOrder()).toList();
    } catch (IOException | UncheckedIOException e) {
      System.err.println("k8snet demo: could not list " + dir + " to remove it: " + e);
      return;
    }
    for (Path p : deepestFirst) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        System.err.println("k8snet demo: could not remove " + p + ": " + e);
      }
    }
  }
}
