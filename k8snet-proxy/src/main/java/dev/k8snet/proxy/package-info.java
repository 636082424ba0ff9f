/**
 * Service load balancing (what kube-proxy does) rendered to nftables, and the Ingress controller.
 */
package dev.k8snet.proxy;
