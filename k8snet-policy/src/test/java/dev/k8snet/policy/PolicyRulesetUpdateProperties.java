package dev.k8snet.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.IpAddress;
import dev.k8snet.core.Protocol;
import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.cluster.ClusterUpdate;
import dev.k8snet.core.model.ContainerPort;
import dev.k8snet.core.model.KubernetesObject;
import dev.k8snet.core.model.ObjectMeta;
import dev.k8snet.core.model.Pod;
import dev.k8snet.policy.enforce.EnforcementOptions;
import dev.k8snet.policy.enforce.PolicyRuleset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * {@link PolicyRuleset#update} after pod changes (labels, addresses, pods added and removed) equals
 * rendering the new snapshot from scratch, and shares every chain.
 */
class PolicyRulesetUpdateProperties {
  static final String[] POLICIES = {
    PolicyRulesetTest.DENY_X,
    PolicyRulesetTest.ALLOW_B_TO_A,
    """
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: named, namespace: y}
    spec:
      podSelector: {matchExpressions: [{key: pod, operator: In, values: [a, b]}]}
      policyTypes: [Ingress, Egress]
      ingress: [{from: [{namespaceSelector: {matchLabels: {ns: z}}, podSelector: {matchLabels: {tier: web}}}]}]
      egress: [{ports: [{port: serve-80-tcp}, {port: serve-81-udp, protocol: UDP}]}]
    """,
    """
    apiVersion: policy.networking.k8s.io/v1alpha1
    kind: AdminNetworkPolicy
    metadata: {name: guard}
    spec:
      priority: 3
      subject: {pods: {namespaceSelector: {}, podSelector: {matchLabels: {tier: web}}}}
      ingress: [{name: p, action: Pass, from: [{namespaces: {matchLabels: {ns: x}}}]},
                {name: d, action: Deny, from: [{pods: {namespaceSelector: {},
                                                       podSelector: {matchLabels: {pod: c}}}}]}]
    """
  };

  @Property(tries = 60)
  void updatesAfterPodChangesEqualAFreshRendering(@ForAll long seed, @ForAll boolean log) {
    Random r = new Random(seed);
    EnforcementOptions options = EnforcementOptions.DEFAULTS.withLogDenied(log);
    ClusterState state = E2eModel.state(POLICIES);
    PolicyRuleset rules = PolicyRuleset.render(state, "node-1", options);
    for (int step = 0; step < 6; step++) {
      ClusterState next = mutate(state, r, step);
      PolicyRuleset fresh = PolicyRuleset.render(next, "node-1", options);
      PolicyRuleset updated =
          r.nextBoolean() ? rules.update(next) : rules.update(ClusterUpdate.between(state, next));
      assertEquals(fresh.chains(), updated.chains(), "seed " + seed + " step " + step);
      assertEquals(asSets(fresh), asSets(updated), "seed " + seed + " step " + step);
      state = next;
      rules = updated;
    }
  }

  static Map<String, Set<String>> asSets(PolicyRuleset r) {
    Map<String, Set<String>> out = new HashMap<>();
    r.sets().forEach((k, v) -> out.put(k, new HashSet<>(v)));
    return out;
  }

  /** One to three pod changes: relabel, readdress, remove, or add a pod. */
  static ClusterState mutate(ClusterState state, Random r, int step) {
    List<KubernetesObject> objects = new ArrayList<>(state.objects());
    int changes = 1 + r.nextInt(3);
    for (int i = 0; i < changes; i++) {
      List<Pod> pods = new ArrayList<>();
      objects.forEach(
          o -> {
            if (o instanceof Pod p) {
              pods.add(p);
            }
          });
      Pod p = pods.get(r.nextInt(pods.size()));
      int kind = r.nextInt(4);
      objects.remove(p);
      if (kind == 0) {
        Map<String, String> labels = new HashMap<>();
        labels.put("pod", List.of("a", "b", "c", "d").get(r.nextInt(4)));
        if (r.nextBoolean()) {
          labels.put("tier", "web");
        }
        objects.add(with(p, labels, p.podIps(), p.nodeName(), p.containerPorts()));
      } else if (kind == 1) {
        IpAddress ip = IpAddress.parse("10.0.9." + (step * 10 + i + 1));
        objects.add(with(p, p.metadata().labels(), List.of(ip), p.nodeName(), p.containerPorts()));
      } else if (kind == 3) {
        objects.add(p);
        Pod added =
            with(
                p,
                Map.of("pod", "b", "tier", "web"),
                List.of(IpAddress.parse("10.0.8." + (step * 10 + i + 1))),
                Optional.of(r.nextBoolean() ? "node-1" : "node-2"),
                List.of(ContainerPort.named("serve-80-tcp", 8080 + r.nextInt(3), Protocol.TCP)));
        objects.add(
            new Pod(
                ObjectMeta.of(
                    p.metadata().namespace(), "new-" + step + "-" + i, added.metadata().labels()),
                added.nodeName(),
                false,
                Optional.empty(),
                Optional.empty(),
                added.podIps(),
                added.phase(),
                true,
                added.containerPorts(),
                Optional.empty()));
      }
      // kind 2: removed
    }
    ClusterState next = ClusterState.of(state.version() + 1, objects);
    assertTrue(next.version() > state.version());
    return next;
  }

  static Pod with(
      Pod p,
      Map<String, String> labels,
      List<IpAddress> ips,
      Optional<String> node,
      List<ContainerPort> ports) {
    return new Pod(
        ObjectMeta.of(p.metadata().namespace(), p.metadata().name(), labels),
        node,
        p.hostNetwork(),
        p.hostname(),
        p.subdomain(),
        ips,
        p.phase(),
        p.ready(),
        ports,
        p.deletionTimestamp());
  }
}
