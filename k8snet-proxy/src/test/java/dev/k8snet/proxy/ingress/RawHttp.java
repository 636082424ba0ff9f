package dev.k8snet.proxy.ingress;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A minimal HTTP/1.1 client on one socket, to send exactly the bytes a test wants. */
final class RawHttp implements AutoCloseable {
  record Response(int status, Map<String, String> headers, String body) {}

  final Socket socket;
  final InputStream in;
  final OutputStream out;

  RawHttp(InetSocketAddress address) throws IOException {
    socket = new Socket(address.getAddress(), address.getPort());
    socket.setSoTimeout(20_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  static Response get(InetSocketAddress a, String host, String path) throws IOException {
    try (RawHttp c = new RawHttp(a)) {
      return c.request("GET", host, path, "");
    }
  }

  Response request(String method, String host, String path, String extraHeaders)
      throws IOException {
    send(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + extraHeaders + "\r\n");
    return read(method.equals("HEAD"));
  }

  void send(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  Response read(boolean head) throws IOException {
    String status = line();
    if (status == null) {
      throw new IOException("connection closed before a response");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    String l;
    while (!(l = line()).isEmpty()) {
      int c = l.indexOf(':');
      headers.merge(
          l.substring(0, c).trim().toLowerCase(Locale.ROOT),
          l.substring(c + 1).trim(),
          (x, y) -> x + ", " + y);
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int code = Integer.parseInt(status.split(" ")[1]);
    if (!head && code != 204 && code != 304 && code >= 200) {
      if (headers.containsKey("content-length")) {
        body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
      } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        while (true) {
          int size = Integer.parseInt(line().split(";")[0].trim(), 16);
          if (size == 0) {
            while (!line().isEmpty()) {
              // trailers
            }
            break;
          }
          body.write(in.readNBytes(size));
          line();
        }
      } else {
        body.write(in.readAllBytes());
      }
    }
    return new Response(code, headers, body.toString(StandardCharsets.ISO_8859_1));
  }

  private String line() throws IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        int n = b.length();
        return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
      }
      b.append((char) c);
    }
    return b.length() == 0 ? null : b.toString();
  }

  /** True when the server closed the connection. */
  boolean closedByPeer() throws IOException {
    return in.read() < 0;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
