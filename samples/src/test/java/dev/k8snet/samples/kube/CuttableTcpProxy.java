package dev.k8snet.samples.kube;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback TCP forwarder to a server that a test can cut (close every connection and refuse new
 * ones, as an API server that went away) and restore on the same port.
 */
final class CuttableTcpProxy implements AutoCloseable {
  private final InetSocketAddress target;
  private final int port;
  private final List<Socket> sockets = new ArrayList<>();
  private ServerSocket server;
  private Thread acceptor;

  CuttableTcpProxy(InetSocketAddress target) throws IOException {
    this.target = target;
    ServerSocket s = open(0);
    this.port = s.getLocalPort();
    serve(s);
  }

  int port() {
    return port;
  }

  private static ServerSocket open(int port) throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    return s;
  }

  private synchronized void serve(ServerSocket s) {
    server = s;
    acceptor =
        new Thread(
            () -> {
              while (!s.isClosed()) {
                try {
                  Socket client = s.accept();
                  Socket upstream = new Socket(target.getAddress(), target.getPort());
                  synchronized (this) {
                    sockets.add(client);
                    sockets.add(upstream);
                  }
                  pump(client, upstream);
                  pump(upstream, client);
                } catch (IOException e) {
                  // closed
                }
              }
            },
            "k8snet-kube-test-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private static void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[16384];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                  out.write(buf, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // cut or closed
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "k8snet-kube-test-pump");
    t.setDaemon(true);
    t.start();
  }

  /** Closes the listener and every connection: the server is gone. */
  void cut() throws InterruptedException {
    ServerSocket s;
    Thread a;
    synchronized (this) {
      s = server;
      a = acceptor;
    }
    closeQuietly(s);
    a.join(5000);
    synchronized (this) {
      for (Socket c : sockets) {
        closeQuietly(c);
      }
      sockets.clear();
    }
  }

  /** Listens again on the same port. */
  synchronized void restore() throws IOException {
    serve(open(port));
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // best effort
    }
  }

  @Override
  public void close() throws InterruptedException {
    cut();
  }
}
