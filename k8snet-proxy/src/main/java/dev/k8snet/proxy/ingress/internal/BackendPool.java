package dev.k8snet.proxy.ingress.internal;

import dev.k8snet.core.IpAddress;
import io.netty.channel.Channel;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Idle keep-alive connections to endpoints, owned by one event loop (no locks): a request takes the
 * most recently used connection to its endpoint, so that idle ones age out.
 */
// netty: the outcome of close() and write() surfaces in channelInactive/exceptionCaught.
@SuppressWarnings("FutureReturnValueIgnored")
final class BackendPool {
  /**
   * Which idle connections are interchangeable: one endpoint address, over TLS or not, carrying raw
   * bytes (HTTP/1.x clients) or HTTP objects (HTTP/2 streams). Cheap to hash per request.
   */
  record Key(IpAddress ip, int port, boolean tls, boolean raw) {}

  private final int maxIdlePerEndpoint;
  private final Map<Key, ArrayDeque<Channel>> idle = new HashMap<>();

  BackendPool(int maxIdlePerEndpoint) {
    this.maxIdlePerEndpoint = maxIdlePerEndpoint;
  }

  Channel poll(BackendPool.Key key) {
    ArrayDeque<Channel> d = idle.get(key);
    if (d == null) {
      return null;
    }
    Channel ch;
    while ((ch = d.pollLast()) != null) {
      if (ch.isActive()) {
        return ch;
      }
    }
    return null;
  }

  void offer(BackendPool.Key key, Channel ch) {
    ArrayDeque<Channel> d = idle.computeIfAbsent(key, k -> new ArrayDeque<>());
    if (d.size() >= maxIdlePerEndpoint || !ch.isActive()) {
      ch.close();
      return;
    }
    d.addLast(ch);
  }

  void remove(BackendPool.Key key, Channel ch) {
    ArrayDeque<Channel> d = idle.get(key);
    if (d != null) {
      d.remove(ch);
    }
  }
}
