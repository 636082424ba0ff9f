package dev.k8snet.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DnsRecordsTest {
  static final DnsRecords RECORDS = DnsRecords.of(Fixtures.state(), DnsConfig.of("cluster.local"));

  static DnsAnswer ask(DnsRecords r, String name, DnsType type) {
    return r.lookup(name, type).orElseThrow();
  }

  static List<String> data(DnsAnswer a) {
    return a.answer().stream().map(x -> x.type() + " " + x.data()).sorted().toList();
  }

  static Stream<Arguments> positives() {
    String z = ".default.svc.cluster.local";
    return Stream.of(
        // §2.2 schema version
        Arguments.of("dns-version.cluster.local", "TXT", List.of("TXT \"1.1.0\"")),
        // §2.3.1 ClusterIP A / AAAA by family
        Arguments.of("web" + z, "A", List.of("A 10.96.0.10")),
        Arguments.of("dual" + z, "A", List.of("A 10.96.0.11")),
        Arguments.of("dual" + z, "AAAA", List.of("AAAA fd00:10:96::11")),
        // §2.3.2 SRV for named ports only, lowercased protocol
        Arguments.of("_http._tcp.web" + z, "SRV", List.of("SRV 0 100 80 web" + z + ".")),
        Arguments.of("_dns._udp.dual" + z, "SRV", List.of("SRV 0 100 53 dual" + z + ".")),
        Arguments.of("_dns-tcp._tcp.dual" + z, "SRV", List.of("SRV 0 100 53 dual" + z + ".")),
        // §2.3.3 PTR for ClusterIPs, IPv4 and 32-nibble IPv6
        Arguments.of("10.0.96.10.in-addr.arpa", "PTR", List.of("PTR web" + z + ".")),
        Arguments.of(
            "1.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa",
            "PTR",
            List.of("PTR dual" + z + ".")),
        // §2.4.1 headless: every ready endpoint, hostname or dashed-IP names
        Arguments.of("db" + z, "A", List.of("A 10.244.1.5", "A 10.244.1.6")),
        Arguments.of("db-0.db" + z, "A", List.of("A 10.244.1.5")),
        Arguments.of("10-244-1-6.db" + z, "A", List.of("A 10.244.1.6")),
        // §2.4.2 headless SRV: one per ready endpoint and named port
        Arguments.of(
            "_peer._tcp.db" + z,
            "SRV",
            List.of("SRV 0 50 7000 10-244-1-6.db" + z + ".", "SRV 0 50 7000 db-0.db" + z + ".")),
        // §2.4.3 PTR for endpoints
        Arguments.of("5.1.244.10.in-addr.arpa", "PTR", List.of("PTR db-0.db" + z + ".")),
        // readiness: publishNotReadyAddresses and the tolerate-unready annotation
        Arguments.of("unready" + z, "A", List.of("A 10.244.3.1")),
        Arguments.of("tolerate" + z, "A", List.of("A 10.244.3.2")),
        // pod hostname + subdomain (endpoints derived from the selector)
        Arguments.of("sts-0.sts" + z, "A", List.of("A 10.244.2.1")),
        Arguments.of("_web._tcp.sts" + z, "SRV", List.of("SRV 0 100 80 sts-0.sts" + z + ".")),
        // IPv6 headless endpoint: AAAA and a dashed IPv6 label
        Arguments.of("v6hl.other.svc.cluster.local", "AAAA", List.of("AAAA 2001:db8::5")),
        Arguments.of(
            "2001-db8--5.v6hl.other.svc.cluster.local", "AAAA", List.of("AAAA 2001:db8::5")),
        // §2.5 ExternalName
        Arguments.of("ext" + z, "CNAME", List.of("CNAME example.com.")),
        Arguments.of("ext" + z, "A", List.of("CNAME example.com.")),
        Arguments.of("alias" + z, "A", List.of("A 10.96.0.10", "CNAME web" + z + ".")),
        // case-insensitive
        Arguments.of("WEB.Default.SVC.cluster.LOCAL", "A", List.of("A 10.96.0.10")),
        // apex
        Arguments.of("cluster.local", "NS", List.of("NS ns.dns.cluster.local.")));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("positives")
  void answersTheSpecRecords(String name, String type, List<String> expected) {
    DnsAnswer a = ask(RECORDS, name, DnsType.parse(type));
    assertEquals(DnsRcode.NOERROR, a.rcode());
    assertTrue(a.authoritative());
    assertEquals(expected, data(a));
  }

  static Stream<Arguments> negatives() {
    String z = ".default.svc.cluster.local";
    return Stream.of(
        // NODATA: the name exists, not the type
        Arguments.of("web" + z, "AAAA", "NOERROR"),
        Arguments.of("dns-version.cluster.local", "A", "NOERROR"),
        Arguments.of("_http._tcp.web" + z, "A", "NOERROR"),
        Arguments.of("db-0.db" + z, "AAAA", "NOERROR"),
        // empty non-terminals
        Arguments.of("svc.cluster.local", "A", "NOERROR"),
        Arguments.of("default.svc.cluster.local", "A", "NOERROR"),
        Arguments.of("_tcp.web" + z, "SRV", "NOERROR"),
        Arguments.of("96.10.in-addr.arpa", "PTR", "NOERROR"),
        // NXDOMAIN: names that do not exist
        Arguments.of("nothere" + z, "A", "NXDOMAIN"),
        Arguments.of("x.web" + z, "A", "NXDOMAIN"),
        Arguments.of("db-2.db" + z, "A", "NXDOMAIN"), // not ready
        Arguments.of("empty" + z, "A", "NXDOMAIN"), // headless without ready endpoints
        Arguments.of("empty" + z, "SRV", "NXDOMAIN"),
        Arguments.of("_unnamed._tcp.web" + z, "SRV", "NXDOMAIN"),
        Arguments.of("nope.cluster.local", "A", "NXDOMAIN"),
        Arguments.of("pod.cluster.local", "A", "NXDOMAIN"), // pod records disabled
        Arguments.of("10-244-1-5.default.pod.cluster.local", "A", "NXDOMAIN"),
        Arguments.of("7.1.244.10.in-addr.arpa", "PTR", "NXDOMAIN"));
  }

  @ParameterizedTest(name = "{0} {1} is {2}")
  @MethodSource("negatives")
  void answersNegativesWithTheSoa(String name, String type, String rcode) {
    DnsAnswer a = ask(RECORDS, name, DnsType.parse(type));
    assertEquals(rcode, a.rcode().toString());
    assertTrue(a.answer().isEmpty(), () -> a.answer().toString());
    assertEquals(1, a.authority().size());
    assertEquals(DnsType.SOA, a.authority().get(0).type());
    assertTrue(
        name.toLowerCase(java.util.Locale.ROOT)
            .endsWith(a.authority().get(0).name().replaceAll("\\.$", "")));
  }

  @Test
  void soaMinimumIsTheTtl() {
    DnsAnswer a = ask(RECORDS, "nothere.cluster.local", DnsType.A);
    assertEquals(
        "ns.dns.cluster.local. hostmaster.cluster.local. 7 7200 1800 86400 5",
        a.authority().get(0).data());
  }

  @Test
  void keepsTheCnameWhenTheChaseFindsNothing() {
    DnsAnswer a = ask(RECORDS, "dangling.default.svc.cluster.local", DnsType.A);
    assertEquals(DnsRcode.NXDOMAIN, a.rcode()); // RFC 6604: the rcode of the last name
    assertEquals(List.of("CNAME nothere.default.svc.cluster.local."), data(a));
    DnsAnswer b = ask(RECORDS, "alias.default.svc.cluster.local", DnsType.AAAA);
    assertEquals(DnsRcode.NOERROR, b.rcode());
    assertEquals(List.of("CNAME web.default.svc.cluster.local."), data(b));
    assertEquals(DnsType.SOA, b.authority().get(0).type());
  }

  @Test
  void srvAnswersCarryTheTargetAddresses() {
    DnsAnswer a = ask(RECORDS, "_peer._tcp.db.default.svc.cluster.local", DnsType.SRV);
    assertEquals(
        List.of(
            "10-244-1-6.db.default.svc.cluster.local. 5 IN A 10.244.1.6",
            "db-0.db.default.svc.cluster.local. 5 IN A 10.244.1.5"),
        a.additional().stream().map(DnsRecord::toString).sorted().toList());
  }

  @Test
  void namesOutsideTheZonesAreNotAnswered() {
    assertTrue(RECORDS.lookup("example.com", DnsType.A).isEmpty());
  }

  @Test
  void usesTheConfiguredZone() {
    DnsRecords r = DnsRecords.of(Fixtures.state(), DnsConfig.builder("Corp.Internal.").build());
    assertEquals(List.of("A 10.96.0.10"), data(ask(r, "web.default.svc.corp.internal", DnsType.A)));
    assertTrue(r.lookup("web.default.svc.cluster.local", DnsType.A).isEmpty());
    assertEquals(
        List.of("PTR web.default.svc.corp.internal."),
        data(ask(r, "10.0.96.10.in-addr.arpa", DnsType.PTR)));
  }

  @Test
  void podRecordsFollowTheMode() {
    String existing = "10-244-4-4.other.pod.cluster.local";
    String invented = "1-2-3-4.other.pod.cluster.local";
    DnsRecords verified =
        DnsRecords.of(
            Fixtures.state(),
            DnsConfig.builder("cluster.local").podRecords(PodRecords.VERIFIED).build());
    assertEquals(List.of("A 10.244.4.4"), data(ask(verified, existing, DnsType.A)));
    assertEquals(DnsRcode.NXDOMAIN, ask(verified, invented, DnsType.A).rcode());
    assertTrue(ask(verified, existing, DnsType.AAAA).isNoData());
    DnsRecords insecure =
        DnsRecords.of(
            Fixtures.state(),
            DnsConfig.builder("cluster.local").podRecords(PodRecords.INSECURE).build());
    assertEquals(List.of("A 1.2.3.4"), data(ask(insecure, invented, DnsType.A)));
    assertTrue(ask(insecure, invented, DnsType.AAAA).isNoData());
    assertEquals(
        List.of("AAAA 2001:db8::1"),
        data(ask(insecure, "2001-db8--1.x.pod.cluster.local", DnsType.AAAA)));
    assertEquals(
        DnsRcode.NXDOMAIN, ask(insecure, "nonsense.x.pod.cluster.local", DnsType.A).rcode());
    assertEquals(DnsRcode.NXDOMAIN, ask(RECORDS, existing, DnsType.A).rcode());
  }

  @Test
  void headlessSrvIsDeduplicated() {
    long srv =
        RECORDS.records().stream()
            .filter(r -> r.name().equals("_peer._tcp.db.default.svc.cluster.local."))
            .count();
    assertEquals(2, srv);
    assertFalse(RECORDS.records().isEmpty());
  }
}
