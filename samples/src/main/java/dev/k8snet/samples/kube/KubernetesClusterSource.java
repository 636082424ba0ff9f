package dev.k8snet.samples.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.k8snet.core.K8snetException;
import dev.k8snet.core.cluster.ClusterChange;
import dev.k8snet.core.cluster.ClusterListener;
import dev.k8snet.core.cluster.ClusterSource;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.cluster.ClusterUpdate;
import dev.k8snet.core.manifest.ManifestException;
import dev.k8snet.core.manifest.ManifestReader;
import dev.k8snet.core.manifest.ManifestWarning;
import dev.k8snet.core.model.KubernetesObject;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ClusterSource} that follows a Kubernetes API server: one informer (list, then watch;
 * relist on expiry; reconnect with backoff; periodic resync) per {@link KubeKind}, every object
 * converted to the core model by the same {@link ManifestReader} that reads manifest files (the
 * object is serialized to a JSON tree and read as a manifest), so API objects and files take one
 * conversion path, with the same defaulting and validation.
 *
 * <pre>{@code
 * try (KubernetesClusterSource source =
 *     KubernetesClusterSource.builder(KubernetesClusterSource.kubeconfig(Path.of("admin.conf")))
 *         .build()) {
 *   source.start(update -> System.out.println(update.changes()));
 * }
 * }</pre>
 *
 * <p>Behaviour: {@link #start} returns after every kind has been listed once and the first snapshot
 * was delivered; a kind marked {@link KubeKind#optional()} that the server does not serve (404,
 * e.g. the admin policy CRDs are not installed) is left out with a warning. Later events are
 * coalesced: a dispatcher thread turns whatever changed since the last snapshot into one new
 * snapshot (so a burst of pod churn is one update). An object that the reader rejects keeps its
 * last good version in the snapshot (nothing, if it never had one) and is reported through {@link
 * ClusterListener#onError} as a {@link ManifestException} naming the object and field. While the
 * server is unreachable the last snapshot stays in force (a failing list or watch start is reported
 * once per kind); the informers reconnect on their own, and every {@link Builder#relist} period
 * each kind is listed afresh, so a watch that silently stopped is replaced and deletions it missed
 * are applied; only what changed meanwhile is emitted.
 *
 * <p>Why fabric8 with the JDK HTTP transport rather than the official client: fabric8's informers
 * cover list+watch, relist and resync over Jackson (which the SDK uses anyway), and with the JDK
 * transport the client is 34 jars / 18 MB with no netty of its own; the official {@code
 * client-java} brings Gson-bound models regenerated every release, OkHttp 5 with kotlin-stdlib, and
 * checked exceptions. Neither client appears in a library module: this class lives in samples.
 *
 * <p>Thread-safe. The listener is called from one thread at a time: the caller of {@link #start}
 * for the first snapshot, then the dispatcher thread.
 */
public final class KubernetesClusterSource implements ClusterSource {
  private static final Logger log = LoggerFactory.getLogger(KubernetesClusterSource.class);

  /** The default informer resync period: {@value #DEFAULT_RESYNC_SECONDS} s. */
  public static final long DEFAULT_RESYNC_SECONDS = 300;

  /** The default period of a full relist: {@value #DEFAULT_RELIST_SECONDS} s. */
  public static final long DEFAULT_RELIST_SECONDS = 600;

  /** The default time {@link #start} waits for the first list of every kind. */
  public static final long DEFAULT_START_TIMEOUT_SECONDS = 60;

  private final KubernetesClient client;
  private final boolean ownsClient;
  private final List<KubeKind> kinds;
  private final Duration resync;
  private final Duration startTimeout;
  private final Duration coalesce;
  private final Duration relist;
  private final ManifestReader reader = ManifestReader.create();

  private final Object lock = new Object();
  // Guarded by lock: the converted objects by "kind ns/name" of the API object, pending errors.
  private final Map<String, KubernetesObject> objects = new LinkedHashMap<>();
  private final Deque<K8snetException> pendingErrors = new ArrayDeque<>();
  private final Map<String, Boolean> disconnected = new HashMap<>();
  private boolean dirty;
  private boolean closed;
  private ClusterListener listener;

  // Guarded by lock: the informer of each kind; events of a replaced informer are ignored.
  private final Map<KubeKind, SharedIndexInformer<GenericKubernetesResource>> informers =
      new LinkedHashMap<>();
  private final List<KubeKind> served = new ArrayList<>();
  private volatile ClusterState current = ClusterState.EMPTY;
  private Thread dispatcher;
  private ScheduledExecutorService relister;

  private KubernetesClusterSource(Builder b) {
    this.client = b.client;
    this.ownsClient = b.ownsClient;
    this.kinds = List.copyOf(b.kinds);
    this.resync = b.resync;
    this.startTimeout = b.startTimeout;
    this.coalesce = b.coalesce;
    this.relist = b.relist;
  }

  /**
   * Returns the client configuration of a kubeconfig file (its current context).
   *
   * @param kubeconfig the file
   * @return the configuration
   * @throws IllegalArgumentException naming the file when it cannot be read or parsed
   */
  public static Config kubeconfig(Path kubeconfig) {
    String text;
    try {
      text = Files.readString(kubeconfig, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "kubeconfig: " + kubeconfig + " (expected: a readable file; " + e + ")", e);
    }
    try {
      return Config.fromKubeconfig(null, text, kubeconfig.toString());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "kubeconfig: " + kubeconfig + " (expected: a kubeconfig; " + e.getMessage() + ")", e);
    }
  }

  /**
   * Returns the client configuration of the pod's service account (token, CA and namespace under
   * {@code /var/run/secrets/kubernetes.io/serviceaccount}, server from {@code
   * KUBERNETES_SERVICE_HOST} and {@code KUBERNETES_SERVICE_PORT}).
   *
   * @return the configuration
   * @throws IllegalArgumentException when not running in a pod
   */
  public static Config inCluster() {
    if (System.getenv("KUBERNETES_SERVICE_HOST") == null) {
      throw new IllegalArgumentException(
          "in-cluster: KUBERNETES_SERVICE_HOST is not set (expected: running in a pod with a"
              + " service account; otherwise use --kubeconfig FILE)");
    }
    return Config.autoConfigure(null);
  }

  /**
   * Returns a builder for a source on a new client of {@code config}; the source closes the client.
   *
   * @param config the client configuration
   * @return the builder
   */
  public static Builder builder(Config config) {
    Objects.requireNonNull(config, "config");
    return new Builder(new KubernetesClientBuilder().withConfig(config).build(), true);
  }

  /**
   * Returns a builder for a source on {@code client}; the caller keeps owning the client.
   *
   * @param client the client
   * @return the builder
   */
  public static Builder builder(KubernetesClient client) {
    return new Builder(Objects.requireNonNull(client, "client"), false);
  }

  /** Builds a {@link KubernetesClusterSource}. */
  public static final class Builder {
    private final KubernetesClient client;
    private final boolean ownsClient;
    private List<KubeKind> kinds = KubeKind.NODE_STACK;
    private Duration resync = Duration.ofSeconds(DEFAULT_RESYNC_SECONDS);
    private Duration startTimeout = Duration.ofSeconds(DEFAULT_START_TIMEOUT_SECONDS);
    private Duration coalesce = Duration.ofMillis(20);
    private Duration relist = Duration.ofSeconds(DEFAULT_RELIST_SECONDS);

    private Builder(KubernetesClient client, boolean ownsClient) {
      this.client = client;
      this.ownsClient = ownsClient;
    }

    /**
     * Sets the kinds to watch (default {@link KubeKind#NODE_STACK}).
     *
     * @param kinds the kinds
     * @return this
     */
    public Builder kinds(List<KubeKind> kinds) {
      this.kinds = List.copyOf(kinds);
      return this;
    }

    /**
     * Sets the informers' resync period (default {@value #DEFAULT_RESYNC_SECONDS} s); zero disables
     * resync.
     *
     * @param resync the period
     * @return this
     */
    public Builder resync(Duration resync) {
      if (resync.isNegative()) {
        throw new IllegalArgumentException("resync: " + resync + " (expected: >= 0)");
      }
      this.resync = resync;
      return this;
    }

    /**
     * Sets how long {@link #start} waits for the first list of every kind (default {@value
     * #DEFAULT_START_TIMEOUT_SECONDS} s).
     *
     * @param timeout the timeout, positive
     * @return this
     */
    public Builder startTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("startTimeout: " + timeout + " (expected: positive)");
      }
      this.startTimeout = timeout;
      return this;
    }

    /**
     * Sets how long the dispatcher waits after a change for more before it makes a snapshot
     * (default 20 ms).
     *
     * @param coalesce the delay, at least zero
     * @return this
     */
    public Builder coalesce(Duration coalesce) {
      if (coalesce.isNegative()) {
        throw new IllegalArgumentException("coalesce: " + coalesce + " (expected: >= 0)");
      }
      this.coalesce = coalesce;
      return this;
    }

    /**
     * Sets how often every kind is listed afresh by a new informer (default {@value
     * #DEFAULT_RELIST_SECONDS} s; zero disables), removing objects that the old watch missed the
     * deletion of. A safety net, as the periodic rescan of a manifest directory is: a watch that
     * silently stopped delivering (seen with abrupt disconnects) is replaced.
     *
     * @param relist the period
     * @return this
     */
    public Builder relist(Duration relist) {
      if (relist.isNegative()) {
        throw new IllegalArgumentException("relist: " + relist + " (expected: >= 0)");
      }
      this.relist = relist;
      return this;
    }

    /**
     * Returns the source, not started.
     *
     * @return the source
     */
    public KubernetesClusterSource build() {
      return new KubernetesClusterSource(this);
    }
  }

  /**
   * Lists every kind, delivers the first snapshot on the calling thread, then follows the watches.
   *
   * @throws K8snetException when a required kind cannot be listed within the start timeout
   */
  @Override
  public void start(ClusterListener listener) {
    Objects.requireNonNull(listener, "listener");
    synchronized (lock) {
      if (this.listener != null || closed) {
        throw new IllegalStateException("cluster source " + (closed ? "closed" : "started"));
      }
      this.listener = listener;
    }
    List<CompletableFuture<Void>> started = new ArrayList<>();
    List<SharedIndexInformer<GenericKubernetesResource>> created = new ArrayList<>();
    for (KubeKind kind : kinds) {
      started.add(startInformer(kind));
      synchronized (lock) {
        created.add(informers.get(kind));
      }
    }
    long deadline = System.nanoTime() + startTimeout.toNanos();
    for (int i = 0; i < kinds.size(); i++) {
      KubeKind kind = kinds.get(i);
      try {
        started.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        // The handlers hear of the listed objects asynchronously: take them from the store, so
        // that the first snapshot holds the whole list (the handlers' later calls change nothing).
        for (GenericKubernetesResource r : created.get(i).getStore().list()) {
          upsert(kind, created.get(i), r);
        }
        synchronized (lock) {
          served.add(kind);
        }
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (kind.optional() && notServed(cause)) {
          log.warn("{} is not served by the API server; running without it", kind);
          created.get(i).stop();
          synchronized (lock) {
            informers.remove(kind);
          }
          continue;
        }
        close();
        throw new K8snetException("cannot list " + kind + ": " + cause.getMessage(), kind, cause);
      } catch (TimeoutException e) {
        close();
        throw new K8snetException(
            "cannot list " + kind + " within " + startTimeout + " (is the API server reachable?)",
            kind,
            e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new K8snetException("interrupted while listing " + kind, kind, e);
      }
    }
    publish(); // the first snapshot, on this thread
    synchronized (lock) {
      if (closed) {
        return;
      }
      dispatcher = new Thread(this::dispatchLoop, "k8snet-kube-source");
      dispatcher.setDaemon(true);
      dispatcher.start();
      if (!relist.isZero()) {
        relister =
            Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "k8snet-kube-relist");
                  t.setDaemon(true);
                  return t;
                });
        var unused =
            relister.scheduleWithFixedDelay(
                this::relistAll, relist.toMillis(), relist.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  /** Replaces every kind's informer by a fresh one (list, then watch), reconciling deletions. */
  private void relistAll() {
    for (KubeKind kind : watchedKinds()) {
      SharedIndexInformer<GenericKubernetesResource> old;
      synchronized (lock) {
        if (closed) {
          return;
        }
        old = informers.get(kind);
      }
      CompletableFuture<Void> started = startInformer(kind);
      SharedIndexInformer<GenericKubernetesResource> fresh;
      synchronized (lock) {
        fresh = informers.get(kind);
      }
      if (old != null) {
        old.stop();
      }
      try {
        started.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        // The fresh informer keeps retrying on its own; its first list reconciles nothing yet.
        onConnectionProblem(kind, e instanceof ExecutionException ? e.getCause() : e);
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      synchronized (lock) {
        // Objects the store no longer holds are gone (their deletion may have been missed); the
        // store is read under the lock, so an object whose add was recorded is in it.
        List<String> live = new ArrayList<>();
        for (GenericKubernetesResource r : fresh.getStore().list()) {
          live.add(key(kind, r));
        }
        String prefix = kind.kind() + " ";
        dirty |= objects.keySet().removeIf(k -> k.startsWith(prefix) && !live.contains(k));
        disconnected.remove(kind.kind());
        lock.notifyAll();
      }
    }
  }

  private CompletableFuture<Void> startInformer(KubeKind kind) {
    var op = client.genericKubernetesResources(kind.context());
    SharedIndexInformer<GenericKubernetesResource> informer =
        (kind.namespaced() ? op.inAnyNamespace() : op).runnableInformer(resync.toMillis());
    informer.addEventHandler(new Handler(kind, informer));
    informer.exceptionHandler(
        (isStarted, t) -> {
          if (!isStarted && kind.optional() && notServed(t)) {
            return false; // the start future fails; start() leaves the kind out
          }
          onConnectionProblem(kind, t);
          return true; // keep retrying, with the informer's backoff
        });
    synchronized (lock) {
      informers.put(kind, informer);
    }
    return informer.start().toCompletableFuture();
  }

  private static boolean notServed(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof KubernetesClientException k && k.getCode() == 404) {
        return true;
      }
    }
    return false;
  }

  private void onConnectionProblem(KubeKind kind, Throwable t) {
    synchronized (lock) {
      if (Boolean.TRUE.equals(disconnected.put(kind.kind(), true))) {
        return; // reported already
      }
      log.warn(
          "watch of {} interrupted ({}); keeping the last state and reconnecting",
          kind,
          t.toString());
      pendingErrors.add(
          new K8snetException(
              "watch of " + kind + " interrupted: " + t.getMessage() + "; reconnecting", kind, t));
      lock.notifyAll();
    }
  }

  /** Converts and records one object; runs on an informer thread. */
  private void upsert(
      KubeKind kind,
      SharedIndexInformer<GenericKubernetesResource> from,
      GenericKubernetesResource resource) {
    String key = key(kind, resource);
    ManifestReader.Result result = reader.readString("api " + key, toJson(kind, resource));
    synchronized (lock) {
      if (informers.get(kind) != from) {
        return; // a replaced informer
      }
      disconnected.remove(kind.kind());
      for (ManifestWarning w : result.warnings()) {
        log.debug("{}", w);
      }
      if (!result.isValid()) {
        for (ManifestException e : result.errors()) {
          log.warn("{} (keeping the last good version of {})", e.getMessage(), key);
          pendingErrors.add(e);
        }
      } else if (result.objects().isEmpty()) {
        dirty |= objects.remove(key) != null; // now a kind or form k8snet skips
      } else {
        KubernetesObject o = result.objects().get(0);
        KubernetesObject before = objects.put(key, o);
        dirty |= !o.equals(before);
      }
      lock.notifyAll();
    }
  }

  private void delete(
      KubeKind kind,
      SharedIndexInformer<GenericKubernetesResource> from,
      GenericKubernetesResource resource) {
    String key = key(kind, resource);
    synchronized (lock) {
      if (informers.get(kind) != from) {
        return;
      }
      dirty |= objects.remove(key) != null;
      lock.notifyAll();
    }
  }

  private static String key(KubeKind kind, GenericKubernetesResource r) {
    String ns = r.getMetadata().getNamespace();
    return kind.kind()
        + " "
        + (ns == null || ns.isEmpty() ? "" : ns + "/")
        + r.getMetadata().getName();
  }

  /** The object as a manifest: a JSON tree with apiVersion and kind, without managedFields. */
  private String toJson(KubeKind kind, GenericKubernetesResource resource) {
    JsonNode tree = client.getKubernetesSerialization().convertValue(resource, JsonNode.class);
    if (tree instanceof ObjectNode o) {
      if (!o.hasNonNull("apiVersion")) {
        o.put("apiVersion", kind.apiVersion());
      }
      if (!o.hasNonNull("kind")) {
        o.put("kind", kind.kind());
      }
      if (o.get("metadata") instanceof ObjectNode m) {
        m.remove("managedFields");
      }
    }
    return tree.toString();
  }

  private final class Handler implements ResourceEventHandler<GenericKubernetesResource> {
    private final KubeKind kind;
    private final SharedIndexInformer<GenericKubernetesResource> informer;

    Handler(KubeKind kind, SharedIndexInformer<GenericKubernetesResource> informer) {
      this.kind = kind;
      this.informer = informer;
    }

    @Override
    public void onAdd(GenericKubernetesResource obj) {
      upsert(kind, informer, obj);
    }

    @Override
    public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
      upsert(kind, informer, newObj);
    }

    @Override
    public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
      delete(kind, informer, obj);
    }
  }

  private void dispatchLoop() {
    try {
      while (true) {
        synchronized (lock) {
          while (!closed && !dirty && pendingErrors.isEmpty()) {
            lock.wait();
          }
          if (closed) {
            return;
          }
        }
        if (!coalesce.isZero()) {
          Thread.sleep(coalesce.toMillis());
        }
        publish();
      }
    } catch (InterruptedException e) {
      // closed
    } catch (RuntimeException e) {
      log.error("kubernetes cluster source dispatcher stopped", e);
    }
  }

  /** Delivers pending errors, then a snapshot when an object changed. One thread at a time. */
  private void publish() {
    List<K8snetException> errors;
    List<KubernetesObject> all;
    ClusterListener l;
    synchronized (lock) {
      errors = new ArrayList<>(pendingErrors);
      pendingErrors.clear();
      all = new ArrayList<>(objects.values());
      boolean first = current.version() == 0;
      boolean changed = dirty || first;
      dirty = false;
      l = listener;
      if (!changed) {
        all = null;
      }
    }
    for (K8snetException e : errors) {
      try {
        l.onError(e);
      } catch (RuntimeException x) {
        log.warn("cluster listener failed on error {}", e.getMessage(), x);
      }
    }
    if (all == null) {
      return;
    }
    ClusterState previous = current;
    ClusterState next = ClusterState.of(previous.version() + 1, all);
    List<ClusterChange> changes = next.changesSince(previous);
    if (changes.isEmpty() && previous.version() != 0) {
      return;
    }
    current = next;
    log.debug("API snapshot {}: {} changes", next.version(), changes.size());
    try {
      l.onUpdate(new ClusterUpdate(previous, next, changes));
    } catch (RuntimeException e) {
      log.error("cluster listener failed on snapshot {}", next.version(), e);
    }
  }

  @Override
  public ClusterState current() {
    return current;
  }

  /**
   * Returns the kinds the server serves (all kinds given, less the optional ones it lacks); empty
   * before {@link #start} returned.
   *
   * @return the kinds being watched
   */
  public List<KubeKind> watchedKinds() {
    synchronized (lock) {
      return List.copyOf(served);
    }
  }

  /**
   * Returns whether every informer is connected (its watch open); false while the API server is
   * unreachable. Readiness, not correctness: the last snapshot stays in force meanwhile.
   *
   * @return whether all watches are open
   */
  public boolean connected() {
    synchronized (lock) {
      if (informers.isEmpty()) {
        return false;
      }
      for (SharedIndexInformer<GenericKubernetesResource> i : informers.values()) {
        if (i.isRunning() && !i.isWatching()) {
          return false;
        }
      }
      return true;
    }
  }

  /** Stops every informer and the dispatcher; closes the client if this source created it. */
  @Override
  public void close() {
    Thread toJoin;
    List<SharedIndexInformer<GenericKubernetesResource>> toStop;
    ScheduledExecutorService r;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      toJoin = dispatcher;
      toStop = List.copyOf(informers.values());
      r = relister;
      lock.notifyAll();
    }
    if (r != null) {
      r.shutdownNow();
    }
    for (SharedIndexInformer<GenericKubernetesResource> i : toStop) {
      try {
        i.stop();
      } catch (RuntimeException e) {
        log.debug("stopping an informer failed", e);
      }
    }
    if (toJoin != null && toJoin != Thread.currentThread()) {
      toJoin.interrupt();
      try {
        toJoin.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (ownsClient) {
      client.close();
    }
  }

  /** Returns the server's address. */
  @Override
  public String toString() {
    return "KubernetesClusterSource{" + client.getMasterUrl() + "}";
  }
}
