package dev.k8snet.core.model;

import dev.k8snet.core.Cidr;
import java.util.List;
import java.util.Objects;

/**
 * A subject or peer of the admin network policies (AdminNetworkPolicy, BaselineAdminNetworkPolicy,
 * ClusterNetworkPolicy): exactly one way of selecting endpoints. Host-network pods are never
 * selected by {@link Namespaces} or {@link Pods}.
 *
 * @since 0.1
 */
public sealed interface AdminPeer
    permits AdminPeer.Namespaces,
        AdminPeer.Pods,
        AdminPeer.Nodes,
        AdminPeer.Networks,
        AdminPeer.DomainNames {

  /**
   * All pods of the namespaces a selector picks ({@code namespaces}).
   *
   * @param selector the namespace selector; empty selects every namespace
   * @since 0.1
   */
  record Namespaces(LabelSelector selector) implements AdminPeer {
    /**
     * Checks for null.
     *
     * @param selector the namespace selector; empty selects every namespace
     */
    public Namespaces {
      Objects.requireNonNull(selector, "selector");
    }
  }

  /**
   * The pods a pod selector picks in the namespaces a namespace selector picks ({@code pods}).
   *
   * @param namespaceSelector the namespace selector; empty selects every namespace
   * @param podSelector the pod selector; empty selects every pod
   * @since 0.1
   */
  record Pods(LabelSelector namespaceSelector, LabelSelector podSelector) implements AdminPeer {
    /**
     * Checks for nulls.
     *
     * @param namespaceSelector the namespace selector; empty selects every namespace
     * @param podSelector the pod selector; empty selects every pod
     */
    public Pods {
      Objects.requireNonNull(namespaceSelector, "namespaceSelector");
      Objects.requireNonNull(podSelector, "podSelector");
    }
  }

  /**
   * The IPs ({@code status.addresses}) of the nodes a selector picks ({@code nodes}; egress only).
   *
   * @param selector the node selector; empty selects every node
   * @since 0.1
   */
  record Nodes(LabelSelector selector) implements AdminPeer {
    /**
     * Checks for null.
     *
     * @param selector the node selector; empty selects every node
     */
    public Nodes {
      Objects.requireNonNull(selector, "selector");
    }
  }

  /**
   * IP blocks ({@code networks}; egress only). They match pod IPs as well as external ones.
   *
   * @param cidrs the blocks, 1 to 25
   * @since 0.1
   */
  record Networks(List<Cidr> cidrs) implements AdminPeer {
    /**
     * Copies the list and checks its size.
     *
     * @param cidrs the blocks, 1 to 25
     */
    public Networks {
      cidrs = List.copyOf(cidrs);
      if (cidrs.isEmpty() || cidrs.size() > 25) {
        throw new IllegalArgumentException("cidrs: " + cidrs + " (expected: 1 ~ 25 CIDRs)");
      }
    }
  }

  /**
   * Domain names ({@code domainNames}; egress, allow rules only). A leading {@code *.} matches one
   * or more labels.
   *
   * @param names the names, 1 to 25
   * @since 0.1
   */
  record DomainNames(List<String> names) implements AdminPeer {
    /**
     * Copies the list and checks its size.
     *
     * @param names the names, 1 to 25
     */
    public DomainNames {
      names = List.copyOf(names);
      if (names.isEmpty() || names.size() > 25) {
        throw new IllegalArgumentException("names: " + names + " (expected: 1 ~ 25 names)");
      }
    }
  }

  /**
   * Returns whether this kind of peer may be a policy's subject: {@link Namespaces} or {@link
   * Pods}.
   *
   * @return whether it selects pods
   */
  default boolean selectsPods() {
    return this instanceof Namespaces || this instanceof Pods;
  }
}
