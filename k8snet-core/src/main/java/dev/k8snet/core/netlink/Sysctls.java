package dev.k8snet.core.netlink;

import dev.k8snet.core.IpFamily;
import dev.k8snet.core.K8snetException;
import dev.k8snet.core.netns.NetworkNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The {@code net.*} sysctls of one network namespace, read and written through {@code
 * /proc/sys/net} on a thread inside that namespace (never on the caller's thread).
 *
 * <p>Keys use sysctl notation: {@code net.ipv4.ip_forward}; an interface name containing a dot is
 * written with a slash ({@code net.ipv4.conf.eth0/100.rp_filter}), as {@code sysctl(8)} does. The
 * typed setters take interface names as they are.
 *
 * <pre>{@code
 * Sysctls sysctls = ns.sysctls();
 * sysctls.setForwarding(IpFamily.IPV4, true);
 * sysctls.setRpFilter("eth0", 0);
 * }</pre>
 *
 * @since 0.1
 */
public final class Sysctls {
  private static final Pattern KEY = Pattern.compile("net(\\.[A-Za-z0-9_/@-]+)+");

  private final NetworkNamespace namespace;

  private Sysctls(NetworkNamespace namespace) {
    this.namespace = namespace;
  }

  /**
   * Returns the sysctls of {@code ns}; same as {@link NetworkNamespace#sysctls()}.
   *
   * @param ns the namespace; must stay open while the sysctls are used
   * @return the sysctls
   */
  public static Sysctls of(NetworkNamespace ns) {
    return new Sysctls(Objects.requireNonNull(ns, "ns"));
  }

  /**
   * Reads a sysctl.
   *
   * @param key e.g. {@code net.ipv4.ip_forward}
   * @return the value without the trailing newline
   * @throws K8snetException when the key does not exist
   */
  public String get(String key) {
    Path path = path(key);
    return namespace.run(
        () -> {
          try {
            return Files.readString(path, StandardCharsets.US_ASCII).strip();
          } catch (NoSuchFileException e) {
            throw new K8snetException("no such sysctl: " + key, key, e);
          }
        });
  }

  /**
   * Writes a sysctl.
   *
   * @param key the key in sysctl notation, e.g. {@code net.ipv4.ip_forward}
   * @param value the value to write
   * @throws K8snetException when the key does not exist or the kernel rejects the value
   */
  public void set(String key, String value) {
    Path path = path(key);
    Objects.requireNonNull(value, "value");
    if (value.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("value: " + value + " (expected: one line)");
    }
    namespace.execute(
        () -> {
          try {
            Files.writeString(path, value, StandardCharsets.US_ASCII);
          } catch (IOException e) {
            throw new K8snetException(
                "cannot set sysctl " + key + " = " + value + ": " + e.getMessage(), key, e);
          }
        });
  }

  /**
   * Sets {@code net.ipv4.ip_forward} or {@code net.ipv6.conf.all.forwarding}.
   *
   * @param family the family
   * @param on whether forwarding is on
   */
  public void setForwarding(IpFamily family, boolean on) {
    set(
        family == IpFamily.IPV4 ? "net.ipv4.ip_forward" : "net.ipv6.conf.all.forwarding",
        on ? "1" : "0");
  }

  /**
   * Sets {@code net.ipv4.conf.IFACE.forwarding} or the IPv6 equivalent of one interface.
   *
   * @param iface the interface name
   * @param family the family
   * @param on whether forwarding is on
   */
  public void setForwarding(String iface, IpFamily family, boolean on) {
    set(conf(family == IpFamily.IPV4 ? "ipv4" : "ipv6", iface, "forwarding"), on ? "1" : "0");
  }

  /**
   * Sets {@code net.ipv4.conf.IFACE.rp_filter}.
   *
   * @param mode 0 off, 1 strict, 2 loose
   * @param iface the interface name
   */
  public void setRpFilter(String iface, int mode) {
    if (mode < 0 || mode > 2) {
      throw new IllegalArgumentException("mode: " + mode + " (expected: 0, 1 or 2)");
    }
    set(conf("ipv4", iface, "rp_filter"), Integer.toString(mode));
  }

  /**
   * Sets {@code net.ipv4.conf.IFACE.proxy_arp}.
   *
   * @param iface the interface name
   * @param on whether proxy ARP is on
   */
  public void setProxyArp(String iface, boolean on) {
    set(conf("ipv4", iface, "proxy_arp"), on ? "1" : "0");
  }

  /**
   * Sets {@code net.ipv4.conf.IFACE.route_localnet}.
   *
   * @param iface the interface name
   * @param on whether routing to 127.0.0.0/8 from this interface is allowed
   */
  public void setRouteLocalnet(String iface, boolean on) {
    set(conf("ipv4", iface, "route_localnet"), on ? "1" : "0");
  }

  /**
   * Sets {@code net.ipv6.conf.IFACE.disable_ipv6}.
   *
   * @param iface the interface name
   * @param disabled whether IPv6 is disabled on the interface
   */
  public void setDisableIpv6(String iface, boolean disabled) {
    set(conf("ipv6", iface, "disable_ipv6"), disabled ? "1" : "0");
  }

  private static String conf(String proto, String iface, String name) {
    if (!iface.equals("all") && !iface.equals("default")) {
      LinkSpec.checkName("iface", iface);
    }
    return "net." + proto + ".conf." + iface.replace('.', '/') + "." + name;
  }

  private static Path path(String key) {
    Objects.requireNonNull(key, "key");
    if (!KEY.matcher(key).matches()
        || java.util.Arrays.stream(key.split("\\."))
            .anyMatch(seg -> seg.replace('/', '.').matches("\\.+"))) {
      throw new IllegalArgumentException("key: " + key + " (expected: net.SECTION.NAME)");
    }
    StringBuilder sb = new StringBuilder("/proc/sys/");
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      sb.append(c == '.' ? '/' : c == '/' ? '.' : c);
    }
    return Path.of(sb.toString());
  }
}
