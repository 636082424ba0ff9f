package dev.k8snet.dns;

import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.dns.internal.IndexBuilder;
import dev.k8snet.dns.internal.Result;
import dev.k8snet.dns.internal.Rr;
import dev.k8snet.dns.internal.WireName;
import dev.k8snet.dns.internal.ZoneIndex;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The authoritative records of a cluster at one snapshot: the Kubernetes DNS-Based Service
 * Discovery specification 1.1.0 for the configured zone, plus the reverse (PTR) records below
 * {@code in-addr.arpa} and {@code ip6.arpa}. Immutable and thread-safe; lookups take no locks and
 * perform no I/O.
 *
 * <pre>{@code
 * DnsRecords records = DnsRecords.of(state, DnsConfig.of("cluster.local"));
 * DnsAnswer a = records.lookup("web.default.svc.cluster.local", DnsType.A);
 * a.answer().forEach(System.out::println); // web.default.svc.cluster.local. 5 IN A 10.96.0.10
 * }</pre>
 *
 * <p>Negative answers follow RFC 1034, 2308 and 8020: NXDOMAIN only for names that do not exist
 * (including a headless service without ready endpoints), NODATA for existing names (and empty
 * non-terminals such as {@code svc.<zone>}) without the asked type, both with the SOA in the
 * authority section. An ExternalName CNAME is chased inside the zone and kept in the answer when
 * the chase yields nothing. Name comparison is case-insensitive.
 *
 * <p>Use {@link ClusterDns} to keep records current as a cluster changes.
 *
 * @since 0.1
 */
public final class DnsRecords {
  private final DnsConfig config;
  private final ZoneIndex index;

  DnsRecords(DnsConfig config, ZoneIndex index) {
    this.config = config;
    this.index = index;
  }

  /**
   * Computes the records of {@code state}.
   *
   * @param state the cluster snapshot
   * @param config the zone configuration
   * @return the records
   */
  public static DnsRecords of(ClusterState state, DnsConfig config) {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(config, "config");
    return new DnsRecords(config, new IndexBuilder(config).build(state));
  }

  /**
   * Returns the configuration the records were built with.
   *
   * @return the configuration
   */
  public DnsConfig config() {
    return config;
  }

  /**
   * Returns the version of the cluster snapshot, which is also the SOA serial (mod 2^32).
   *
   * @return the snapshot version
   */
  public long version() {
    return index.version();
  }

  /**
   * Returns the number of names that exist, including empty non-terminals and the apexes.
   *
   * @return the name count
   */
  public int nameCount() {
    return index.size();
  }

  /**
   * Answers one question as the server would (before truncation).
   *
   * @param name the query name, with or without trailing dot, any case
   * @param type the query type
   * @return the answer, or empty when the name is outside the cluster zone and the reverse zones
   * @throws IllegalArgumentException if {@code name} is not a valid domain name
   */
  public Optional<DnsAnswer> lookup(String name, DnsType type) {
    Objects.requireNonNull(type, "type");
    return index.lookup(WireName.parse(name), type.code()).map(DnsRecords::toAnswer);
  }

  /**
   * Returns every record, sorted by name, type and data: the content of a zone file that an
   * authoritative server would need to give the same answers.
   *
   * @return the records
   */
  public List<DnsRecord> records() {
    List<DnsRecord> out = new ArrayList<>();
    for (Rr rr : index.records()) {
      out.add(toRecord(rr));
    }
    out.sort(
        Comparator.comparing(DnsRecord::name)
            .thenComparing(r -> r.type().code())
            .thenComparing(DnsRecord::data));
    return List.copyOf(out);
  }

  ZoneIndex index() {
    return index;
  }

  static DnsAnswer toAnswer(Result r) {
    return new DnsAnswer(
        DnsRcode.valueOf(r.rcode()),
        true,
        flatten(r.answer()),
        flatten(r.authority()),
        flatten(r.additional()));
  }

  private static List<DnsRecord> flatten(List<List<Rr>> sets) {
    List<DnsRecord> out = new ArrayList<>();
    for (List<Rr> set : sets) {
      for (Rr rr : set) {
        out.add(toRecord(rr));
      }
    }
    return out;
  }

  static DnsRecord toRecord(Rr rr) {
    return new DnsRecord(
        rr.owner().toString(), DnsType.valueOf(rr.type()), rr.ttl(), rr.data().toString());
  }

  /** Returns the zone, version and name count. */
  @Override
  public String toString() {
    return "DnsRecords["
        + config.zone()
        + ", version "
        + version()
        + ", "
        + nameCount()
        + " names]";
  }
}
