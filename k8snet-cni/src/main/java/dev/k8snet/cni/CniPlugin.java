package dev.k8snet.cni;

import java.util.List;

/**
 * A CNI plugin: what {@link CniPluginRunner} calls after it has validated the environment and the
 * configuration. Implementations throw {@link CniException} with the spec's codes; anything else is
 * reported as code {@value CniException#PLUGIN_SPECIFIC}.
 *
 * @since 0.1
 */
public interface CniPlugin {
  /**
   * The versions this plugin accepts in configurations; default: every released version.
   *
   * @return the accepted versions, oldest first
   */
  default List<CniVersion> supportedVersions() {
    return CniVersion.ALL;
  }

  /**
   * Attaches; returns the result (for chained plugins, the modified previous result).
   *
   * @param request the environment and configuration of the call
   * @return the result to print
   */
  CniResult add(CniRequest request);

  /**
   * Detaches; must succeed when called repeatedly or when the namespace is gone.
   *
   * @param request the environment and configuration of the call
   */
  void del(CniRequest request);

  /**
   * Verifies the attachment described by the previous result.
   *
   * @param request the environment and configuration of the call, with the previous result
   */
  void check(CniRequest request);

  /**
   * Reports readiness for ADD; default: ready.
   *
   * @param request the environment and configuration of the call
   */
  default void status(CniRequest request) {}

  /**
   * Releases the resources of every attachment not in {@code valid}; default: nothing to release.
   *
   * @param request the environment and configuration of the call
   * @param valid the attachments to keep
   */
  default void gc(CniRequest request, List<Attachment> valid) {}
}
