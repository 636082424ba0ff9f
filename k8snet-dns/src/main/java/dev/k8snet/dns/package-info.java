/** Cluster DNS per the Kubernetes DNS-Based Service Discovery specification, with forwarding. */
package dev.k8snet.dns;
