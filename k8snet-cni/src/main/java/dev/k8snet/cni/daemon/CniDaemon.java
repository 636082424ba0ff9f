package dev.k8snet.cni.daemon;

import dev.k8snet.cni.CniPlugin;
import dev.k8snet.cni.CniPluginRunner;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
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
 * connect it runs the plugin standalone.
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
  private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> nanos = new ConcurrentHashMap<>();
  private ServerSocketChannel server;
  private Thread acceptor;
  private volatile boolean closed;

  /**
   * Creates a daemon; nothing is opened until {@link #start()}.
   *
   * @param socket the socket path
   * @param plugins the plugin of an executable name
   */
  public CniDaemon(Path socket, Function<String, CniPlugin> plugins) {
    this.socket = Objects.requireNonNull(socket, "socket");
    this.plugins = Objects.requireNonNull(plugins, "plugins");
  }

  /** Binds the socket and starts accepting on a platform thread. */
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
    long t0 = System.nanoTime();
    String verb = "?";
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
      byte[] stdin = java.util.Arrays.copyOfRange(all, pos, all.length);
      String name = env.remove("K8SNET_PLUGIN");
      verb = env.getOrDefault("CNI_COMMAND", "");
      ByteArrayOutputStream stdout = new ByteArrayOutputStream();
      int rc;
      try (PrintStream o = new PrintStream(stdout, true, StandardCharsets.UTF_8);
          PrintStream e = new PrintStream(OutputStream.nullOutputStream())) {
        rc =
            CniPluginRunner.run(
                plugins.apply(name == null ? "" : name),
                env,
                stdin,
                o,
                e,
                name + " (k8snet daemon)");
      }
      out.write((rc + "\n").getBytes(StandardCharsets.US_ASCII));
      out.write(stdout.toByteArray());
    } catch (IOException | RuntimeException e) {
      log.warn("CNI call failed: {}", e.toString());
    } finally {
      long dt = System.nanoTime() - t0;
      calls.computeIfAbsent(verb, k -> new LongAdder()).increment();
      nanos.computeIfAbsent(verb, k -> new LongAdder()).add(dt);
      log.debug("CNI {} took {} µs", verb, dt / 1000);
    }
  }

  /** Calls served per verb, and their total time in nanoseconds ({@code "ADD.nanos"}). */
  public Map<String, Long> statistics() {
    Map<String, Long> m = new LinkedHashMap<>();
    calls.forEach((k, v) -> m.put(k, v.sum()));
    nanos.forEach((k, v) -> m.put(k + ".nanos", v.sum()));
    return m;
  }

  /** The socket path. */
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
