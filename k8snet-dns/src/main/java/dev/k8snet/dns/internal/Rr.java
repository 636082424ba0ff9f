package dev.k8snet.dns.internal;

import dev.k8snet.core.IpAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * One resource record of class IN: owner, type, TTL and typed data.
 *
 * @param owner the owner name
 * @param type the type code
 * @param ttl the TTL in seconds
 * @param data the RDATA
 */
public record Rr(WireName owner, int type, long ttl, Rdata data) {
  /** Type codes used here. */
  public static final int A = 1;

  /** NS. */
  public static final int NS = 2;

  /** CNAME. */
  public static final int CNAME = 5;

  /** SOA. */
  public static final int SOA = 6;

  /** PTR. */
  public static final int PTR = 12;

  /** TXT. */
  public static final int TXT = 16;

  /** AAAA. */
  public static final int AAAA = 28;

  /** SRV. */
  public static final int SRV = 33;

  /** OPT. */
  public static final int OPT = 41;

  /** ANY. */
  public static final int ANY = 255;

  /** Checks for nulls. */
  public Rr {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(data, "data");
  }

  /** Returns an A or AAAA record. */
  public static Rr address(WireName owner, long ttl, IpAddress ip) {
    return new Rr(owner, ip.isIpv4() ? A : AAAA, ttl, new Address(ip));
  }

  /** RDATA of the record types this server renders. */
  public sealed interface Rdata permits Address, Srv, Target, Txt, Soa {}

  /** A or AAAA data. */
  public record Address(IpAddress ip) implements Rdata {
    @Override
    public String toString() {
      return ip.toString();
    }
  }

  /** SRV data; the target is never compressed (RFC 2782). */
  public record Srv(int priority, int weight, int port, WireName target) implements Rdata {
    @Override
    public String toString() {
      return priority + " " + weight + " " + port + " " + target;
    }
  }

  /** A single domain name: PTR, CNAME or NS (compressible, RFC 1035). */
  public record Target(WireName target) implements Rdata {
    @Override
    public String toString() {
      return target.toString();
    }
  }

  /** TXT character strings. */
  public record Txt(List<String> strings) implements Rdata {
    /** Copies the list. */
    public Txt {
      strings = List.copyOf(strings);
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder();
      for (String s : strings) {
        if (sb.length() > 0) {
          sb.append(' ');
        }
        sb.append('"').append(s.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
      }
      return sb.toString();
    }

    byte[][] bytes() {
      byte[][] out = new byte[strings.size()][];
      for (int i = 0; i < out.length; i++) {
        out[i] = strings.get(i).getBytes(StandardCharsets.UTF_8);
      }
      return out;
    }
  }

  /** SOA data. */
  public record Soa(
      WireName mname,
      WireName rname,
      long serial,
      long refresh,
      long retry,
      long expire,
      long minimum)
      implements Rdata {
    @Override
    public String toString() {
      return mname + " " + rname + " " + serial + " " + refresh + " " + retry + " " + expire + " "
          + minimum;
    }
  }

  /** Returns the mnemonic of a type code, or {@code TYPEnnn}. */
  public static String typeName(int type) {
    return switch (type) {
      case A -> "A";
      case NS -> "NS";
      case CNAME -> "CNAME";
      case SOA -> "SOA";
      case PTR -> "PTR";
      case TXT -> "TXT";
      case AAAA -> "AAAA";
      case SRV -> "SRV";
      case OPT -> "OPT";
      case ANY -> "ANY";
      default -> "TYPE" + type;
    };
  }
}
