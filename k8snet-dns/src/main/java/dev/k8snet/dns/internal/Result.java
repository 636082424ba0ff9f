package dev.k8snet.dns.internal;

import java.util.List;
import java.util.Optional;

/**
 * The logical answer to one question: an rcode and three sections of RRsets (each a non-empty list
 * of records with one owner and type).
 *
 * @param rcode the response code
 * @param answer the answer section
 * @param authority the authority section
 * @param additional the additional section
 */
public record Result(
    int rcode,
    List<List<Rr>> answer,
    List<List<Rr>> authority,
    List<List<Rr>> additional,
    Optional<WireName> chase) {
  /** NOERROR. */
  public static final int NOERROR = 0;

  /** FORMERR. */
  public static final int FORMERR = 1;

  /** SERVFAIL. */
  public static final int SERVFAIL = 2;

  /** NXDOMAIN. */
  public static final int NXDOMAIN = 3;

  /** NOTIMP. */
  public static final int NOTIMP = 4;

  /** REFUSED. */
  public static final int REFUSED = 5;

  /** Returns a result without an out-of-zone CNAME target. */
  public Result(
      int rcode, List<List<Rr>> answer, List<List<Rr>> authority, List<List<Rr>> additional) {
    this(rcode, answer, authority, additional, Optional.empty());
  }

  /** Returns a CNAME chain whose last target lies outside the authoritative zones. */
  public static Result outOfZone(List<List<Rr>> chain, WireName target) {
    return new Result(NOERROR, chain, List.of(), List.of(), Optional.of(target));
  }

  /** Copies the lists. */
  public Result {
    answer = List.copyOf(answer);
    authority = List.copyOf(authority);
    additional = List.copyOf(additional);
  }

  /** Returns an answer with no records. */
  public static Result empty(int rcode) {
    return new Result(rcode, List.of(), List.of(), List.of());
  }
}
