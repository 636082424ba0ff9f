package dev.k8snet.samples.node;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The node's HTTP endpoint: {@code /healthz} (200 while every subsystem is live), {@code /readyz}
 * (200 once every subsystem is ready; the body has one line per subsystem either way) and {@code
 * /metrics} (Prometheus text format 0.0.4, one section per subsystem).
 */
public final class NodeHttpServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;

  private NodeHttpServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Binds {@code address} and serves {@code stack}.
   *
   * @param address the address; port 0 picks a free one
   * @param stack the node
   * @return the running server
   * @throws IOException if the address cannot be bound
   */
  public static NodeHttpServer start(InetSocketAddress address, NodeStack stack)
      throws IOException {
    HttpServer server = HttpServer.create(address, 16);
    server.createContext(
        "/healthz", ex -> reply(ex, stack.live() ? 200 : 503, "text/plain", stack.healthReport()));
    server.createContext(
        "/readyz", ex -> reply(ex, stack.ready() ? 200 : 503, "text/plain", stack.healthReport()));
    server.createContext(
        "/metrics",
        ex -> reply(ex, 200, "text/plain; version=0.0.4; charset=utf-8", stack.metrics()));
    ExecutorService executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "k8snet-node-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.start();
    return new NodeHttpServer(server, executor);
  }

  private static void reply(HttpExchange ex, int status, String type, String body)
      throws IOException {
    try (ex) {
      if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
        ex.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", type);
      ex.sendResponseHeaders(status, ex.getRequestMethod().equals("HEAD") ? -1 : bytes.length);
      if (!ex.getRequestMethod().equals("HEAD")) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  /**
   * Returns the bound address.
   *
   * @return the address
   */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
