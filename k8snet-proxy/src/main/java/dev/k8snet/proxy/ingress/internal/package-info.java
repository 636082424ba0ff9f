/** Not API: the compiled route table and the netty data plane of the Ingress controller. */
package dev.k8snet.proxy.ingress.internal;
