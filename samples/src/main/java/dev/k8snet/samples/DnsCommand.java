package dev.k8snet.samples;

import dev.k8snet.core.Cidr;
import dev.k8snet.core.K8snetException;
import dev.k8snet.core.cluster.ClusterListener;
import dev.k8snet.core.cluster.ClusterUpdate;
import dev.k8snet.core.cluster.DirectoryClusterSource;
import dev.k8snet.dns.ClusterDns;
import dev.k8snet.dns.DnsConfig;
import dev.k8snet.dns.DnsServer;
import dev.k8snet.dns.PodRecords;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code k8snet dns}: the cluster DNS server. */
@Command(
    name = "dns",
    mixinStandardHelpOptions = true,
    description = "Cluster DNS (Kubernetes DNS spec 1.1.0) with forwarding.",
    subcommands = {DnsCommand.Serve.class})
final class DnsCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Parses {@code ADDR:PORT} or {@code [V6ADDR]:PORT}; the address must be a literal. */
  static InetSocketAddress hostPort(String option, String text) {
    return AddressPort.parse(option, text, "ADDR:PORT, e.g. 127.0.0.1:53 or [::1]:53")
        .toSocketAddress();
  }

  /** {@code k8snet dns serve}. */
  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description =
          "Serves the cluster zone over UDP and TCP on ADDR:PORT until stopped; manifest"
              + " files and directories are watched, so changes are answered within a second.")
  static final class Serve implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin ManifestsOption manifests;

    @Option(names = "--zone", defaultValue = "cluster.local", description = "Cluster domain.")
    String zone;

    @Option(names = "--listen", required = true, paramLabel = "ADDR:PORT")
    String listen;

    @Option(
        names = "--upstream",
        paramLabel = "ADDR:PORT",
        description = "Upstream server for other names (repeatable); none: REFUSED.")
    List<String> upstreams = new ArrayList<>();

    @Option(names = "--ttl", defaultValue = "5", description = "Record TTL in seconds.")
    int ttl;

    @Option(
        names = "--pods",
        defaultValue = "disabled",
        description = "Pod records: disabled, insecure or verified.")
    String pods;

    @Option(
        names = "--allow",
        paramLabel = "CIDR",
        description = "Client networks served (repeatable; default loopback and private ranges).")
    List<String> allow = new ArrayList<>();

    @Option(
        names = "--http",
        paramLabel = "ADDR:PORT",
        description = "Serve /health, /ready and /metrics on this address.")
    String http;

    @Option(names = "--event-loops", description = "Event loops (default: processors).")
    Integer eventLoops;

    @Option(
        names = "--transport",
        defaultValue = "epoll",
        description = "epoll (native, where available) or nio.")
    String transport;

    @Override
    public Integer call() throws IOException {
      PrintWriter err = spec.commandLine().getErr();
      PodRecords podRecords;
      try {
        podRecords = PodRecords.valueOf(pods.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--pods: " + pods + " (expected: disabled, insecure, verified)");
      }
      DnsConfig config =
          DnsConfig.builder(zone).ttl(Duration.ofSeconds(ttl)).podRecords(podRecords).build();
      ClusterDns dns = ClusterDns.create(config);
      DnsServer.Builder builder = DnsServer.builder(dns, hostPort("--listen", listen));
      for (String u : upstreams) {
        builder.upstream(hostPort("--upstream", u));
      }
      if (!allow.isEmpty()) {
        List<Cidr> nets = new ArrayList<>();
        for (String a : allow) {
          nets.add(Cidr.parse(a));
        }
        builder.allowedClients(nets);
      }
      if (http != null) {
        builder.httpAddress(hostPort("--http", http));
      }
      if (eventLoops != null) {
        builder.eventLoops(eventLoops);
      }
      if (!transport.equals("epoll") && !transport.equals("nio")) {
        throw new UsageException("--transport: " + transport + " (expected: epoll or nio)");
      }
      builder.nativeTransport(transport.equals("epoll"));
      // Strict at start (a bad manifest is a usage error); lenient while running (the last good
      // state of a file stays in force, the error is printed).
      ManifestsOption.validObjects(manifests.read(), err);
      try (DnsServer server = builder.build();
          DirectoryClusterSource source = manifests.watch()) {
        source.start(
            new ClusterListener() {
              @Override
              public void onUpdate(ClusterUpdate update) {
                dns.onUpdate(update);
              }

              @Override
              public void onError(K8snetException error) {
                synchronized (err) {
                  err.println("warning: " + error.getMessage());
                  err.flush();
                }
              }
            });
        server.start();
        err.println(
            "k8snet dns: serving "
                + config.zone()
                + " on "
                + server.localAddress()
                + " (UDP, TCP"
                + (server.nativeTransport() ? ", native" : "")
                + ")"
                + server.httpAddress().map(a -> "; http " + a).orElse(""));
        err.flush();
        UntilStopped.await("k8snet-dns-stop");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return 0;
    }
  }
}
