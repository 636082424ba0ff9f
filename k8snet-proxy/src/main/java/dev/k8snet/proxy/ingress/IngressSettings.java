package dev.k8snet.proxy.ingress;

import java.util.Objects;

/**
 * What the Ingress controller is: the IngressClass controller name it owns and the node it runs on.
 *
 * @param controllerName the {@code spec.controller} of the IngressClasses served
 * @param nodeName the node the controller runs on (topology hints); may be empty
 * @param watchWithoutClass serve Ingresses that name no class when no default class exists (as
 *     ingress-nginx's {@code --watch-ingress-without-class})
 * @since 0.1.0
 */
public record IngressSettings(String controllerName, String nodeName, boolean watchWithoutClass) {
  /** k8snet's controller name. */
  public static final String CONTROLLER_NAME = "k8snet.io/ingress-controller";

  /** Our controller name, no node name, class-less Ingresses ignored. */
  public static final IngressSettings DEFAULT = new IngressSettings(CONTROLLER_NAME, "", false);

  /**
   * Checks nulls.
   *
   * @param controllerName the {@code spec.controller} of the IngressClasses served
   * @param nodeName the node the controller runs on (topology hints); may be empty
   * @param watchWithoutClass serve Ingresses that name no class when no default class exists (as
   *     ingress-nginx's {@code --watch-ingress-without-class})
   */
  public IngressSettings {
    Objects.requireNonNull(controllerName, "controllerName");
    Objects.requireNonNull(nodeName, "nodeName");
  }
}
