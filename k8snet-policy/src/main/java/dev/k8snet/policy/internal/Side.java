package dev.k8snet.policy.internal;

import dev.k8snet.core.IpAddress;
import dev.k8snet.core.model.Pod;

/**
 * One resolved end of a connection.
 *
 * @param pod the pod subject to policy, or null (external IP, node, host-network pod)
 * @param ip the address on the wire, or null when the pod has no IP of the connection's family
 */
record Side(Pod pod, IpAddress ip) {}
