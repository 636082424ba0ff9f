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
 * a header line {@code <exit code> <length of stdout in bytes>} in ASCII, then the plugin's stdout,
 * and closes. The length lets a client tell a complete answer from one cut short by a daemon that
 * died while writing it: such an answer counts as no answer. The thin client ({@code
 * k8snet-cni-client.c}) prints the stdout and exits with the code; when it cannot connect it runs
 * the plugin standalone. A request whose first string is {@code K8SNET_REQUEST=metrics} (and no
 * stdin) is answered with exit code 0 and {@link CniMetrics#toJson()} as stdout.
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
        out.write(answer(0, metrics().toJson().getBytes(StandardCharsets.UTF_8)));
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
      out.write(answer(rc, stdout.toByteArray()));
    } catch (IOException | RuntimeException e) {
      log.warn("CNI call failed: {}", e.toString());
    }
  }

  /** The answer to one call as one buffer, written with one call so that it is cut short rarely. */
  private static byte[] answer(int rc, byte[] stdout) {
    byte[] header = (rc + " " + stdout.length + "\n").getBytes(StandardCharsets.US_ASCII);
    byte[] all = Arrays.copyOf(header, header.length + stdout.length);
    System.arraycopy(stdout, 0, all, header.length, stdout.length);
    return all;
  }

  /**
   * Splits an answer into exit code and stdout.
   *
   * @param reply everything the daemon sent before it closed the connection
   * @return the exit code and the stdout
   * @throws IOException when the reply has no header or is shorter than its header says
   */
  static Answer parseAnswer(byte[] reply) throws IOException {
    int nl = 0;
    while (nl < reply.length && reply[nl] != '\n') {
      nl++;
    }
    String header = new String(reply, 0, Math.min(nl, 40), StandardCharsets.US_ASCII);
    String[] parts = header.split(" ", -1);
    if (nl == reply.length || parts.length != 2) {
      throw new IOException("no answer from the k8snet CNI daemon: \"" + header + "\"");
    }
    int rc;
    int length;
    try {
      rc = Integer.parseInt(parts[0]);
      length = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IOException("malformed answer header from the k8snet CNI daemon: " + header, e);
    }
    int have = reply.length - nl - 1;
    if (have != length) {
      throw new IOException(
          "the k8snet CNI daemon's answer was cut short: " + have + " of " + length + " bytes");
    }
    return new Answer(rc, new String(reply, nl + 1, have, StandardCharsets.UTF_8));
  }

  /**
   * One complete answer.
   *
   * @param exitCode the plugin's exit code
   * @param stdout the plugin's stdout
   */
  record Answer(int exitCode, String stdout) {}

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
      Answer a = parseAnswer(Channels.newInputStream(ch).readAllBytes());
      if (a.exitCode() != 0) {
        throw new IOException("unexpected reply from " + socket + ": " + a);
      }
      return a.stdout();
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
