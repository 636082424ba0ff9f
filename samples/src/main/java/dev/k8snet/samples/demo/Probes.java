package dev.k8snet.samples.demo;

import dev.k8snet.core.IpAddress;
import dev.k8snet.core.netns.NetworkNamespace;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * What the demo's pods run and send, each inside a pod's network namespace: a server answering its
 * own name, and TCP, HTTP and DNS clients. Sockets are created inside the namespace and stay there.
 */
public final class Probes {
  private Probes() {}

  /**
   * Starts a server in {@code pod} on {@code ip:port} answering with {@code name}: to each HTTP
   * request with {@code 200} and the name as the body when {@code http}, else with the name as one
   * line as soon as a client connects.
   *
   * @param pod the pod's namespace
   * @param ip the pod's address
   * @param port the port
   * @param name what it answers
   * @param http whether it speaks HTTP/1.1
   * @return the listening socket; closing it stops the server
   */
  public static ServerSocket serveName(
      NetworkNamespace pod, IpAddress ip, int port, String name, boolean http) {
    ServerSocket server =
        pod.run(
            () -> {
              ServerSocket s = new ServerSocket();
              s.setReuseAddress(true);
              s.bind(new InetSocketAddress(ip.toInetAddress(), port), 64);
              return s;
            });
    Thread t =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try {
                  Socket c = server.accept();
                  Thread worker = new Thread(() -> answer(c, name, http), "k8snet-demo-" + name);
                  worker.setDaemon(true);
                  worker.start();
                } catch (IOException e) {
                  return; // closed
                }
              }
            },
            "k8snet-demo-" + name);
    t.setDaemon(true);
    t.start();
    return server;
  }

  private static void answer(Socket c, String name, boolean http) {
    try (c) {
      OutputStream out = c.getOutputStream();
      byte[] body = (name + "\n").getBytes(StandardCharsets.UTF_8);
      InputStream in = c.getInputStream();
      if (http) {
        c.setSoTimeout(3000);
        // read the request head up to the empty line
        int state = 0;
        int b;
        while (state < 4 && (b = in.read()) >= 0) {
          state = (b == '\r' || b == '\n') ? state + 1 : 0;
        }
        out.write(
            ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                    + body.length
                    + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return;
      }
      // greet, then echo every line until the client closes (a long-lived connection)
      out.write(body);
      out.flush();
      byte[] buf = new byte[4096];
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // the client reports what it saw
    }
  }

  /**
   * Connects over TCP from {@code from}, returns the first line the server sends (or why none came)
   * and closes.
   *
   * @param from the client's namespace
   * @param ip the destination
   * @param port the port
   * @param timeout connect and read timeout
   * @return the line, or {@code "timed out"}, {@code "refused"} and the like
   */
  public static String tcp(NetworkNamespace from, IpAddress ip, int port, Duration timeout) {
    return from.run(
        () -> {
          try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ip.toInetAddress(), port), (int) timeout.toMillis());
            s.setSoTimeout((int) timeout.toMillis());
            String line = readLine(s.getInputStream());
            return line == null ? "closed" : line;
          } catch (SocketTimeoutException e) {
            return "timed out";
          } catch (IOException e) {
            return String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
          }
        });
  }

  /**
   * Sends {@code GET path} with the {@code Host} header from {@code from}; returns the status
   * line's code and the body, e.g. {@code 200 web-a}, or why no response came.
   *
   * @param from the client's namespace
   * @param ip the server
   * @param port its port
   * @param host the Host header
   * @param path the request path
   * @return the code and body on one line
   */
  public static String http(
      NetworkNamespace from, IpAddress ip, int port, String host, String path) {
    return from.run(
        () -> {
          try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ip.toInetAddress(), port), 2000);
            s.setSoTimeout(3000);
            s.getOutputStream()
                .write(
                    ("GET "
                            + path
                            + " HTTP/1.1\r\nHost: "
                            + host
                            + "\r\nUser-Agent: k8snet-demo\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int headEnd = response.indexOf("\r\n\r\n");
            String status = response.lines().findFirst().orElse("");
            String code = status.length() >= 12 ? status.substring(9, 12) : status;
            String body = headEnd < 0 ? "" : response.substring(headEnd + 4).strip();
            return code + " \"" + body.lines().findFirst().orElse("") + "\"";
          } catch (SocketTimeoutException e) {
            return "timed out";
          } catch (IOException e) {
            return String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
          }
        });
  }

  /**
   * Asks {@code server:53} over UDP from {@code from}; returns the answers' data, or the rcode when
   * there are none.
   *
   * @param from the client's namespace
   * @param server the DNS server
   * @param name the name, absolute
   * @param type the record type, e.g. {@link Type#A}
   * @return one string per answer, or {@code [NXDOMAIN]} and the like
   */
  public static List<String> dns(NetworkNamespace from, IpAddress server, String name, int type) {
    return from.run(
        () -> {
          Message query =
              Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
          byte[] wire = query.toWire();
          try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(2000);
            s.send(
                new DatagramPacket(
                    wire, wire.length, new InetSocketAddress(server.toInetAddress(), 53)));
            byte[] buf = new byte[1500];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            s.receive(p);
            Message response = new Message(java.util.Arrays.copyOf(buf, p.getLength()));
            List<String> out = new ArrayList<>();
            for (Record r : response.getSection(Section.ANSWER)) {
              out.add(r.rdataToString());
            }
            return out.isEmpty() ? List.of(Rcode.string(response.getRcode())) : out;
          } catch (SocketTimeoutException e) {
            return List.of("timed out");
          }
        });
  }

  /** Reads one line (without its end), or null at end of stream. */
  private static String readLine(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      b.append((char) c);
    }
    return c < 0 && b.length() == 0 ? null : b.toString();
  }

  /**
   * Opens a long-lived TCP connection from {@code from} to a server started with {@code http}
   * false, and reads its greeting.
   *
   * @param from the client's namespace
   * @param ip the server
   * @param port its port
   * @return the open connection
   * @throws IOException when it cannot connect or no greeting comes
   */
  public static Conversation converse(NetworkNamespace from, IpAddress ip, int port)
      throws IOException {
    Socket s =
        from.run(
            () -> {
              Socket socket = new Socket();
              socket.connect(new InetSocketAddress(ip.toInetAddress(), port), 2000);
              return socket;
            });
    s.setSoTimeout(3000);
    String greeting = readLine(s.getInputStream());
    return new Conversation(s, greeting == null ? "" : greeting);
  }

  /**
   * A long-lived connection to an echoing server; {@link #exchange} proves it still carries data.
   *
   * @param socket the connected socket (created in the client's namespace)
   * @param greeting the server's first line, its name
   */
  public record Conversation(Socket socket, String greeting) implements AutoCloseable {
    /**
     * Sends {@code text} as a line and returns the line echoed back.
     *
     * @param text the line
     * @return the echo
     * @throws IOException when the connection is broken or the echo does not come in time
     */
    public String exchange(String text) throws IOException {
      socket.getOutputStream().write((text + "\n").getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
      String echo = readLine(socket.getInputStream());
      if (echo == null) {
        throw new IOException("connection closed by the server");
      }
      return echo;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
