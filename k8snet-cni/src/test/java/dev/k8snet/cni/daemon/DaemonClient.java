package dev.k8snet.cni.daemon;

import dev.k8snet.cni.Calls.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** The thin client's protocol in Java (see {@link CniDaemon}), for tests. */
final class DaemonClient {
  private DaemonClient() {}

  /** One call; throws when the daemon is unreachable or closes without a complete answer. */
  static Outcome call(Path socket, String plugin, Map<String, String> env, String stdin)
      throws IOException {
    try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      ByteArrayOutputStream req = new ByteArrayOutputStream();
      req.writeBytes(("K8SNET_PLUGIN=" + plugin).getBytes(StandardCharsets.UTF_8));
      req.write(0);
      env.forEach(
          (k, v) -> {
            req.writeBytes((k + "=" + v).getBytes(StandardCharsets.UTF_8));
            req.write(0);
          });
      req.write(0);
      req.writeBytes(stdin.getBytes(StandardCharsets.UTF_8));
      ByteBuffer b = ByteBuffer.wrap(req.toByteArray());
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.shutdownOutput();
      CniDaemon.Answer a = CniDaemon.parseAnswer(Channels.newInputStream(ch).readAllBytes());
      return new Outcome(a.exitCode(), a.stdout(), "");
    }
  }
}
