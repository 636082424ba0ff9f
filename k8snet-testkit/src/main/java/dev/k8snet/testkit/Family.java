package dev.k8snet.testkit;

import dev.k8snet.core.IpFamily;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Restricts a generated {@code IpAddress}, {@code Cidr} or {@code IpRange} to one address family.
 *
 * <pre>{@code
 * @Property
 * void v4BlocksHaveAtMost32Bits(@ForAll @Family(IpFamily.IPV4) Cidr cidr) { ... }
 * }</pre>
 *
 * <p>Without it, {@code @ForAll} draws both families. Combined with {@link Within @Within}, the
 * family must be that of the block.
 *
 * @since 0.1
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PARAMETER, ElementType.FIELD, ElementType.TYPE_USE})
public @interface Family {
  /**
   * Returns the family the generated values belong to.
   *
   * @return the family
   * @since 0.1
   */
  IpFamily value();
}
