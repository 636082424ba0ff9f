package dev.k8snet.dns.internal;

import java.util.List;

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
    int rcode, List<List<Rr>> answer, List<List<Rr>> authority, List<List<Rr>> additional) {
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
