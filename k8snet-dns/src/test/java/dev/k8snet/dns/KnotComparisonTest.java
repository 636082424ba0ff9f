package dev.k8snet.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.cluster.ClusterUpdate;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Answers compared with Knot DNS serving the zone files our records describe: rcode, AA, and the
 * answer, authority and additional sections, over UDP with EDNS and without (truncation).
 */
class KnotComparisonTest {
  static DnsServer server;
  static Knot knot;
  static DnsRecords records;

  @BeforeAll
  static void start() throws Exception {
    ClusterDns dns = ClusterDns.create(DnsConfig.of("cluster.local"));
    ClusterState state = ClusterState.of(1, DnsServerInteropTest.objects());
    dns.onUpdate(ClusterUpdate.between(ClusterState.EMPTY, state));
    records = dns.records().orElseThrow();
    server = DnsServer.builder(dns, new InetSocketAddress("127.0.0.1", 0)).eventLoops(1).build();
    server.start();
    knot = Knot.serve(records);
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (knot != null) {
      knot.close();
    }
  }

  static Message ask(int port, String name, int type, boolean edns) throws Exception {
    SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
    r.setTimeout(Duration.ofSeconds(2));
    r.setIgnoreTruncation(true);
    if (edns) {
      r.setEDNS(0, 1232, 0);
    } else {
      r.setEDNS(-1);
    }
    Record q = Record.newRecord(Name.fromString(name, Name.root), type, 1);
    Message m = Message.newQuery(q);
    m.getHeader().unsetFlag(Flags.RD);
    return r.send(m);
  }

  static String describe(Message m) {
    StringBuilder sb = new StringBuilder();
    sb.append(Rcode.string(m.getRcode()));
    sb.append(m.getHeader().getFlag(Flags.AA) ? " aa" : "");
    sb.append(m.getHeader().getFlag(Flags.TC) ? " tc" : "");
    for (int s : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
      Set<String> rrs = new TreeSet<>();
      for (Record r : m.getSection(s)) {
        if (r.getType() != Type.OPT) {
          rrs.add(r.toString().toLowerCase(Locale.ROOT));
        }
      }
      sb.append("\n  ").append(Section.string(s)).append(": ").append(rrs);
    }
    return sb.toString();
  }

  static List<String> names() {
    Set<String> names = new TreeSet<>();
    for (DnsRecord r : records.records()) {
      names.add(r.name());
    }
    List<String> out = new ArrayList<>(names);
    // negatives: below existing names, empty non-terminals, siblings, other apexes
    out.addAll(
        List.of(
            "nothere.default.svc.cluster.local.",
            "x.web.default.svc.cluster.local.",
            "empty.default.svc.cluster.local.",
            "svc.cluster.local.",
            "default.svc.cluster.local.",
            "_tcp.web.default.svc.cluster.local.",
            "_unnamed._tcp.web.default.svc.cluster.local.",
            "pod.cluster.local.",
            "a.b.c.cluster.local.",
            "96.10.in-addr.arpa.",
            "7.1.244.10.in-addr.arpa.",
            "WeB.DeFault.Svc.Cluster.Local."));
    return out;
  }

  @Test
  void answersLikeKnotForEveryNameAndType() throws Exception {
    int[] types = {
      Type.A, Type.AAAA, Type.SRV, Type.PTR, Type.TXT, Type.CNAME, Type.SOA, Type.NS, Type.MX
    };
    List<String> diffs = new ArrayList<>();
    int compared = 0;
    int ours = server.localAddress().getPort();
    for (String name : names()) {
      for (int type : types) {
        String a = describe(ask(ours, name, type, true));
        String b = describe(ask(knot.port, name, type, true));
        compared++;
        if (!a.equals(b)) {
          diffs.add(name + " " + Type.string(type) + "\n ours: " + a + "\n knot: " + b);
        }
      }
    }
    assertTrue(compared > 300, "compared " + compared);
    // the comparison is not vacuous: Knot does answer the cluster records
    assertTrue(
        describe(ask(knot.port, "_peer._tcp.db.default.svc.cluster.local.", Type.SRV, true))
            .contains("7000 db-0.db.default.svc.cluster.local."));
    assertEquals(
        List.of(), diffs, () -> diffs.size() + " differences:\n" + String.join("\n", diffs));
  }

  @Test
  void truncatesLikeKnotWithoutEdns() throws Exception {
    int ours = server.localAddress().getPort();
    for (String name :
        List.of(
            "big.default.svc.cluster.local.",
            "_p._tcp.big.default.svc.cluster.local.",
            "_peer._tcp.db.default.svc.cluster.local.")) {
      int type = name.startsWith("_") ? Type.SRV : Type.A;
      Message a = ask(ours, name, type, false);
      Message b = ask(knot.port, name, type, false);
      assertEquals(b.getHeader().getFlag(Flags.TC), a.getHeader().getFlag(Flags.TC), name);
      assertEquals(b.getSection(Section.ANSWER).size(), a.getSection(Section.ANSWER).size(), name);
    }
  }
}
