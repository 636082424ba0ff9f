package dev.k8snet.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Restricts a generated {@code IpAddress}, {@code Cidr} or {@code IpRange} to a CIDR block: the
 * address is in the block, the block is inside it, the range lies within it.
 *
 * <pre>{@code
 * @Property
 * void podIpsAreInTheClusterCidr(@ForAll @Within("10.244.0.0/16") IpAddress podIp) { ... }
 * }</pre>
 *
 * <p>The value is parsed with {@code Cidr.parse}; an invalid block fails the property with an
 * {@link IllegalArgumentException}.
 *
 * @since 0.1
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PARAMETER, ElementType.FIELD, ElementType.TYPE_USE})
public @interface Within {
  /**
   * Returns the enclosing block in CIDR notation, e.g. {@code 10.244.0.0/16} or {@code fd00::/64}.
   *
   * @return the block
   * @since 0.1
   */
  String value();
}
