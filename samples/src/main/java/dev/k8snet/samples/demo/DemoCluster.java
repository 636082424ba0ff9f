package dev.k8snet.samples.demo;

import dev.k8snet.cni.CniResult;
import dev.k8snet.cni.runtime.CniRuntime;
import dev.k8snet.cni.runtime.NetworkConfigList;
import dev.k8snet.cni.runtime.RuntimeConf;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.K8snetException;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.manifest.ManifestReader;
import dev.k8snet.core.model.KubernetesObject;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.samples.K8snetCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * The demo's cluster on a {@link Lab}: two nodes each running {@code k8snet node} in a child
 * process, and the pods of the built-in workloads attached through each node's CNI daemon. Acts as
 * the API server and kubelet would: it writes the manifests the nodes watch, and adds the Pods and
 * EndpointSlices once the CNI has given the pods their addresses.
 */
public final class DemoCluster implements AutoCloseable {
  /** node-1's underlay address. */
  public static final IpAddress NODE_1_IP = IpAddress.parse("192.168.56.11");

  /** node-2's underlay address. */
  public static final IpAddress NODE_2_IP = IpAddress.parse("192.168.56.12");

  /** The web Service's ClusterIP. */
  public static final IpAddress WEB_VIP = IpAddress.parse("10.96.0.20");

  /** The kube-dns Service's ClusterIP. */
  public static final IpAddress DNS_VIP = IpAddress.parse("10.96.0.10");

  private static final Duration STARTUP = Duration.ofSeconds(45);

  /** One of the demo's pods; {@code ip} and {@code netns} once attached. */
  public record DemoPod(
      String name,
      String node,
      Map<String, String> labels,
      Optional<String> hostname,
      int port,
      boolean http,
      IpAddress ip,
      NetworkNamespace netns) {}

  private record PodSpec(
      String name, String node, String app, Optional<String> hostname, int port, boolean http) {}

  private static final List<PodSpec> PODS =
      List.of(
          new PodSpec("shop/web-1", "node-1", "web", Optional.empty(), 8080, true),
          new PodSpec("shop/client", "node-1", "client", Optional.empty(), 0, false),
          new PodSpec("shop/web-2", "node-2", "web", Optional.empty(), 8080, true),
          new PodSpec("shop/db-0", "node-2", "db", Optional.of("db-0"), 5432, false),
          new PodSpec("tools/debug", "node-2", "debug", Optional.empty(), 0, false));

  /** A node of the lab and its running {@code k8snet node} process (replaced on restart). */
  private static final class DemoNode {
    final String name;
    final IpAddress ip;
    final NetworkNamespace netns;
    final Path dir;
    Process process;

    DemoNode(String name, IpAddress ip, NetworkNamespace netns, Path dir) {
      this.name = name;
      this.ip = ip;
      this.netns = netns;
      this.dir = dir;
    }

    String name() {
      return name;
    }

    IpAddress ip() {
      return ip;
    }

    NetworkNamespace netns() {
      return netns;
    }

    Path dir() {
      return dir;
    }
  }

  private final Lab lab;
  private final Report report;
  private final Path manifests;
  private final Path binDir;
  private final Map<String, DemoNode> nodes = new LinkedHashMap<>();
  private final Map<String, DemoPod> pods = new LinkedHashMap<>();
  private final Map<String, ServerSocket> servers = new LinkedHashMap<>();
  private ClusterState state;

  /** Where the demo prints a line: a format and its arguments. */
  @FunctionalInterface
  public interface Report {
    /**
     * Prints one line.
     *
     * @param format a {@link String#format} format
     * @param args its arguments
     */
    void line(String format, Object... args);
  }

  /**
   * Prepares the cluster on {@code lab}: writes {@code cluster}'s manifests for the nodes to watch
   * and installs the CNI plugins.
   *
   * @param lab the lab
   * @param cluster the built-in cluster without pods
   * @param report where progress is printed
   * @throws IOException when the lab's work directory cannot be written
   */
  public DemoCluster(Lab lab, ClusterState cluster, Report report) throws IOException {
    this.lab = lab;
    this.state = cluster;
    this.report = report;
    this.manifests = lab.workDir().resolve("manifests");
    this.binDir = lab.workDir().resolve("cni-bin");
    lab.whileOpen(this::prepare);
  }

  private Void prepare() throws IOException {
    Files.createDirectories(manifests);
    Files.createDirectories(binDir);
    try (var in = DemoCluster.class.getResourceAsStream("/dev/k8snet/samples/demo-cluster.yaml")) {
      Files.write(manifests.resolve("cluster.yaml"), in.readAllBytes());
    }
    StringWriter captured = new StringWriter();
    int code =
        new CommandLine(new K8snetCommand())
            .setOut(new PrintWriter(captured))
            .setErr(new PrintWriter(captured))
            .execute("cni", "install", "--bin-dir", binDir.toString());
    if (code != 0) {
      throw new K8snetException("k8snet cni install failed: " + captured.toString().strip());
    }
    return null;
  }

  /** Starts {@code k8snet node} on each node and waits until both report ready. */
  public void startNodes() throws IOException, InterruptedException {
    lab.whileOpen(
        () ->
            Files.writeString(
                lab.workDir().resolve("net-conf.json"),
                "{\"Network\": \"10.244.0.0/16\", \"Backend\": {\"Type\": \"host-gw\"}}\n",
                StandardCharsets.UTF_8));
    for (var n : List.of(Map.entry("node-1", NODE_1_IP), Map.entry("node-2", NODE_2_IP))) {
      NetworkNamespace ns = lab.addNode(n.getKey(), n.getValue());
      Path dir = lab.whileOpen(() -> Files.createDirectories(lab.workDir().resolve(n.getKey())));
      DemoNode node = new DemoNode(n.getKey(), n.getValue(), ns, dir);
      nodes.put(node.name(), node);
      node.process = lab.start(ns, nodeCommand(node), dir.resolve("node.log"));
    }
    long deadline = System.nanoTime() + STARTUP.toNanos();
    for (DemoNode node : nodes.values()) {
      awaitReady(node, deadline);
      report.line(
          "%s: namespace %s, eth0 %s/24 on the underlay; k8snet node running"
              + " (cni, pod network host-gw, policy, proxy, dns, ingress) — ready",
          node.name(), node.netns().name().orElseThrow(), node.ip());
    }
  }

  /**
   * Stops {@code k8snet node} on {@code name} (SIGTERM: programmed state stays in place) and starts
   * it again, waiting until it is ready.
   *
   * @param name the node
   */
  public void restartNode(String name) throws InterruptedException {
    DemoNode node = nodes.get(name);
    Process old = node.process;
    old.destroy();
    if (!old.waitFor(20, TimeUnit.SECONDS)) {
      throw new K8snetException(name + ": k8snet node did not stop within 20 s");
    }
    node.process = lab.start(node.netns(), nodeCommand(node), node.dir().resolve("node.log"));
    awaitReady(node, System.nanoTime() + STARTUP.toNanos());
  }

  private void awaitReady(DemoNode node, long deadline) throws InterruptedException {
    String ready = "";
    while (!ready.startsWith("200") && System.nanoTime() < deadline) {
      Thread.sleep(200);
      ready = Probes.http(node.netns(), node.ip(), 10290, "localhost", "/readyz");
    }
    if (!ready.startsWith("200") || !Files.exists(node.dir().resolve("10-k8snet.conflist"))) {
      throw new K8snetException(
          node.name()
              + ": k8snet node not ready after "
              + STARTUP.toSeconds()
              + " s ("
              + ready
              + "); its log:\n"
              + tail(node.dir().resolve("node.log")));
    }
  }

  private List<String> nodeCommand(DemoNode node) {
    String java = ProcessHandle.current().info().command().orElse("java");
    String ip = node.ip().toString();
    return List.of(
        java,
        "-XX:+UseSerialGC",
        "-Xmx256m",
        "-XX:TieredStopAtLevel=1",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
        "-cp",
        System.getProperty("java.class.path"),
        K8snetCommand.class.getName(),
        "node",
        "--node-name=" + node.name(),
        "--manifests=" + manifests,
        "--http=" + ip + ":10290",
        "--node-ip=" + ip,
        "--cni-socket=" + node.dir().resolve("cni.sock"),
        "--dns-listen=" + ip + ":53",
        "--network-config=" + lab.workDir().resolve("net-conf.json"),
        "--cni-conf=" + node.dir().resolve("10-k8snet.conflist"),
        "--state-dir=" + node.dir().resolve("state"),
        "--ingress-listen=" + ip + ":80");
  }

  /** Creates the pods' namespaces and attaches each through its node's CNI daemon. */
  public void attachPods() {
    for (PodSpec spec : PODS) {
      attach(spec.name(), spec.node(), spec.app(), spec.hostname(), spec.port(), spec.http());
    }
  }

  /**
   * Creates a pod's namespace, attaches it through {@code node}'s CNI daemon and starts its server.
   *
   * @param name {@code namespace/name}
   * @param node the node
   * @param app its {@code app} label
   * @param hostname its {@code spec.hostname} (with subdomain {@code db}), if any
   * @param port where it serves its name; 0 for none
   * @param http whether it serves HTTP (else a greeting and echo)
   * @return the attached pod (not yet published: see {@link #writePods})
   */
  public DemoPod attach(
      String name, String node, String app, Optional<String> hostname, int port, boolean http) {
    DemoNode n = nodes.get(node);
    NetworkNamespace netns = lab.addPod(name.replace('/', '-'));
    String[] nsName = name.split("/");
    RuntimeConf rt =
        new RuntimeConf(
            containerId(name),
            netns.path().toString(),
            "eth0",
            Map.of(
                "IgnoreUnknown", "1",
                "K8S_POD_NAMESPACE", nsName[0],
                "K8S_POD_NAME", nsName[1]),
            Map.of());
    long t0 = System.nanoTime();
    CniResult result = lab.whileOpen(() -> n.netns().run(() -> cni(n).add(conflist(n), rt)));
    double ms = (System.nanoTime() - t0) / 1e6;
    IpAddress ip = result.ips().get(0).address().address();
    DemoPod pod = new DemoPod(name, node, Map.of("app", app), hostname, port, http, ip, netns);
    pods.put(pod.name(), pod);
    if (port > 0) {
      servers.put(name, Probes.serveName(netns, ip, port, nsName[1], http));
    }
    report.line(
        "%-12s on %s: eth0 %s (CNI ADD through the daemon, %.0f ms)%s",
        name,
        node,
        result.ips().get(0).address(),
        ms,
        port > 0 ? "; serving its name on :" + port : "");
    return pod;
  }

  /**
   * Detaches a pod through its node's CNI daemon (CNI DEL) and forgets it; {@link #writePods} then
   * removes it from the cluster.
   *
   * @param name {@code namespace/name}
   */
  public void detach(String name) throws IOException {
    DemoPod p = pod(name);
    DemoNode n = nodes.get(p.node());
    ServerSocket server = servers.remove(name);
    if (server != null) {
      server.close();
    }
    RuntimeConf rt = RuntimeConf.of(containerId(name), p.netns().path().toString(), "eth0");
    lab.whileOpen(
        () -> {
          n.netns().execute(() -> cni(n).del(conflist(n), rt));
          return null;
        });
    pods.remove(name);
  }

  private CniRuntime cni(DemoNode node) {
    return new CniRuntime(List.of(binDir), node.dir().resolve("cni-cache"))
        .withEnvironment(Map.of("K8SNET_CNI_SOCKET", node.dir().resolve("cni.sock").toString()));
  }

  private static NetworkConfigList conflist(DemoNode node) {
    return NetworkConfigList.load(node.dir().resolve("10-k8snet.conflist"));
  }

  /**
   * Writes {@code yaml} as the manifest file {@code name} the nodes watch (atomically).
   *
   * @param name the file name, e.g. {@code policy.yaml}
   * @param yaml its content
   */
  public void writeManifest(String name, String yaml) throws IOException {
    Path tmp = manifests.resolve("." + name + ".tmp");
    lab.whileOpen(
        () -> {
          Files.writeString(tmp, yaml, StandardCharsets.UTF_8);
          return Files.move(tmp, manifests.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        });
    reread();
  }

  /**
   * Removes the manifest file {@code name}: its objects leave the cluster.
   *
   * @param name the file name
   */
  public void removeManifest(String name) throws IOException {
    Files.deleteIfExists(manifests.resolve(name));
    reread();
  }

  private void reread() throws IOException {
    List<KubernetesObject> objects = new ArrayList<>();
    try (var files = Files.list(manifests)) {
      for (Path f :
          files.filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList()) {
        objects.addAll(
            ManifestReader.create()
                .readString(f.getFileName().toString(), Files.readString(f, StandardCharsets.UTF_8))
                .orThrow());
      }
    }
    state = ClusterState.of(state.version() + 1, objects);
  }

  /**
   * Writes the Pods and the EndpointSlices of the web and db Services, as the API server would hold
   * them once the pods run, and waits until the nodes have taken them in.
   */
  public void publishPods() throws IOException, InterruptedException {
    writePods();
    awaitPublished();
  }

  /**
   * Writes the Pods and the EndpointSlices of the web and db Services for the pods now attached.
   */
  public void writePods() throws IOException {
    StringBuilder yaml = new StringBuilder();
    for (DemoPod p : pods.values()) {
      String[] n = p.name().split("/");
      yaml.append("---\napiVersion: v1\nkind: Pod\n")
          .append(
              String.format(
                  Locale.ROOT,
                  "metadata: {name: %s, namespace: %s, labels: {app: %s}}\n",
                  n[1],
                  n[0],
                  p.labels().get("app")))
          .append("spec:\n  nodeName: ")
          .append(p.node())
          .append('\n');
      p.hostname()
          .ifPresent(h -> yaml.append("  hostname: ").append(h).append("\n  subdomain: db\n"));
      yaml.append("  containers: [{name: main, image: demo")
          .append(
              p.port() > 0
                  ? ", ports: [{name: "
                      + (p.http() ? "http" : "postgres")
                      + ", containerPort: "
                      + p.port()
                      + "}]"
                  : "")
          .append("}]\n")
          .append("status: {phase: Running, podIP: ")
          .append(p.ip())
          .append(", podIPs: [{ip: ")
          .append(p.ip())
          .append("}], conditions: [{type: Ready, status: \"True\"}]}\n");
    }
    yaml.append(endpointSlice("web", "http", 8080, "app", "web"));
    yaml.append(endpointSlice("db", "postgres", 5432, "app", "db"));
    writeManifest("pods.yaml", yaml.toString());
  }

  private void awaitPublished() throws InterruptedException {
    // Wait until both nodes route Service traffic to the new pods and serve their DNS names.
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    DemoPod client = pod("shop/client");
    DemoPod web2 = pod("shop/web-2");
    while (System.nanoTime() < deadline) {
      boolean proxied =
          Probes.http(client.netns(), WEB_VIP, 80, "web", "/").startsWith("200")
              && Probes.http(web2.netns(), WEB_VIP, 80, "web", "/").startsWith("200");
      boolean dns =
          !Probes.dns(client.netns(), DNS_VIP, "db-0.db.shop.svc.cluster.local.", 1)
                  .get(0)
                  .equals("NXDOMAIN")
              && !Probes.dns(web2.netns(), DNS_VIP, "db-0.db.shop.svc.cluster.local.", 1)
                  .get(0)
                  .equals("NXDOMAIN");
      if (proxied && dns) {
        Thread.sleep(300); // the policy and ingress subsystems take the same update
        report.line("Pods and EndpointSlices published: both nodes have taken them in");
        return;
      }
      Thread.sleep(200);
    }
    throw new K8snetException(
        "the nodes did not take in the pods within 20 s; node-1's log:\n"
            + tail(nodes.get("node-1").dir().resolve("node.log")));
  }

  private String endpointSlice(
      String service, String portName, int port, String key, String value) {
    StringBuilder b =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n"
                    + "metadata: {name: %s-demo, namespace: shop, labels: {kubernetes.io/service-name: %s}}\n"
                    + "addressType: IPv4\nports: [{name: %s, port: %d, protocol: TCP}]\nendpoints:\n",
                service,
                service,
                portName,
                port));
    for (DemoPod p : pods.values()) {
      if (p.name().startsWith("shop/") && value.equals(p.labels().get(key))) {
        String pod = p.name().substring("shop/".length());
        b.append(
            String.format(
                Locale.ROOT,
                "- {addresses: [%s], nodeName: %s, conditions: {ready: true}%s, targetRef: {kind: Pod, namespace: shop, name: %s}}\n",
                p.ip(),
                p.node(),
                p.hostname().map(h -> ", hostname: " + h).orElse(""),
                pod));
      }
    }
    return b.toString();
  }

  /**
   * Returns a pod by {@code namespace/name}.
   *
   * @param name the pod
   * @return the pod
   */
  public DemoPod pod(String name) {
    DemoPod p = pods.get(name);
    if (p == null) {
      throw new IllegalArgumentException("no demo pod " + name);
    }
    return p;
  }

  /**
   * Returns the cluster as the nodes see it now.
   *
   * @return the state, with the pods once published
   */
  public ClusterState state() {
    return state;
  }

  /** Detaches every pod through its node's CNI daemon (CNI DEL), reporting what was released. */
  public void detachPods() throws IOException {
    int n = pods.size();
    for (String name : List.copyOf(pods.keySet())) {
      detach(name);
    }
    report.line("CNI DEL for %d pods through the daemons: veths removed, addresses released", n);
  }

  private static String containerId(String podName) {
    return "demo-" + podName.replace('/', '-');
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Closes the pods' servers; the {@link Lab} removes the rest. */
  @Override
  public void close() {
    for (ServerSocket s : servers.values()) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
