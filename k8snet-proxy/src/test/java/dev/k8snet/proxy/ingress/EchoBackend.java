package dev.k8snet.proxy.ingress;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A loopback HTTP/1.1 backend (the JDK's server) that answers {@code name method path} plus the
 * request headers it got, one per line; {@code /big/N} streams N bytes; {@code /slow} waits 30s;
 * the request body is read and its length reported.
 */
final class EchoBackend implements AutoCloseable {
  final String name;
  final HttpServer server;
  final ExecutorService pool = Executors.newFixedThreadPool(16);
  final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();

  EchoBackend(String name, String ip) throws IOException {
    this.name = name;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(ip), 0), 128);
    server.setExecutor(pool);
    server.createContext("/", this::handle);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    clientPorts.add(ex.getRemoteAddress().getPort());
    String path = ex.getRequestURI().getRawPath();
    String query = ex.getRequestURI().getRawQuery();
    long body = 0;
    try (InputStream in = ex.getRequestBody()) {
      byte[] buf = new byte[65536];
      int n;
      while ((n = in.read(buf)) > 0) {
        body += n;
      }
    }
    if (path.startsWith("/big/")) {
      long size = Long.parseLong(path.substring(5));
      ex.sendResponseHeaders(200, size);
      try (OutputStream out = ex.getResponseBody()) {
        byte[] chunk = new byte[65536];
        java.util.Arrays.fill(chunk, (byte) 'x');
        for (long left = size; left > 0; left -= chunk.length) {
          out.write(chunk, 0, (int) Math.min(left, chunk.length));
        }
      }
      return;
    }
    if (path.equals("/slow")) {
      try {
        Thread.sleep(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    StringBuilder b = new StringBuilder();
    b.append(name).append(' ').append(ex.getRequestMethod()).append(' ').append(path);
    if (query != null) {
      b.append('?').append(query);
    }
    b.append("\nbody ").append(body).append('\n');
    Map<String, String> sorted = new TreeMap<>();
    ex.getRequestHeaders()
        .forEach((k, v) -> sorted.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
    sorted.forEach((k, v) -> b.append(k).append(": ").append(v).append('\n'));
    byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain");
    ex.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
