/**
 * Implementation of {@code dev.k8snet.dns}: record generation, the pre-rendered wire index, query
 * parsing and response writing, the netty transport and the forwarder. Not API: may change in any
 * release.
 */
package dev.k8snet.dns.internal;
