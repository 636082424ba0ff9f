package dev.k8snet.samples;

import dev.k8snet.core.IpAddress;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * An IP literal and a port, written {@code ADDR:PORT} or {@code [V6ADDR]:PORT} on command lines.
 */
record AddressPort(IpAddress address, int port) {

  /**
   * Parses {@code text}; the address must be a literal (never looked up), the port 0 ~ 65535.
   *
   * @param option the option's name, for the message
   * @param expected what the option takes, for the message
   * @throws UsageException naming the option and the value otherwise
   */
  static AddressPort parse(String option, String text, String expected) {
    int colon = text.lastIndexOf(':');
    String host = colon < 0 ? "" : text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    Optional<IpAddress> address = IpAddress.tryParse(host);
    if (colon < 0 || port < 0 || port > 65535 || address.isEmpty()) {
      throw new UsageException(option + ": " + text + " (expected: " + expected + ")");
    }
    return new AddressPort(address.get(), port);
  }

  InetSocketAddress toSocketAddress() {
    return new InetSocketAddress(address.toInetAddress(), port);
  }
}
