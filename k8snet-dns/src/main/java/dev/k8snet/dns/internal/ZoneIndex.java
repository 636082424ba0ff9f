package dev.k8snet.dns.internal;

import dev.k8snet.core.IpAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * An immutable snapshot of the authoritative data: every existing name (including empty
 * non-terminals) with its RRsets and pre-rendered answers, and the apexes (the cluster zone and the
 * reverse zones) with their SOA. Thread-safe; lookups never lock.
 */
public final class ZoneIndex {
  /** One apex: the cluster zone, {@code in-addr.arpa} or {@code ip6.arpa}. */
  static final class Apex {
    final WireName name;
    final List<Rr> soa;
    final boolean reverse;
    // negative answers (NODATA at index 0.., NXDOMAIN) by qname length, rendered lazily
    final AtomicReferenceArray<Rendered> nodata = new AtomicReferenceArray<>(256);
    final AtomicReferenceArray<Rendered> nxdomain = new AtomicReferenceArray<>(256);

    Apex(WireName name, List<Rr> soa, boolean reverse) {
      this.name = name;
      this.soa = soa;
      this.reverse = reverse;
    }

    Result negative(int rcode) {
      return new Result(rcode, List.of(), List.of(soa), List.of());
    }

    Rendered negativeRendered(int qlen, int rcode) {
      AtomicReferenceArray<Rendered> cache = rcode == Result.NOERROR ? nodata : nxdomain;
      Rendered r = cache.get(qlen);
      if (r == null) {
        r = WireWriter.render(filler(qlen), Rr.SOA, negative(rcode));
        cache.set(qlen, r);
      }
      return r;
    }

    /** A name of wire length {@code qlen} below this apex whose other labels match nothing. */
    private WireName filler(int qlen) {
      WireName n = name;
      int remaining = qlen - name.length();
      while (remaining > 0) {
        int take = Math.min(64, remaining);
        if (remaining - take == 1) {
          take--;
        }
        n = n.prepend("\u0001".repeat(take - 1));
        remaining -= take;
      }
      return n;
    }
  }

  /** One existing name. */
  static final class Node {
    final WireName name;
    final int apex; // index into the apexes of the snapshot: the SOA serial changes per snapshot
    final int[] types;
    final List<List<Rr>> sets;
    final boolean cname;
    // pre-rendered answers by query type (the node's own types; A and AAAA for a CNAME)
    int[] rtypes = new int[0];
    Rendered[] rendered = new Rendered[0];

    Node(WireName name, int apex, int[] types, List<List<Rr>> sets) {
      this.name = name;
      this.apex = apex;
      this.types = types;
      this.sets = sets;
      this.cname = types.length == 1 && types[0] == Rr.CNAME;
    }

    List<Rr> set(int type) {
      for (int i = 0; i < types.length; i++) {
        if (types[i] == type) {
          return sets.get(i);
        }
      }
      return null;
    }
  }

  private final long version;
  private final Map<WireName, Node> nodes;
  private final Apex[] apexes;
  private final boolean insecurePods;
  private final WireName podZone;

  ZoneIndex(long version, Map<WireName, Node> nodes, Apex[] apexes, boolean insecurePods) {
    this.version = version;
    this.nodes = nodes;
    this.apexes = apexes;
    this.insecurePods = insecurePods;
    this.podZone = apexes[0].name.prepend("pod");
  }

  /** Returns the version of the cluster snapshot this index was built from. */
  public long version() {
    return version;
  }

  /** Returns the number of existing names. */
  public int size() {
    return nodes.size();
  }

  /** Returns the cluster zone apex. */
  public WireName zone() {
    return apexes[0].name;
  }

  Collection<Node> nodes() {
    return nodes.values();
  }

  Map<WireName, Node> nodeMap() {
    return nodes;
  }

  Apex[] apexes() {
    return apexes;
  }

  /** Returns every record, in no particular order. */
  public List<Rr> records() {
    List<Rr> out = new ArrayList<>();
    for (Node n : nodes.values()) {
      n.sets.forEach(out::addAll);
    }
    return out;
  }

  Apex apexOf(WireName qname) {
    for (Apex a : apexes) {
      if (qname.isSubdomainOf(a.name)) {
        return a;
      }
    }
    return null;
  }

  /**
   * Returns the pre-rendered answer; {@code null} when the name is outside every apex, or is a
   * reverse name that does not exist here (for the forwarder to try).
   */
  public Rendered answer(WireName qname, int qtype) {
    Node n = nodes.get(qname);
    if (n != null) {
      int[] rt = n.rtypes;
      for (int i = 0; i < rt.length; i++) {
        if (rt[i] == qtype) {
          return n.rendered[i];
        }
      }
      if (!n.cname && qtype != Rr.ANY) {
        return apexes[n.apex].negativeRendered(qname.length(), Result.NOERROR);
      }
      return WireWriter.render(qname, qtype, resolve(qname, qtype));
    }
    Apex apex = apexOf(qname);
    if (apex == null || apex.reverse) {
      return null;
    }
    if (insecurePods) {
      Result r = resolve(qname, qtype);
      if (r.rcode() != Result.NXDOMAIN) {
        return WireWriter.render(qname, qtype, r);
      }
    }
    return apex.negativeRendered(qname.length(), Result.NXDOMAIN);
  }

  /** Returns the NXDOMAIN answer for a name below a reverse apex, or null outside. */
  public Rendered reverseNxdomain(WireName qname) {
    Apex apex = apexOf(qname);
    return apex == null ? null : apex.negativeRendered(qname.length(), Result.NXDOMAIN);
  }

  /** Returns whether the name is below one of the apexes. */
  public boolean isAuthoritativeFor(WireName qname) {
    return apexOf(qname) != null;
  }

  /**
   * Resolves a question logically (RFC 1034 §4.3.2 without delegations); empty when the name is
   * outside every apex.
   */
  public Optional<Result> lookup(WireName qname, int qtype) {
    if (apexOf(qname) == null) {
      return Optional.empty();
    }
    return Optional.of(resolve(qname, qtype));
  }

  Result resolve(WireName qname, int qtype) {
    List<List<Rr>> answer = new ArrayList<>();
    WireName name = qname;
    for (int hops = 0; hops < 8; hops++) {
      Apex apex = apexOf(name);
      if (apex == null) {
        return Result.outOfZone(answer, name); // CNAME out of zone: the forwarder may chase it
      }
      Node n = nodes.get(name);
      if (n == null) {
        List<Rr> synth = insecurePod(name, qtype);
        if (synth != null) {
          if (synth.isEmpty()) {
            return new Result(Result.NOERROR, answer, List.of(apex.soa), List.of());
          }
          answer.add(synth);
          return new Result(Result.NOERROR, answer, List.of(), List.of());
        }
        return new Result(Result.NXDOMAIN, answer, List.of(apex.soa), List.of());
      }
      if (qtype == Rr.ANY) {
        answer.addAll(n.sets);
        return new Result(Result.NOERROR, answer, List.of(), List.of());
      }
      List<Rr> set = n.set(qtype);
      if (set != null) {
        answer.add(set);
        return new Result(Result.NOERROR, answer, List.of(), additional(set));
      }
      if (n.cname) {
        List<Rr> c = n.sets.get(0);
        answer.add(c);
        name = ((Rr.Target) c.get(0).data()).target();
        continue;
      }
      return new Result(Result.NOERROR, answer, List.of(apex.soa), List.of());
    }
    return new Result(Result.NOERROR, answer, List.of(), List.of());
  }

  /** The A/AAAA RRsets of in-zone SRV targets (RFC 2782 additional section processing). */
  List<List<Rr>> additional(List<Rr> set) {
    if (set.get(0).type() != Rr.SRV) {
      return List.of();
    }
    List<List<Rr>> out = new ArrayList<>();
    List<WireName> done = new ArrayList<>();
    for (Rr rr : set) {
      WireName t = ((Rr.Srv) rr.data()).target();
      if (done.contains(t)) {
        continue;
      }
      done.add(t);
      Node n = nodes.get(t);
      if (n != null) {
        List<Rr> a = n.set(Rr.A);
        if (a != null) {
          out.add(a);
        }
        List<Rr> aaaa = n.set(Rr.AAAA);
        if (aaaa != null) {
          out.add(aaaa);
        }
      }
    }
    return out;
  }

  /** Insecure pod records: null when not applicable, empty for NODATA. */
  private List<Rr> insecurePod(WireName name, int qtype) {
    if (!insecurePods || !name.isSubdomainOf(podZone)) {
      return null;
    }
    int depth = name.labelCount() - podZone.labelCount();
    if (depth == 1) {
      return List.of(); // <ns>.pod.<zone>: an empty non-terminal
    }
    if (depth != 2) {
      return null;
    }
    Optional<IpAddress> ip = RecordGenerator.undashed(name.labels().get(0));
    if (ip.isEmpty()) {
      return null;
    }
    int type = ip.get().isIpv4() ? Rr.A : Rr.AAAA;
    if (qtype != type && qtype != Rr.ANY) {
      return List.of();
    }
    long ttl = ((Rr.Soa) apexes[0].soa.get(0).data()).minimum();
    return List.of(Rr.address(name, ttl, ip.get()));
  }
}
