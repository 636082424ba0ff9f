/**
 * Reading Kubernetes manifests (YAML and JSON) into the model of {@code dev.k8snet.core.model},
 * with the API server's defaulting and validation: {@link dev.k8snet.core.manifest.ManifestReader}
 * is the entry point; invalid objects are reported as {@link
 * dev.k8snet.core.manifest.ManifestException}s naming file, line, field and value.
 */
package dev.k8snet.core.manifest;
