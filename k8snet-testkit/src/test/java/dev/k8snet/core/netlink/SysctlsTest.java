package dev.k8snet.core.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.k8snet.core.IpFamily;
import dev.k8snet.core.K8snetException;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.core.support.Cmd;
import dev.k8snet.testkit.NetnsTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

@NetnsTest(tools = {"ip", "sysctl"})
class SysctlsTest {

  private static String sysctl(NetworkNamespace ns, String key) {
    return Cmd.inNs(ns, "sysctl", "-n", key).strip();
  }

  @Test
  void setsForwardingOnlyInsideTheNamespace(NetworkNamespace ns) throws Exception {
    String host = Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward")).strip();
    Sysctls s = ns.sysctls();
    s.setForwarding(IpFamily.IPV4, true);
    assertEquals("1", s.get("net.ipv4.ip_forward"));
    assertEquals("1", sysctl(ns, "net.ipv4.ip_forward"));
    assertEquals(host, Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward")).strip());
    s.setForwarding(IpFamily.IPV4, false);
    assertEquals("0", sysctl(ns, "net.ipv4.ip_forward"));
    s.setForwarding(IpFamily.IPV6, true);
    assertEquals("1", sysctl(ns, "net.ipv6.conf.all.forwarding"));
  }

  @Test
  void setsPerInterfaceKnobs(NetworkNamespace ns, Netlink nl) {
    nl.addLink(LinkSpec.of("v0", LinkKind.veth("v0.1")));
    Sysctls s = ns.sysctls();
    s.setRpFilter("v0", 2);
    s.setProxyArp("v0", true);
    s.setRouteLocalnet("v0", true);
    s.setDisableIpv6("v0", true);
    s.setRpFilter("v0.1", 1);
    assertEquals("2", sysctl(ns, "net.ipv4.conf.v0.rp_filter"));
    assertEquals("1", sysctl(ns, "net.ipv4.conf.v0.proxy_arp"));
    assertEquals("1", sysctl(ns, "net.ipv4.conf.v0.route_localnet"));
    assertEquals("1", sysctl(ns, "net.ipv6.conf.v0.disable_ipv6"));
    assertEquals("1", sysctl(ns, "net.ipv4.conf.v0/1.rp_filter"));
    assertEquals("1", s.get("net.ipv4.conf.v0/1.rp_filter"));
  }

  @Test
  void rejectsBadKeysAndReportsMissingOnes(NetworkNamespace ns) {
    Sysctls s = ns.sysctls();
    assertThrows(IllegalArgumentException.class, () -> s.get("kernel.hostname"));
    assertThrows(IllegalArgumentException.class, () -> s.get("net.ipv4.//.x"));
    assertThrows(IllegalArgumentException.class, () -> s.setRpFilter("v0", 3));
    assertThrows(K8snetException.class, () -> s.get("net.ipv4.no_such_knob"));
  }
}
