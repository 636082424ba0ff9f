package dev.k8snet.core.internal.nftables;

/** Runs nft commands in one namespace: libnftables in-process, or the nft executable. */
public interface NftBackend extends AutoCloseable {
  /** The outcome of one run: success, standard output, error text. */
  record Result(boolean ok, String output, String error) {}

  /** Runs {@code script} (nft text syntax, one transaction); JSON output when {@code json}. */
  Result run(String script, boolean json, boolean dryRun);

  /** Returns a short name, e.g. {@code "libnftables"} or {@code "nft"}. */
  String name();

  @Override
  void close();
}
