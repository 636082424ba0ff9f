package dev.k8snet.benchmarks.netlink;

import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.core.nftables.Nftables;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One nftables set-element update (alternately add and delete of one element, as one transaction)
 * through k8snet's libnftables session vs running the {@code nft} executable per update. The {@code
 * nft} process is started from a thread inside the namespace (as k8snet's fallback does), so both
 * sides pay the same namespace cost.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class NftElementBenchmark {
  private static final String SETUP =
      """
      table inet bench {
        set svc { type ipv4_addr . inet_service; }
        chain c { type filter hook input priority 0; ip daddr . tcp dport @svc accept; }
      }
      """;

  private NetworkNamespace ns;
  private Nftables library;
  private Nftables process;
  private boolean present;

  @Setup(Level.Trial)
  public void setUp() {
    ns = NetworkNamespace.create("k8snet-bench-nft-" + ProcessHandle.current().pid());
    library = Nftables.open(ns, Nftables.Backend.LIBRARY);
    process = Nftables.open(ns, Nftables.Backend.PROCESS);
    library.apply(SETUP);
    StringBuilder sb = new StringBuilder("add element inet bench svc { ");
    for (int n = 0; n < 1000; n++) {
      sb.append(n == 0 ? "" : ", ")
          .append("10.1.")
          .append(n / 250)
          .append('.')
          .append(n % 250)
          .append(" . 80");
    }
    library.apply(sb.append(" }").toString());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    library.close();
    process.close();
    ns.delete();
  }

  private String next() {
    present = !present;
    return (present ? "add" : "delete") + " element inet bench svc { 10.0.0.1 . 80 }";
  }

  @Benchmark
  public void elementUpdate_k8snet() {
    library.apply(next());
  }

  @Benchmark
  public void elementUpdate_nftProcess() {
    process.apply(next());
  }
}
