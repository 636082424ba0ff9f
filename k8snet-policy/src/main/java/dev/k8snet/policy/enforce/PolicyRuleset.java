package dev.k8snet.policy.enforce;

import dev.k8snet.core.cluster.ClusterState;
import dev.k8snet.core.cluster.ClusterUpdate;
import dev.k8snet.policy.internal.NftModel;
import dev.k8snet.policy.internal.NftPolicyRenderer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The nftables table that enforces the policies of a snapshot for the pods of one node: pure, no
 * I/O; {@link PolicyEnforcer} programs it.
 *
 * <p>Pods are identified by their IPs ({@code status.podIPs}), so enforcement works whatever
 * attached them (a bridge or veth plugin), as a policy-only add-on. Verdicts are those of {@link
 * dev.k8snet.policy.PolicyEngine} for the first packet of a connection: a connection of a pod on
 * this node passes its egress in the forward (or input) hook and the destination pod's ingress in
 * the forward hook; replies and related packets of an allowed connection pass ({@code ct state
 * established,related}). Pods bridged to each other are seen only when the kernel passes bridged IP
 * traffic to the IP hooks ({@code net.bridge.bridge-nf-call-iptables=1}, as kube-proxy also
 * requires). Other protocols than TCP, UDP and SCTP are dropped for isolated pods unless a rule
 * without ports allows them.
 *
 * <p>Layout (one {@code inet} table, IPv4 and IPv6): sets of pod IPs per distinct selector shared
 * by every rule and policy, interval sets for {@code ipBlock} with {@code except} and for port
 * lists, named ports as {@code address . protocol . port} elements of each pod that declares the
 * name; one chain per policy and direction; Admin and Baseline tiers as chains that visit the admin
 * policies in priority order (Pass jumps to the NetworkPolicy tier), the NetworkPolicy tier as a
 * verdict map from pod to its namespace's chain, then a default drop for pods the NetworkPolicies
 * isolate. Only set elements depend on pods: a pod's label change, addition or removal changes
 * elements, and the number of rules grows with policies and their rules, not with pods × policies.
 *
 * <pre>{@code
 * PolicyRuleset rules = PolicyRuleset.render(state, "node-1");
 * System.out.print(rules.script()); // loadable with nft -f
 * }</pre>
 *
 * @since 0.1
 */
public final class PolicyRuleset {
  private final String nodeName;
  private final EnforcementOptions options;
  private final NftPolicyRenderer.Rendered rendered;
  private final NftModel model;

  private PolicyRuleset(
      String nodeName, EnforcementOptions options, NftPolicyRenderer.Rendered rendered) {
    this.nodeName = nodeName;
    this.options = options;
    this.rendered = rendered;
    this.model = rendered.model();
  }

  /**
   * Renders the ruleset with the default options.
   *
   * @param state the snapshot
   * @param nodeName the node whose pods are enforced
   * @return the ruleset
   */
  public static PolicyRuleset render(ClusterState state, String nodeName) {
    return render(state, nodeName, EnforcementOptions.DEFAULTS);
  }

  /**
   * Renders the ruleset.
   *
   * @param state the snapshot
   * @param nodeName the node whose pods ({@code spec.nodeName}) are enforced
   * @param options the layout options
   * @return the ruleset
   * @throws IllegalArgumentException if the node name is empty
   */
  public static PolicyRuleset render(
      ClusterState state, String nodeName, EnforcementOptions options) {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(nodeName, "nodeName");
    Objects.requireNonNull(options, "options");
    if (nodeName.isBlank()) {
      throw new IllegalArgumentException("nodeName: '" + nodeName + "' (expected: a node name)");
    }
    return new PolicyRuleset(
        nodeName,
        options,
        NftPolicyRenderer.render(
            state, nodeName, options.tableName(), options.logDenied(), options.logRatePerSecond()));
  }

  /**
   * Returns the ruleset of a later snapshot of the same cluster, equal to {@link
   * #render(ClusterState, String, EnforcementOptions) render}{@code (next, nodeName(), options())}
   * up to the order of set elements. When only pods changed (labels, addresses, pods added or
   * removed), the cost follows the change: the changed pods' addresses leave and join the sets they
   * belong to, and the rest is shared with this ruleset, so that {@link PolicyEnforcer#sync}
   * compares only what changed. Other changes render anew. This ruleset is not modified.
   *
   * @param next the later snapshot
   * @return the ruleset for {@code next}
   */
  public PolicyRuleset update(ClusterState next) {
    Objects.requireNonNull(next, "next");
    return new PolicyRuleset(
        nodeName,
        options,
        NftPolicyRenderer.update(rendered, next, next.changesSince(rendered.state())));
  }

  /**
   * As {@link #update(ClusterState)}, using the update's list of changes when its previous snapshot
   * is the one this ruleset was rendered from.
   *
   * @param update an update, as {@code ClusterSource}s deliver them
   * @return the ruleset for {@code update.current()}
   */
  @SuppressWarnings("ReferenceEquality") // the changes are relative to this very snapshot
  public PolicyRuleset update(ClusterUpdate update) {
    Objects.requireNonNull(update, "update");
    if (update.previous() != rendered.state()) {
      return update(update.current());
    }
    return new PolicyRuleset(
        nodeName, options, NftPolicyRenderer.update(rendered, update.current(), update.changes()));
  }

  /**
   * Returns the node this ruleset enforces.
   *
   * @return the Node name
   */
  public String nodeName() {
    return nodeName;
  }

  /**
   * Returns the options it was rendered with.
   *
   * @return the options
   */
  public EnforcementOptions options() {
    return options;
  }

  NftModel model() {
    return model;
  }

  /**
   * Returns the script that replaces any table of the same name with this one in one transaction
   * (loadable with {@code nft -f}).
   *
   * @return the script
   */
  public String script() {
    return model.script();
  }

  /**
   * Returns the chains and their rules in nft syntax, in declaration order.
   *
   * @return chain name to rules
   */
  public Map<String, List<String>> chains() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    model.chains().forEach((k, v) -> out.put(k, v.rules()));
    return Collections.unmodifiableMap(out);
  }

  /**
   * Returns the sets and maps with their elements in nft syntax ({@code 10.0.0.1}, {@code 10.0.0.1
   * . tcp . 80}, {@code 10.0.0.1 : jump ns/x/ingress}), sorted by name.
   *
   * @return set name to elements
   */
  public Map<String, List<String>> sets() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    model
        .sets()
        .forEach(
            (k, v) ->
                out.put(
                    k,
                    v.elements().entrySet().stream()
                        .map(e -> NftModel.SetDef.element(e.getKey(), e.getValue()))
                        .toList()));
    return Collections.unmodifiableMap(out);
  }

  /**
   * Returns the number of rules in all chains.
   *
   * @return the rule count
   */
  public int ruleCount() {
    return model.ruleCount();
  }

  /**
   * Returns the number of chains.
   *
   * @return the chain count
   */
  public int chainCount() {
    return model.chains().size();
  }

  /**
   * Returns the number of sets and maps.
   *
   * @return the set and map count
   */
  public int setCount() {
    return model.sets().size();
  }

  /**
   * Returns the number of set and map elements.
   *
   * @return the element count
   */
  public int elementCount() {
    return model.elementCount();
  }

  /** Returns e.g. {@code PolicyRuleset[node-1: 42 rules in 12 chains, 30 sets, 90 elements]}. */
  @Override
  public String toString() {
    return "PolicyRuleset["
        + nodeName
        + ": "
        + ruleCount()
        + " rules in "
        + chainCount()
        + " chains, "
        + setCount()
        + " sets, "
        + elementCount()
        + " elements]";
  }
}
