package dev.k8snet.samples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.k8snet.core.IpAddress;
import dev.k8snet.core.cluster.ClusterListener;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.cluster.ClusterUpdate;
import dev.k8snet.core.cluster.DirectoryClusterSource;
import dev.k8snet.core.model.PortRef;
import dev.k8snet.core.model.Secret;
import dev.k8snet.proxy.ServiceEndpoint;
import dev.k8snet.proxy.ingress.ForwardedHeader;
import dev.k8snet.proxy.ingress.IngressController;
import dev.k8snet.proxy.ingress.IngressRequest;
import dev.k8snet.proxy.ingress.IngressRoutes;
import dev.k8snet.proxy.ingress.IngressSettings;
import dev.k8snet.proxy.ingress.RouteResult;
import dev.k8snet.proxy.ingress.ServiceBackendRef;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code k8snet ingress}: the Ingress controller and its explain tool. */
@Command(
    name = "ingress",
    mixinStandardHelpOptions = true,
    description = "The Ingress controller (networking.k8s.io/v1) on netty.",
    subcommands = {IngressCommand.Serve.class, IngressCommand.Explain.class})
final class IngressCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static IngressSettings settings(String controller, String nodeName) {
    return new IngressSettings(controller, nodeName, false);
  }

  /** {@code k8snet ingress serve}. */
  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description =
          "Serves the Ingresses of the class k8snet.io/ingress-controller until stopped; manifest"
              + " directories are watched and changes take effect without dropping connections."
              + " Invalid objects are reported and skipped; the rest keeps serving.")
  static final class Serve implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin ManifestsOption manifests;

    @Option(names = "--listen", paramLabel = "ADDR:PORT", description = "Plain HTTP (and h2c).")
    String listen;

    @Option(
        names = "--listen-tls",
        paramLabel = "ADDR:PORT",
        description = "HTTPS: SNI certificates from kubernetes.io/tls Secrets, HTTP/2 over ALPN.")
    String listenTls;

    @Option(
        names = "--default-certificate",
        paramLabel = "NS/NAME",
        description = "TLS Secret for unknown server names (default: a generated self-signed one).")
    String defaultCertificate;

    @Option(
        names = "--controller-name",
        defaultValue = IngressSettings.CONTROLLER_NAME,
        description = "The IngressClass controller served (default: ${DEFAULT-VALUE}).")
    String controller;

    @Option(names = "--node-name", defaultValue = "", description = "This node (topology hints).")
    String nodeName;

    @Option(names = "--event-loops", description = "Event loops (default: processors).")
    Integer eventLoops;

    @Option(
        names = "--forwarded-headers",
        paramLabel = "LIST",
        description =
            "Forwarding fields written to endpoints, comma-separated, or none (default: x-forwarded-for,"
                + "x-forwarded-proto,x-forwarded-host,x-forwarded-port,forwarded). The client's"
                + " values of the others are removed.")
    String forwardedHeaders;

    @Option(
        names = "--client-idle-timeout",
        paramLabel = "DURATION",
        description = "Close a client connection idle this long, e.g. 75s or 1m15s (default: 75s).")
    String clientIdleTimeout;

    @Option(
        names = "--backend-idle-timeout",
        paramLabel = "DURATION",
        description =
            "Close a pooled connection to an endpoint idle this long (default: 50s); keep it below"
                + " the endpoints' own keep-alive timeout.")
    String backendIdleTimeout;

    @Option(
        names = "--transport",
        defaultValue = "io_uring",
        description =
            "io_uring (default), epoll or nio; where this host cannot run the one chosen, the next"
                + " one of the list.")
    String transport;

    @Option(
        names = "--metrics",
        paramLabel = "ADDR:PORT",
        description = "Serve /metrics (Prometheus text) on this address.")
    String metrics;

    @Override
    public Integer call() throws IOException {
      PrintWriter err = spec.commandLine().getErr();
      if (listen == null && listenTls == null) {
        throw new UsageException("--listen or --listen-tls is required");
      }
      IngressController.Builder b =
          IngressController.builder()
              .settings(settings(controller, nodeName))
              .transport(transport(transport));
      String expected = "ADDR:PORT, e.g. 0.0.0.0:80 or [::]:80";
      if (listen != null) {
        b.listen(AddressPort.parse("--listen", listen, expected).toSocketAddress());
      }
      if (listenTls != null) {
        b.listenTls(AddressPort.parse("--listen-tls", listenTls, expected).toSocketAddress());
      }
      if (eventLoops != null) {
        if (eventLoops < 1) {
          throw new UsageException("--event-loops: " + eventLoops + " (expected: at least 1)");
        }
        b.eventLoops(eventLoops);
      }
      if (forwardedHeaders != null) {
        b.forwardedHeaders(forwardedHeaders("--forwarded-headers", forwardedHeaders));
      }
      if (clientIdleTimeout != null) {
        b.clientIdleTimeout(idleTimeout("--client-idle-timeout", clientIdleTimeout));
      }
      if (backendIdleTimeout != null) {
        b.backendIdleTimeout(idleTimeout("--backend-idle-timeout", backendIdleTimeout));
      }
      Updater updater = new Updater(err);
      HttpServer metricsServer = null;
      // Lenient from the start: an invalid object is reported and skipped, the rest is served.
      try (DirectoryClusterSource watch = manifests.watch()) {
        watch.start(updater);
        if (defaultCertificate != null) {
          b.defaultCertificate(secret(updater.first, defaultCertificate));
        }
        try (IngressController c = b.build()) {
          updater.attach(c);
          StartupHeap.settle();
          c.start();
          if (metrics != null) {
            metricsServer =
                HttpServer.create(
                    AddressPort.parse("--metrics", metrics, expected).toSocketAddress(), 16);
            metricsServer.createContext(
                "/metrics",
                ex -> {
                  byte[] body = c.metrics().toPrometheusText().getBytes(StandardCharsets.UTF_8);
                  ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
                  ex.sendResponseHeaders(200, body.length);
                  try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                  }
                });
            metricsServer.start();
          }
          err.println(
              "k8snet ingress: serving "
                  + c.routes().servedIngresses().size()
                  + " Ingress(es)"
                  + c.httpAddress().map(a -> "; http " + a).orElse("")
                  + c.httpsAddress().map(a -> "; https " + a).orElse("")
                  + " ("
                  + c.transport().name().toLowerCase(Locale.ROOT)
                  + ")");
          err.flush();
          UntilStopped.await("k8snet-ingress-stop");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        if (metricsServer != null) {
          metricsServer.stop(0);
        }
      }
      return 0;
    }

    /** {@code io_uring}, {@code epoll} or {@code nio}, or a usage error naming the flag. */
    static IngressController.Transport transport(String text) {
      for (IngressController.Transport t : IngressController.Transport.values()) {
        if (t.name().equalsIgnoreCase(text.trim())) {
          return t;
        }
      }
      throw new UsageException("--transport: " + text + " (expected: io_uring, epoll or nio)");
    }

    /** A Go duration of at least one second, or a usage error naming the flag. */
    static Duration idleTimeout(String flag, String text) {
      try {
        Duration d = NodeConfig.parseDuration(text.trim().toLowerCase(Locale.ROOT));
        if (d.compareTo(IngressController.MIN_IDLE_TIMEOUT) >= 0) {
          return d;
        }
      } catch (IllegalArgumentException e) {
        // reported below
      }
      throw new UsageException(
          flag + ": " + text + " (expected: a duration of at least 1s, e.g. 75s or 1m15s)");
    }

    /**
     * Parses a comma-separated list of forwarding field names, or {@code none}; errors name {@code
     * option}.
     */
    static Set<ForwardedHeader> forwardedHeaders(String option, String list) {
      return list.trim().equalsIgnoreCase("none")
          ? EnumSet.noneOf(ForwardedHeader.class)
          : forwardedHeaders(option, List.of(list.split(",", -1)));
    }

    /** Parses forwarding field names, in any case; errors name {@code where}. */
    static Set<ForwardedHeader> forwardedHeaders(String where, List<String> names) {
      Set<ForwardedHeader> headers = EnumSet.noneOf(ForwardedHeader.class);
      for (String name : names) {
        try {
          headers.add(ForwardedHeader.ofFieldName(name));
        } catch (IllegalArgumentException e) {
          throw new UsageException(where + ": " + e.getMessage());
        }
      }
      return headers;
    }

    private static Secret secret(ClusterState state, String ref) {
      int slash = ref.indexOf('/');
      if (slash <= 0) {
        throw new UsageException("--default-certificate: " + ref + " (expected: NS/NAME)");
      }
      return state
          .get(Secret.class, ref.substring(0, slash), ref.substring(slash + 1))
          .filter(s -> s.type().equals(Secret.TLS_TYPE))
          .orElseThrow(
              () ->
                  new UsageException(
                      "--default-certificate: "
                          + ref
                          + " (expected: a kubernetes.io/tls Secret in the manifests)"));
    }
  }

  /** Feeds each merged snapshot to the controller, printing new problems. */
  static final class Updater implements ClusterListener {
    private final PrintWriter err;
    private IngressController controller;
    private ClusterState first = ClusterState.EMPTY;
    private List<String> reported = List.of();

    Updater(PrintWriter err) {
      this.err = err;
    }

    synchronized void attach(IngressController c) {
      controller = c;
      apply(first);
    }

    @Override
    public synchronized void onUpdate(ClusterUpdate update) {
      if (controller == null) {
        first = update.current();
        return;
      }
      apply(update.current());
    }

    private void apply(ClusterState state) {
      IngressRoutes r = controller.update(state);
      List<String> problems = controller.problems();
      if (!problems.equals(reported)) {
        for (String p : problems) {
          err.println("warning: " + p);
        }
        err.flush();
        reported = problems;
      }
      if (r.version() > 1) {
        err.println(
            "k8snet ingress: routes updated (version "
                + r.version()
                + ", "
                + r.servedIngresses().size()
                + " Ingress(es))");
        err.flush();
      }
    }

    @Override
    public void onError(dev.k8snet.core.K8snetException error) {
      synchronized (this) {
        err.println("warning: " + error.getMessage());
        err.flush();
      }
    }
  }

  /** {@code k8snet ingress explain}. */
  @Command(
      name = "explain",
      mixinStandardHelpOptions = true,
      description =
          "Routes one request through the pure model: the status, host group, rule, Ingress,"
              + " backend and endpoints. Invalid objects are skipped with a warning, as the"
              + " controller does.")
  static final class Explain implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin ManifestsOption manifests;

    @Option(names = "--scheme", required = true, description = "http or https.")
    String scheme;

    @Option(names = "--host", required = true, description = "The Host header.")
    String host;

    @Option(names = "--sni", description = "The TLS server name (picks the certificate).")
    String sni;

    @Option(names = "--path", required = true, description = "The request path (and query).")
    String path;

    @Option(names = "--method", defaultValue = "GET", description = "The method.")
    String method;

    @Option(
        names = "--header",
        paramLabel = "NAME=VALUE",
        description = "A request header (repeatable), e.g. for canary-by-header.")
    List<String> headers = new ArrayList<>();

    @Option(names = "--client", paramLabel = "IP", description = "The client address.")
    String client;

    @Option(
        names = "--controller-name",
        defaultValue = IngressSettings.CONTROLLER_NAME,
        description = "The IngressClass controller served (default: ${DEFAULT-VALUE}).")
    String controller;

    @Option(names = "--node-name", defaultValue = "", description = "This node (topology hints).")
    String nodeName;

    @Option(names = "--output", paramLabel = "FORMAT", description = "text (default) or json.")
    String output = "text";

    @Override
    public Integer call() throws JsonProcessingException {
      PrintWriter err = spec.commandLine().getErr();
      String s = scheme.toLowerCase(Locale.ROOT);
      if (!s.equals("http") && !s.equals("https")) {
        throw new UsageException("--scheme: " + scheme + " (expected: http or https)");
      }
      if (!output.equals("json") && !output.equals("text")) {
        throw new UsageException("--output: " + output + " (expected: text or json)");
      }
      if (!path.startsWith("/")) {
        throw new UsageException("--path: " + path + " (expected: an absolute path, e.g. /app)");
      }
      if (sni != null && s.equals("http")) {
        throw new UsageException("--sni: " + sni + " (expected: only with --scheme https)");
      }
      Map<String, String> h = new LinkedHashMap<>();
      for (String kv : headers) {
        int eq = kv.indexOf('=');
        if (eq <= 0) {
          throw new UsageException("--header: " + kv + " (expected: NAME=VALUE)");
        }
        h.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
      Optional<IpAddress> clientIp = Optional.empty();
      if (client != null) {
        clientIp = IpAddress.tryParse(client);
        if (clientIp.isEmpty()) {
          throw new UsageException("--client: " + client + " (expected: an IP address)");
        }
      }
      ClusterState state =
          ClusterState.of(1, ManifestsOption.lenientObjects(manifests.read(), err));
      IngressRoutes routes = IngressRoutes.compile(state, settings(controller, nodeName));
      for (String p : routes.problems()) {
        err.println("warning: " + p);
      }
      err.flush();
      RouteResult r =
          routes.explain(
              new IngressRequest(s, host, Optional.ofNullable(sni), path, method, h, clientIp));
      PrintWriter out = spec.commandLine().getOut();
      if (output.equals("json")) {
        out.println(json(r));
      } else {
        out.println(text(r, routes, sni));
      }
      out.flush();
      return 0;
    }

    /** The contract's JSON, key order and spacing as documented. */
    static String json(RouteResult r) throws JsonProcessingException {
      StringBuilder b = new StringBuilder("{\"status\": ").append(r.status());
      if (r.ingress().isPresent()) {
        b.append(", \"ingress\": ").append(JSON.writeValueAsString(r.ingress().get()));
      }
      boolean forwards = r.status() != 308 && r.status() != 403;
      if (forwards && r.backend().isPresent()) {
        ServiceBackendRef ref = r.backend().get();
        b.append(", \"backend\": {\"service\": ")
            .append(JSON.writeValueAsString(ref.service()))
            .append(", \"port\": ")
            .append(
                ref.port() instanceof PortRef.Number n
                    ? Integer.toString(n.port())
                    : JSON.writeValueAsString(ref.port().toString()))
            .append("}");
        List<String> eps = new ArrayList<>();
        for (ServiceEndpoint e : r.endpoints()) {
          eps.add(JSON.writeValueAsString(e.hostPort()));
        }
        b.append(", \"endpoints\": [").append(String.join(", ", eps)).append("]");
      }
      if (r.location().isPresent()) {
        b.append(", \"location\": ").append(JSON.writeValueAsString(r.location().get()));
      }
      return b.append("}").toString();
    }

    static String text(RouteResult r, IngressRoutes routes, String sni) {
      StringBuilder b = new StringBuilder();
      b.append(r.status()).append(' ').append(r.reason()).append('\n');
      r.hostGroup().ifPresent(g -> b.append("  host group: ").append(g).append('\n'));
      r.path().ifPresent(p -> b.append("  path: ").append(p).append('\n'));
      r.rule().ifPresent(p -> b.append("  rule: ").append(p).append('\n'));
      r.ingress().ifPresent(p -> b.append("  ingress: ").append(p).append('\n'));
      r.backend().ifPresent(p -> b.append("  backend: ").append(p).append('\n'));
      if (!r.endpoints().isEmpty()) {
        b.append("  endpoints: ")
            .append(
                String.join(", ", r.endpoints().stream().map(ServiceEndpoint::hostPort).toList()))
            .append('\n');
      }
      r.rewrittenPath().ifPresent(p -> b.append("  upstream path: ").append(p).append('\n'));
      r.location().ifPresent(p -> b.append("  location: ").append(p).append('\n'));
      if (sni != null) {
        b.append("  certificate: ")
            .append(
                routes
                    .certificateFor(sni)
                    .map(c -> "Secret " + c.metadata().namespace() + "/" + c.metadata().name())
                    .orElse("the default certificate"))
            .append('\n');
      }
      return b.toString().stripTrailing();
    }
  }
}
