package dev.k8snet.dns;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Knot DNS (knotd from Debian) serving the zones that a {@link DnsRecords} describes. */
final class Knot implements AutoCloseable {
  final Path dir;
  final Process process;
  final int port;

  private Knot(Path dir, Process process, int port) {
    this.dir = dir;
    this.process = process;
    this.port = port;
  }

  static final List<String> APEXES = List.of("in-addr.arpa.", "ip6.arpa.");

  /** Writes one zone file per apex and starts knotd on a free loopback port. */
  static Knot serve(DnsRecords records) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("k8snet-knot");
    String zone = records.config().zone() + ".";
    Map<String, List<String>> zones = new LinkedHashMap<>();
    zones.put(zone, new ArrayList<>());
    for (String a : APEXES) {
      zones.put(a, new ArrayList<>());
    }
    for (DnsRecord r : records.records()) {
      for (String apex : zones.keySet()) {
        if (r.name().equals(apex) || r.name().endsWith("." + apex)) {
          zones.get(apex).add(r.toString());
          break;
        }
      }
    }
    StringBuilder conf = new StringBuilder();
    int port = freePort();
    conf.append("server:\n  rundir: \"").append(dir).append("\"\n");
    conf.append("  listen: 127.0.0.1@").append(port).append('\n');
    conf.append("  udp-workers: 1\n  tcp-workers: 1\n  background-workers: 1\n");
    conf.append("database:\n  storage: \"").append(dir.resolve("db")).append("\"\n");
    conf.append("log:\n  - target: stderr\n    any: warning\n");
    conf.append("template:\n  - id: default\n    storage: \"").append(dir).append("\"\n");
    conf.append("    file: \"%s.zone\"\n    zonefile-sync: -1\n    zonefile-load: whole\n");
    conf.append("    journal-content: none\n    semantic-checks: off\n");
    conf.append("zone:\n");
    for (Map.Entry<String, List<String>> z : zones.entrySet()) {
      String name = z.getKey().substring(0, z.getKey().length() - 1);
      Files.writeString(
          dir.resolve(name + ".zone"),
          String.join("\n", z.getValue()) + "\n",
          StandardCharsets.UTF_8);
      conf.append("  - domain: ").append(name).append('\n');
    }
    Path confFile = dir.resolve("knot.conf");
    Files.writeString(confFile, conf.toString(), StandardCharsets.UTF_8);
    Process p =
        new ProcessBuilder("knotd", "-c", confFile.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("knotd.log").toFile())
            .start();
    Knot k = new Knot(dir, p, port);
    // wait until it answers
    for (int i = 0; i < 100; i++) {
      if (!p.isAlive()) {
        throw new IOException("knotd exited: " + Files.readString(dir.resolve("knotd.log")));
      }
      String out = Tools.kdig(port, "+retry=0", "+time=1", zone, "SOA");
      if (out.contains("NOERROR") && out.contains("SOA")) {
        return k;
      }
      Thread.sleep(50);
    }
    k.close();
    throw new IOException("knotd did not start: " + Files.readString(dir.resolve("knotd.log")));
  }

  static int freePort() throws IOException {
    for (int i = 0; i < 20; i++) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
          DatagramSocket d =
              new DatagramSocket(new InetSocketAddress("127.0.0.1", s.getLocalPort()))) {
        return d.getLocalPort();
      } catch (IOException e) {
        // UDP port taken: try another
      }
    }
    throw new IOException("no free port");
  }

  @Override
  public void close() throws IOException {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }
}
