package dev.k8snet.core.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.IpAddress;
import dev.k8snet.core.IpFamily;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.core.support.Cmd;
import dev.k8snet.testkit.NetnsTest;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** ctnetlink listing and deletion, cross-checked against the conntrack tool. */
@NetnsTest(tools = {"conntrack"})
class ConntrackTest {
  private static final int TCP = 6;
  private static final int UDP = 17;
  private static final int SCTP = 132;

  /** Inserts entries with the conntrack tool: a DNATed UDP flow, TCP, SCTP and an IPv6 flow. */
  private static void insert(NetworkNamespace ns) {
    List<List<String>> flows =
        List.of(
            List.of("-p", "udp", "-s", "10.0.0.1", "-d", "10.96.0.10", "--sport", "40000"),
            List.of("-p", "udp", "-s", "10.0.0.2", "-d", "10.96.0.10", "--sport", "40000"),
            List.of("-p", "tcp", "-s", "10.0.0.1", "-d", "10.96.0.11", "--sport", "40001"),
            List.of("-p", "sctp", "-s", "10.0.0.1", "-d", "10.96.0.12", "--sport", "40002"),
            List.of("-p", "udp", "-s", "fd00::1", "-d", "fd00:96::10", "--sport", "40000"));
    String[] replySrc = {"10.244.1.2", "10.244.2.2", "10.96.0.11", "10.244.1.3", "fd00:244::2"};
    String[] dport = {"53", "53", "80", "3868", "53"};
    String[] rport = {"8053", "8053", "80", "3868", "53"};
    for (int i = 0; i < flows.size(); i++) {
      List<String> cmd = new ArrayList<>(List.of("conntrack", "-I"));
      cmd.addAll(flows.get(i));
      String src = flows.get(i).get(3);
      String sport = flows.get(i).get(7);
      cmd.addAll(
          List.of(
              "--dport",
              dport[i],
              "--reply-src",
              replySrc[i],
              "--reply-dst",
              src,
              "--reply-port-src",
              rport[i],
              "--reply-port-dst",
              sport,
              "-t",
              "300"));
      String proto = flows.get(i).get(1);
      if (proto.equals("tcp")) {
        cmd.addAll(List.of("--state", "ESTABLISHED"));
      } else if (proto.equals("sctp")) {
        cmd.addAll(List.of("--state", "ESTABLISHED", "--orig-vtag", "1", "--reply-vtag", "2"));
      }
      Cmd.inNs(ns, cmd.toArray(String[]::new));
    }
  }

  /** The conntrack tool's view: "proto src dst sport dport reply-src" per entry, sorted. */
  private static TreeSet<String> cli(NetworkNamespace ns, String family) {
    TreeSet<String> out = new TreeSet<>();
    for (String line :
        Cmd.inNs(ns, "conntrack", "-L", "-f", family, "-o", "extended").split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.trim().split("\\s+");
      List<String> kv = new ArrayList<>();
      for (String s : f) {
        if (s.startsWith("src=")
            || s.startsWith("dst=")
            || s.startsWith("sport=")
            || s.startsWith("dport=")) {
          kv.add(s.substring(s.indexOf('=') + 1));
        }
      }
      out.add(
          f[3] + " " + kv.get(0) + " " + kv.get(1) + " " + kv.get(2) + " " + kv.get(3) + " "
              + kv.get(4));
    }
    return out;
  }

  private static TreeSet<String> ours(List<ConntrackEntry> entries) {
    TreeSet<String> out = new TreeSet<>();
    for (ConntrackEntry e : entries) {
      ConntrackEntry.Tuple o = e.original();
      out.add(
          e.protocol()
              + " "
              + o.source()
              + " "
              + o.destination()
              + " "
              + o.sourcePort()
              + " "
              + o.destinationPort()
              + " "
              + e.reply().source());
    }
    return out;
  }

  @Test
  void listsTheSameEntriesAsTheConntrackTool(NetworkNamespace ns) {
    insert(ns);
    try (Conntrack ct = Conntrack.open(ns)) {
      List<ConntrackEntry> v4 = ct.list(IpFamily.IPV4);
      assertEquals(4, v4.size(), v4.toString());
      assertEquals(cli(ns, "ipv4"), ours(v4));
      assertEquals(cli(ns, "ipv6"), ours(ct.list(IpFamily.IPV6)));
      ConntrackEntry dns =
          v4.stream()
              .filter(e -> e.original().source().equals(IpAddress.parse("10.0.0.1")))
              .filter(e -> e.protocol() == UDP)
              .findFirst()
              .orElseThrow();
      assertEquals(
          new ConntrackEntry.Tuple(
              IpAddress.parse("10.0.0.1"), IpAddress.parse("10.96.0.10"), 40000, 53),
          dns.original());
      assertEquals(
          new ConntrackEntry.Tuple(
              IpAddress.parse("10.244.1.2"), IpAddress.parse("10.0.0.1"), 8053, 40000),
          dns.reply(),
          "the reply tuple shows the DNAT");
      assertTrue(dns.timeout().orElseThrow().getSeconds() > 200, dns.toString());
      assertEquals(0, dns.zone());
    }
  }

  @Test
  void listsOneProtocolOnly(NetworkNamespace ns) {
    insert(ns);
    try (Conntrack ct = Conntrack.open(ns)) {
      List<ConntrackEntry> udp = ct.list(IpFamily.IPV4, OptionalInt.of(UDP));
      assertEquals(2, udp.size(), udp.toString());
      assertTrue(udp.stream().allMatch(e -> e.protocol() == UDP));
      assertEquals(1, ct.list(IpFamily.IPV4, OptionalInt.of(SCTP)).size());
      assertEquals(1, ct.list(IpFamily.IPV4, OptionalInt.of(TCP)).size());
      assertEquals(1, ct.list(IpFamily.IPV6, OptionalInt.of(UDP)).size());
    }
  }

  @Test
  void deletesByOriginalTupleAsTheToolSeesIt(NetworkNamespace ns) {
    insert(ns);
    try (Conntrack ct = Conntrack.open(ns)) {
      ConntrackEntry sctp = ct.list(IpFamily.IPV4, OptionalInt.of(SCTP)).get(0);
      assertTrue(ct.delete(sctp));
      assertFalse(ct.delete(sctp), "already gone");
      assertFalse(cli(ns, "ipv4").stream().anyMatch(s -> s.startsWith("132 ")));
      // Delete the UDP flows to 10.96.0.10:53 that were not DNATed to 10.244.2.2.
      int n =
          ct.delete(
              IpFamily.IPV4,
              OptionalInt.of(UDP),
              e ->
                  e.original().destination().equals(IpAddress.parse("10.96.0.10"))
                      && e.original().destinationPort() == 53
                      && !e.reply().source().equals(IpAddress.parse("10.244.2.2")));
      assertEquals(1, n);
      TreeSet<String> left = cli(ns, "ipv4");
      assertEquals(2, left.size(), left.toString());
      assertTrue(left.contains("17 10.0.0.2 10.96.0.10 40000 53 10.244.2.2"), left.toString());
      assertEquals(1, ct.delete(IpFamily.IPV6, OptionalInt.empty(), e -> true));
      assertTrue(cli(ns, "ipv6").isEmpty());
    }
  }

  @Test
  void refusesToDeleteAnEntryWithoutPorts(NetworkNamespace ns) {
    ConntrackEntry icmp =
        new ConntrackEntry(
            IpFamily.IPV4,
            1,
            new ConntrackEntry.Tuple(
                IpAddress.parse("10.0.0.1"), IpAddress.parse("10.0.0.2"), 0, 0),
            new ConntrackEntry.Tuple(
                IpAddress.parse("10.0.0.2"), IpAddress.parse("10.0.0.1"), 0, 0),
            0,
            0,
            java.util.Optional.empty(),
            0);
    try (Conntrack ct = Conntrack.open(ns)) {
      assertThrows(IllegalArgumentException.class, () -> ct.delete(icmp));
    }
  }
}
