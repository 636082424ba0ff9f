package dev.k8snet.benchmarks.netlink;

import dev.k8snet.core.netlink.Link;
import dev.k8snet.core.netlink.LinkKind;
import dev.k8snet.core.netlink.LinkSpec;
import dev.k8snet.core.netlink.Netlink;
import dev.k8snet.core.netns.NetworkNamespace;
import java.util.ArrayList;
import java.util.List;
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
 * Tearing down {@value #LINKS} veth pairs (a node's pods going away): k8snet one by one, k8snet
 * {@code deleteLinks} (one unregistration through a link group), and {@code ip link del} per link.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 1)
@Measurement(iterations = 5)
public class LinkTeardownBenchmark {
  static final int LINKS = 20;

  private NetworkNamespace ns;
  private Netlink nl;
  private List<Link> links;

  @Setup(Level.Trial)
  public void open() {
    ns = NetworkNamespace.create("k8snet-bench-del-" + ProcessHandle.current().pid());
    nl = ns.netlink();
  }

  @Setup(Level.Invocation)
  public void createLinks() {
    links = new ArrayList<>();
    for (int i = 0; i < LINKS; i++) {
      nl.addLink(LinkSpec.of("h" + i, LinkKind.veth("p" + i)));
      links.add(nl.link("h" + i).orElseThrow());
    }
  }

  @TearDown(Level.Trial)
  public void close() {
    nl.close();
    ns.delete();
  }

  @Benchmark
  public void teardown_k8snetOneByOne() {
    for (Link l : links) {
      nl.deleteLink(l);
    }
  }

  @Benchmark
  public void teardown_k8snetBulk() {
    nl.deleteLinks(links);
  }

  @Benchmark
  public void teardown_ipPerLink() {
    String name = ns.name().orElseThrow();
    for (Link l : links) {
      Exec.run(List.of("ip", "-n", name, "link", "del", l.name()));
    }
  }
}
