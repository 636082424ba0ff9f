package dev.k8snet.core.nftables;

import dev.k8snet.core.internal.nftables.LibnftablesBackend;
import dev.k8snet.core.internal.nftables.NftBackend;
import dev.k8snet.core.internal.nftables.NftJson;
import dev.k8snet.core.internal.nftables.ProcessBackend;
import dev.k8snet.core.netns.NetworkNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An nftables session bound to one network namespace: applies scripts in nft's text syntax as one
 * atomic transaction and reads the state back.
 *
 * <p>It drives libnftables ({@code libnftables.so.1}) in-process when the library is present, on
 * one platform thread that entered the namespace once and stays there for the session's lifetime;
 * otherwise it runs {@code nft -f -} in the namespace. Both behave the same. Sessions are
 * thread-safe (commands are serialised) and must be closed.
 *
 * <pre>{@code
 * try (Nftables nft = ns.nftables()) {
 *   nft.apply("""
 *       table inet k8snet {}
 *       flush table inet k8snet
 *       table inet k8snet {
 *         set allowed { type ipv4_addr; elements = { 10.0.0.1 } }
 *         chain input { type filter hook input priority 0; policy accept; }
 *       }
 *       """);
 *   nft.apply("add element inet k8snet allowed { 10.0.0.2 }");
 *   NftSet allowed = nft.ruleset().set("inet", "k8snet", "allowed").orElseThrow();
 * }
 * }</pre>
 *
 * @since 0.1
 */
public final class Nftables implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Nftables.class);
  private static final Pattern LIST_OBJECT = Pattern.compile("[A-Za-z0-9_. -]+");

  /**
   * How commands reach the kernel.
   *
   * @since 0.1
   */
  public enum Backend {
    /** libnftables in-process through jnr-ffi. */
    LIBRARY,
    /** The {@code nft} executable, one process per command. */
    PROCESS
  }

  private final NftBackend backend;
  private final Backend kind;

  private Nftables(NftBackend backend, Backend kind) {
    this.backend = backend;
    this.kind = kind;
  }

  /**
   * Opens a session in {@code ns}, preferring libnftables; same as {@link
   * NetworkNamespace#nftables()}.
   *
   * @param ns the namespace; must stay open while the session is used
   * @return a session that must be closed
   */
  public static Nftables open(NetworkNamespace ns) {
    Objects.requireNonNull(ns, "ns");
    var lib = LibnftablesBackend.open(ns);
    if (lib.isPresent()) {
      return new Nftables(lib.get(), Backend.LIBRARY);
    }
    log.debug("libnftables not found, falling back to the nft executable");
    return new Nftables(new ProcessBackend(ns, findNft()), Backend.PROCESS);
  }

  /**
   * Opens a session in {@code ns} with a given backend.
   *
   * @param ns the namespace; must stay open while the session is used
   * @param backend the backend
   * @return a session that must be closed
   * @throws UnsupportedOperationException when libnftables is requested but absent
   */
  public static Nftables open(NetworkNamespace ns, Backend backend) {
    Objects.requireNonNull(ns, "ns");
    Objects.requireNonNull(backend, "backend");
    if (backend == Backend.PROCESS) {
      return new Nftables(new ProcessBackend(ns, findNft()), Backend.PROCESS);
    }
    return new Nftables(
        LibnftablesBackend.open(ns)
            .orElseThrow(() -> new UnsupportedOperationException("libnftables.so.1 not found")),
        Backend.LIBRARY);
  }

  private static String findNft() {
    for (String dir : new String[] {"/usr/sbin", "/sbin", "/usr/bin", "/bin"}) {
      Path p = Path.of(dir, "nft");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return "nft";
  }

  /**
   * Returns the backend in use.
   *
   * @return the backend chosen when the session was opened
   */
  public Backend backend() {
    return kind;
  }

  /**
   * Applies {@code script} as one transaction: either all of it takes effect or none of it.
   *
   * @param script the nft script
   * @throws NftablesException with nft's error text and the offending line when nft rejects it; the
   *     previous ruleset is then untouched
   */
  public void apply(String script) {
    Objects.requireNonNull(script, "script");
    NftBackend.Result r = backend.run(script, false, false);
    if (!r.ok()) {
      throw new NftablesException("apply", script, r.error());
    }
  }

  /**
   * Checks {@code script} without applying it ({@code nft -c}): the kernel validates the whole
   * transaction and then discards it.
   *
   * @param script the nft script
   * @throws NftablesException when it would fail
   */
  public void check(String script) {
    Objects.requireNonNull(script, "script");
    NftBackend.Result r = backend.run(script, false, true);
    if (!r.ok()) {
      throw new NftablesException("check", script, r.error());
    }
  }

  /**
   * Reads the whole ruleset back.
   *
   * @return every table, chain, set and rule of the namespace
   */
  public NftRuleset ruleset() {
    return NftJson.parse(listJson("ruleset"));
  }

  /**
   * Reads one table back, e.g. {@code table("inet", "k8snet")}.
   *
   * @param family the family, e.g. {@code inet}
   * @param name the table name
   * @return the table with its chains, sets and rules
   */
  public NftRuleset table(String family, String name) {
    return NftJson.parse(listJson("table " + family + " " + name));
  }

  /**
   * Runs {@code list WHAT} and returns nft's JSON output as text (libnftables-json(5)), for state
   * the records do not model.
   *
   * @param what e.g. {@code "ruleset"}, {@code "table inet k8snet"}, {@code "set inet k8snet s"}
   * @return nft's JSON output
   */
  public String listJson(String what) {
    Objects.requireNonNull(what, "what");
    if (!LIST_OBJECT.matcher(what).matches()) {
      throw new IllegalArgumentException("what: " + what + " (expected: e.g. table inet NAME)");
    }
    NftBackend.Result r = backend.run("list " + what, true, false);
    if (!r.ok()) {
      throw new NftablesException("list", what, r.error());
    }
    return r.output();
  }

  /** Releases the libnftables context and its thread; idempotent. */
  @Override
  public void close() {
    backend.close();
  }

  @Override
  public String toString() {
    return "Nftables[" + backend.name() + "]";
  }
}
