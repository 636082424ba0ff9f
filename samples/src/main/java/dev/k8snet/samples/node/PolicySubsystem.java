package dev.k8snet.samples.node;

import dev.k8snet.core.K8snetException;
import dev.k8snet.core.cluster.ClusterListener;
import dev.k8snet.core.cluster.ClusterSource;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.cluster.ClusterUpdate;
import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.core.nftables.Nftables;
import dev.k8snet.policy.enforce.EnforcementOptions;
import dev.k8snet.policy.enforce.EnforcementResult;
import dev.k8snet.policy.enforce.PolicyEnforcer;
import dev.k8snet.policy.enforce.PolicyRuleset;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * NetworkPolicy enforcement (and the admin tiers) for the pods on this node: each cluster snapshot
 * is rendered with {@link PolicyRuleset} (incrementally when only pods changed) and programmed by a
 * {@link PolicyEnforcer} as one transaction holding only the difference. Snapshots that arrive
 * while a sync runs are coalesced: the next sync takes the newest. The first sync happens in {@link
 * #start}, before pods are attached, so that no pod is ever reachable before its isolation is in
 * force. Stopping leaves the table in place.
 */
public final class PolicySubsystem implements Subsystem {
  private static final Logger log = LoggerFactory.getLogger(PolicySubsystem.class);

  private final String nodeName;
  private final EnforcementOptions options;
  private final AtomicReference<ClusterState> pending = new AtomicReference<>();
  private final AtomicLong syncs = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "k8snet-policy-sync");
            t.setDaemon(true);
            return t;
          });
  private Nftables nft;
  private PolicyEnforcer enforcer;
  private ClusterSource view;
  private volatile EnforcementResult last;
  private PolicyRuleset ruleset; // the last rendered, on the worker thread
  private volatile String lastError = "";

  /**
   * Creates the subsystem.
   *
   * @param nodeName this node
   * @param options the table name and logging of denied flows
   */
  public PolicySubsystem(String nodeName, EnforcementOptions options) {
    this.nodeName = nodeName;
    this.options = options;
  }

  @Override
  public String name() {
    return "policy";
  }

  @Override
  public Stage stage() {
    return Stage.POLICY;
  }

  @Override
  public void start(ClusterSource cluster, ClusterState now) {
    nft = Nftables.open(NetworkNamespace.current());
    enforcer = PolicyEnforcer.create(nft, options);
    sync(now);
    view = cluster;
    cluster.start(
        new ClusterListener() {
          @Override
          public void onUpdate(ClusterUpdate update) {
            if (pending.getAndSet(update.current()) == null) {
              worker.execute(() -> sync(pending.getAndSet(null)));
            }
          }

          @Override
          public void onError(K8snetException error) {
            // reported once by the node; the last good rules stay in force
          }
        });
  }

  private void sync(ClusterState state) {
    if (state == null) {
      return;
    }
    try {
      // pod-only changes update just the sets they touch; other changes render anew
      PolicyRuleset next =
          ruleset == null ? PolicyRuleset.render(state, nodeName, options) : ruleset.update(state);
      last = enforcer.sync(next);
      ruleset = next;
      syncs.incrementAndGet();
      lastError = "";
    } catch (K8snetException e) {
      failures.incrementAndGet();
      lastError = String.valueOf(e.getMessage());
      log.atWarn()
          .addKeyValue("event", "policy_sync_failed")
          .log("policy sync failed, the previous rules stay in force: {}", lastError);
    }
  }

  @Override
  public Health health() {
    EnforcementResult r = last;
    if (enforcer == null) {
      return new Health(false, false, "not started");
    }
    if (r == null) {
      return new Health(true, false, "no sync yet: " + lastError);
    }
    return new Health(
        true,
        lastError.isEmpty(),
        lastError.isEmpty()
            ? r.rules() + " rules, " + r.elements() + " set elements"
            : "last sync failed (previous rules in force): " + lastError);
  }

  @Override
  public String metrics() {
    EnforcementResult r = last;
    return new Prometheus()
        .counter("k8snet_policy_syncs_total", "Successful policy syncs.", syncs.get())
        .counter(
            "k8snet_policy_sync_failures_total",
            "Failed policy syncs (the previous rules stayed in force).",
            failures.get())
        .gauge("k8snet_policy_rules", "nftables rules programmed.", r == null ? 0 : r.rules())
        .gauge("k8snet_policy_elements", "Set elements programmed.", r == null ? 0 : r.elements())
        .gauge(
            "k8snet_policy_last_sync_seconds",
            "Duration of the last sync.",
            r == null ? 0 : r.duration().toNanos() / 1e9)
        .toString();
  }

  @Override
  public void close() {
    if (view != null) {
      view.close();
    }
    worker.shutdown();
    try {
      worker.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (enforcer != null) {
      enforcer.close(); // the table stays in the kernel
    }
    if (nft != null) {
      nft.close();
    }
  }
}
