package dev.k8snet.samples.kube;

import dev.k8snet.core.IpAddress;
import dev.k8snet.proxy.ingress.IngressRoutes;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@code status.loadBalancer.ingress} of every Ingress the controller serves on the API
 * server: the addresses where this controller listens (as ingress-nginx publishes its node or
 * Service addresses). Each Ingress is patched only when its published addresses change; a failed
 * patch is logged and retried on the next route update.
 */
public final class IngressStatusWriter implements Consumer<IngressRoutes> {
  private static final Logger log = LoggerFactory.getLogger(IngressStatusWriter.class);

  private final KubernetesClient client;
  private final List<IngressLoadBalancerIngress> addresses;
  private final Map<String, List<IngressLoadBalancerIngress>> published = new HashMap<>();

  /**
   * Creates a writer.
   *
   * @param client the API server's client (stays the caller's)
   * @param addresses the addresses to publish, e.g. the node's InternalIPs
   */
  public IngressStatusWriter(KubernetesClient client, List<IpAddress> addresses) {
    this.client = Objects.requireNonNull(client, "client");
    this.addresses =
        addresses.stream()
            .map(a -> new IngressLoadBalancerIngressBuilder().withIp(a.toString()).build())
            .toList();
  }

  /** Publishes the addresses on every Ingress {@code routes} serves that does not have them yet. */
  @Override
  public synchronized void accept(IngressRoutes routes) {
    for (String ingress : routes.servedIngresses()) {
      if (addresses.equals(published.get(ingress))) {
        continue;
      }
      int slash = ingress.indexOf('/');
      try {
        client
            .network()
            .v1()
            .ingresses()
            .inNamespace(ingress.substring(0, slash))
            .withName(ingress.substring(slash + 1))
            .editStatus(
                i ->
                    new IngressBuilder(i)
                        .editOrNewStatus()
                        .withNewLoadBalancer()
                        .withIngress(addresses)
                        .endLoadBalancer()
                        .endStatus()
                        .build());
        published.put(ingress, addresses);
      } catch (KubernetesClientException e) {
        log.atWarn()
            .addKeyValue("event", "ingress_status_failed")
            .addKeyValue("ingress", ingress)
            .log("cannot write status.loadBalancer of {}: {}", ingress, e.getMessage());
      }
    }
    published.keySet().retainAll(routes.servedIngresses());
  }
}
