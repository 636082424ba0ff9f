/**
 * Cluster snapshots and their sources: {@link dev.k8snet.core.cluster.ClusterState} (an immutable,
 * versioned, indexed snapshot), {@link dev.k8snet.core.cluster.ClusterSource} (what emits
 * snapshots; also the SPI for new sources) and {@link
 * dev.k8snet.core.cluster.DirectoryClusterSource}, the embedded default that watches manifest
 * directories and files, merged into one snapshot.
 *
 * <pre>{@code
 * try (ClusterSource source = DirectoryClusterSource.create(Path.of("manifests"))) {
 *   source.start(update -> {
 *     for (ClusterChange change : update.changes()) {
 *       System.out.println(change);   // e.g. "MODIFIED Service default/web"
 *     }
 *   });
 * }
 * }</pre>
 */
package dev.k8snet.core.cluster;
