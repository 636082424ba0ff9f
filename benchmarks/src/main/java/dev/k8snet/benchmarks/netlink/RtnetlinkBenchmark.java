package dev.k8snet.benchmarks.netlink;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.netlink.Address;
import dev.k8snet.core.netlink.InterfaceAddress;
import dev.k8snet.core.netlink.Link;
import dev.k8snet.core.netlink.LinkKind;
import dev.k8snet.core.netlink.LinkSpec;
import dev.k8snet.core.netlink.Netlink;
import dev.k8snet.core.netlink.Route;
import dev.k8snet.core.netns.NetworkNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * rtnetlink operations through k8snet vs one {@code ip} process per operation vs {@code ip -batch}
 * (per operation, from a batch of {@value #BATCH} operations), in a throw-away namespace.
 *
 * <p>Each benchmark method is one unit of work: an address add+delete pair, one link lookup by
 * name, a route add+delete pair. Requires root; removes its namespace at the end.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class RtnetlinkBenchmark {
  static final int BATCH = 500;

  private NetworkNamespace ns;
  private Netlink nl;
  private String name;
  private Address address;
  private Route route;
  private Path addrBatch;
  private Path lookupBatch;
  private Path routeBatch;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    name = "k8snet-bench-" + ProcessHandle.current().pid();
    ns = NetworkNamespace.create(name);
    nl = ns.netlink();
    nl.addLink(LinkSpec.builder("br0", LinkKind.bridge()).up(true).build());
    Link br = nl.link("br0").orElseThrow();
    nl.addAddress(Address.of(br, InterfaceAddress.parse("10.0.0.1/24")));
    address = Address.of(br, InterfaceAddress.parse("10.1.0.1/32"));
    route = Route.builder(Cidr.parse("10.200.0.0/24")).device(br).build();
    addrBatch = batch("address add 10.1.0.1/32 dev br0\naddress del 10.1.0.1/32 dev br0\n");
    lookupBatch = batch("link show dev br0\n");
    routeBatch = batch("route add 10.200.0.0/24 dev br0\nroute del 10.200.0.0/24 dev br0\n");
  }

  private static Path batch(String pair) throws IOException {
    Path p = Files.createTempFile("k8snet-bench-", ".batch");
    Files.writeString(p, pair.repeat(BATCH), StandardCharsets.US_ASCII);
    return p;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    nl.close();
    ns.delete();
    Files.deleteIfExists(addrBatch);
    Files.deleteIfExists(lookupBatch);
    Files.deleteIfExists(routeBatch);
  }

  private List<String> ip(String... args) {
    List<String> cmd = new java.util.ArrayList<>(List.of("ip", "-n", name));
    cmd.addAll(List.of(args));
    return cmd;
  }

  @Benchmark
  public void addressAddDelete_k8snet() {
    nl.addAddress(address);
    nl.deleteAddress(address);
  }

  /** The same work as {@link #addressAddDelete_ipBatch()}: {@value #BATCH} pairs per sample. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void addressAddDelete_k8snetLoop() {
    for (int i = 0; i < BATCH; i++) {
      nl.addAddress(address);
      nl.deleteAddress(address);
    }
  }

  @Benchmark
  public void addressAddDelete_ipPerOp() {
    Exec.run(ip("address", "add", "10.1.0.1/32", "dev", "br0"));
    Exec.run(ip("address", "del", "10.1.0.1/32", "dev", "br0"));
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void addressAddDelete_ipBatch() {
    Exec.run(ip("-batch", addrBatch.toString()));
  }

  @Benchmark
  public Optional<Link> linkLookup_k8snet() {
    return nl.link("br0");
  }

  /** The same work as {@link #linkLookup_ipBatch()}: {@value #BATCH} lookups per sample. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void linkLookup_k8snetLoop(org.openjdk.jmh.infra.Blackhole bh) {
    for (int i = 0; i < BATCH; i++) {
      bh.consume(nl.link("br0"));
    }
  }

  @Benchmark
  public void linkLookup_ipPerOp() {
    Exec.run(ip("link", "show", "dev", "br0"));
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void linkLookup_ipBatch() {
    Exec.run(ip("-batch", lookupBatch.toString()));
  }

  @Benchmark
  public void routeAddDelete_k8snet() {
    nl.addRoute(route);
    nl.deleteRoute(route);
  }

  /** The same work as {@link #routeAddDelete_ipBatch()}: {@value #BATCH} pairs per sample. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void routeAddDelete_k8snetLoop() {
    for (int i = 0; i < BATCH; i++) {
      nl.addRoute(route);
      nl.deleteRoute(route);
    }
  }

  @Benchmark
  public void routeAddDelete_ipPerOp() {
    Exec.run(ip("route", "add", "10.200.0.0/24", "dev", "br0"));
    Exec.run(ip("route", "del", "10.200.0.0/24", "dev", "br0"));
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void routeAddDelete_ipBatch() {
    Exec.run(ip("-batch", routeBatch.toString()));
  }
}
