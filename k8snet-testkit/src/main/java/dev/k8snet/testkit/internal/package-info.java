/** The testkit's jqwik wiring. Not API: may change in any release. */
package dev.k8snet.testkit.internal;
