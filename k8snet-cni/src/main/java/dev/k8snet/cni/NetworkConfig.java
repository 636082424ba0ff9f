package dev.k8snet.cni;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The common fields of the configuration a plugin receives on stdin, validated; plugin-specific
 * fields are read from {@link #json()}. Immutable.
 *
 * @param cniVersion the version (0.1.0 when the configuration has none)
 * @param name the network name
 * @param type the plugin type (empty when absent, as for some delegated calls)
 * @param prevResult the previous result in a chain, converted from its version
 * @param validAttachments for GC: {@code cni.dev/valid-attachments} (or the legacy {@code
 *     cni.dev/attachments}); empty when absent
 * @param json the configuration text exactly as received
 * @since 0.1
 */
public record NetworkConfig(
    CniVersion cniVersion,
    String name,
    String type,
    Optional<CniResult> prevResult,
    Optional<List<Attachment>> validAttachments,
    String json) {

  /**
   * Validates the components.
   *
   * @param cniVersion the version (0.1.0 when the configuration has none)
   * @param name the network name
   * @param type the plugin type (empty when absent, as for some delegated calls)
   * @param prevResult the previous result in a chain, converted from its version
   * @param validAttachments for GC: {@code cni.dev/valid-attachments} (or the legacy {@code
   *     cni.dev/attachments}); empty when absent
   * @param json the configuration text exactly as received
   */
  public NetworkConfig {
    Objects.requireNonNull(cniVersion, "cniVersion");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(prevResult, "prevResult");
    validAttachments = validAttachments.map(List::copyOf);
    Objects.requireNonNull(json, "json");
  }
}
