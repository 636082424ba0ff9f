package dev.k8snet.samples.node;

import dev.k8snet.core.K8snetException;
import dev.k8snet.core.cluster.ClusterListener;
import dev.k8snet.core.cluster.ClusterSource;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.cluster.ClusterUpdate;
import dev.k8snet.proxy.ingress.IngressController;
import dev.k8snet.proxy.ingress.IngressRoutes;
import java.util.List;
import java.util.function.Consumer;

/**
 * The Ingress controller: Ingresses of our class routed by host and path straight to the ready
 * endpoints of their Services, over HTTP and (when configured) HTTPS. Routes and certificates are
 * compiled from the first snapshot before the ports are bound, then swapped on every update without
 * dropping connections. Ready once listening; an invalid Ingress is skipped and listed in the
 * health detail while the others keep serving.
 */
public final class IngressSubsystem implements Subsystem {
  private final IngressController.Builder builder;
  private final Consumer<IngressRoutes> status;
  private IngressController controller;
  private ClusterSource view;

  /**
   * Creates the subsystem.
   *
   * @param builder the controller's listeners and settings
   * @param status told the routes after each update, e.g. to write the served Ingresses' {@code
   *     status.loadBalancer} on the API server; called on the update thread
   */
  public IngressSubsystem(IngressController.Builder builder, Consumer<IngressRoutes> status) {
    this.builder = builder;
    this.status = status;
  }

  @Override
  public String name() {
    return "ingress";
  }

  @Override
  public Stage stage() {
    return Stage.INGRESS;
  }

  @Override
  public void start(ClusterSource cluster, ClusterState now) {
    IngressController c = builder.build();
    status.accept(c.update(now));
    c.start();
    controller = c;
    view = cluster;
    cluster.start(
        new ClusterListener() {
          @Override
          public void onUpdate(ClusterUpdate update) {
            status.accept(c.update(update.current()));
          }

          @Override
          public void onError(K8snetException error) {
            // reported once by the node; the last good routes stay in force
          }
        });
  }

  @Override
  public Health health() {
    IngressController c = controller;
    if (c == null) {
      return new Health(false, false, "not started");
    }
    List<String> problems = c.problems();
    return new Health(
        true,
        true,
        "listening on "
            + c.httpAddress().map(Object::toString).orElse("-")
            + (c.httpsAddress().isPresent() ? " and " + c.httpsAddress().get() + " (TLS)" : "")
            + (problems.isEmpty() ? "" : "; skipped: " + String.join("; ", problems)));
  }

  @Override
  public String metrics() {
    IngressController c = controller;
    return c == null ? "" : c.metrics().toPrometheusText();
  }

  @Override
  public void close() {
    if (view != null) {
      view.close();
    }
    if (controller != null) {
      controller.close();
    }
  }
}
