package dev.k8snet.cni.daemon;

import dev.k8snet.cni.CallTimings;
import dev.k8snet.cni.CniException;
import dev.k8snet.cni.CniPlugin;
import dev.k8snet.cni.CniPluginRunner;
import dev.k8snet.cni.CniVersion;
import dev.k8snet.cni.ipam.IpamState;
import dev.k8snet.cni.plugins.PluginMain;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node daemon: serves CNI plugin calls over a unix socket so that each call costs no JVM
 * start-up. The socket's directory is created 0700 and the socket 0600 (root only).
 *
 * <p>Protocol (one call per connection): the client sends {@code K8SNET_PLUGIN=<name>}, then every
 * environment variable as {@code KEY=VALUE}, each terminated by a NUL byte, then an empty string (a
 * lone NUL), then the plugin's stdin until it shuts down its writing side. The daemon answers with
 * the exit code in ASCII digits and a newline, then the plugin's stdout, and closes. The thin
 * client ({@code k8snet-cni-client.c}) prints the stdout and exits with the code; when it cannot
 * connect it runs the plugin standalone. A request whose first string is {@code
 * K8SNET_REQUEST=metrics} (and no stdin) is answered with {@code 0}, a newline and {@link
 * CniMetrics#toJson()}.
 *
 * <p>The daemon built with {@link #CniDaemon(Path)} keeps IPAM reservations in memory ({@link
 * IpamState#inMemory()}), written through to host-local's on-disk format.
 *
 * <pre>{@code
 * try (CniDaemon d = new CniDaemon(Path.of("/run/k8snet/cni.sock"), PluginMain::plugin)) {
 *   d.start();
 *   ...
 * }
 * }</pre>
 *
 * @since 0.1
 */
public final class CniDaemon implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CniDaemon.class);

  /** The default socket path. */
  public static final Path DEFAULT_SOCKET = Path.of("/run/k8snet/cni.sock");

  private final Path socket;
  private final Function<String, CniPlugin> plugins;
  private final AtomicReference<CniMetrics> metrics = new AtomicReference<>(CniMetrics.empty());
  private ServerSocketChannel server;
  private Thread acceptor;
  private volatile boolean closed;

  /**
   * Creates the k8snet plugins' daemon ({@link PluginMain#plugins(IpamState)} with IPAM in memory);
   * nothing is opened until {@link #start()}.
   *
   * @param socket the socket path
   */
  public CniDaemon(Path socket) {
    this(socket, PluginMain.plugins(IpamState.inMemory()));
  }

  /**
   * Creates a daemon; nothing is opened until {@link #start()}.
   *
   * @param socket the socket path
   * @param plugins the plugin of an executable name; throws {@link IllegalArgumentException} for an
   *     unknown name
   */
  public CniDaemon(Path socket, Function<String, CniPlugin> plugins) {
    this.socket = Objects.requireNonNull(socket, "socket");
    this.plugins = Objects.requireNonNull(plugins, "plugins");
  }

  /**
   * Binds the socket and starts accepting on a platform thread.
   *
   * @throws IOException when the socket's directory cannot be created or the socket cannot be bound
   */
  public synchronized void start() throws IOException {
    if (server != null) {
      throw new IllegalStateException("already started");
    }
    Path dir = socket.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    Files.deleteIfExists(socket);
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
    acceptor = new Thread(this::acceptLoop, "k8snet-cni-daemon");
    acceptor.start();
    log.info("CNI daemon listening on {}", socket);
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        SocketChannel c = server.accept();
        Thread t = new Thread(() -> serve(c), "k8snet-cni-call");
        t.start();
      } catch (IOException e) {
        if (!closed) {
          log.warn("accept failed: {}", e.toString());
        }
        return;
      }
    }
  }

  private void serve(SocketChannel c) {
    try (c;
        InputStream in = Channels.newInputStream(c);
        OutputStream out = Channels.newOutputStream(c)) {
      byte[] all = in.readAllBytes();
      Map<String, String> env = new LinkedHashMap<>();
      int pos = 0;
      while (true) {
        int end = pos;
        while (end < all.length && all[end] != 0) {
          end++;
        }
        if (end >= all.length) {
          throw new IOException("truncated request");
        }
        String kv = new String(all, pos, end - pos, StandardCharsets.UTF_8);
        pos = end + 1;
        if (kv.isEmpty()) {
          break;
        }
        int eq = kv.indexOf('=');
        if (eq > 0) {
          env.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
      }
      if ("metrics".equals(env.get("K8SNET_REQUEST"))) {
        out.write(("0\n" + metrics().toJson()).getBytes(StandardCharsets.UTF_8));
        return;
      }
      byte[] stdin = Arrays.copyOfRange(all, pos, all.length);
      String name = Objects.requireNonNullElse(env.remove("K8SNET_PLUGIN"), "");
      ByteArrayOutputStream stdout = new ByteArrayOutputStream();
      int rc;
      try (PrintStream o = new PrintStream(stdout, true, StandardCharsets.UTF_8);
          PrintStream e = new PrintStream(OutputStream.nullOutputStream())) {
        CniPlugin plugin;
        try {
          plugin = plugins.apply(name);
        } catch (IllegalArgumentException unknown) {
          o.print(
              CniPluginRunner.errorJson(
                  CniVersion.CURRENT,
                  new CniException(
                      CniException.INVALID_CONFIG,
                      "unknown plugin",
                      Objects.requireNonNullElse(unknown.getMessage(), name))));
          plugin = null;
        }
        if (plugin == null) {
          rc = 1;
        } else {
          CallTimings t =
              CniPluginRunner.call(plugin, name, env, stdin, o, e, name + " (k8snet daemon)");
          metrics.updateAndGet(m -> m.plus(t));
          rc = t.exitCode();
        }
      }
      out.write((rc + "\n").getBytes(StandardCharsets.US_ASCII));
      out.write(stdout.toByteArray());
    } catch (IOException | RuntimeException e) {
      log.warn("CNI call failed: {}", e.toString());
    }
  }

  /**
   * The calls served so far, with timings per plugin, verb and phase.
   *
   * @return the metrics snapshot of the calls served so far
   */
  public CniMetrics metrics() {
    return metrics.get();
  }

  /**
   * Asks the daemon listening on {@code socket} for its metrics.
   *
   * @return {@link CniMetrics#toJson()} of that daemon
   * @param socket the daemon's socket path
   * @throws IOException when no daemon answers
   */
  public static String requestMetrics(Path socket) throws IOException {
    try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      ch.write(
          java.nio.ByteBuffer.wrap(
              "K8SNET_REQUEST=metrics\0\0".getBytes(StandardCharsets.US_ASCII)));
      ch.shutdownOutput();
      String reply = new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8);
      int nl = reply.indexOf('\n');
      if (nl < 0 || !reply.startsWith("0")) {
        throw new IOException("unexpected reply from " + socket + ": " + reply);
      }
      return reply.substring(nl + 1);
    }
  }

  /**
   * The socket path.
   *
   * @return the path of the Unix socket the daemon listens on
   */
  public Path socket() {
    return socket;
  }

  /** Stops accepting, removes the socket; calls in progress finish. */
  @Override
  public synchronized void close() {
    closed = true;
    try {
      if (server != null) {
        server.close();
      }
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (acceptor != null) {
      try {
        acceptor.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
