/** Implementation of the service proxy; not API. */
package dev.k8snet.proxy.internal;
