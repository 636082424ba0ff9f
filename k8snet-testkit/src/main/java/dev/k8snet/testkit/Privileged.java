package dev.k8snet.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test (method or class) that needs privileges but no network namespace of its own, e.g.
 * one that only creates namespaces itself. It runs, skips or fails as {@link Privileges} decides
 * from {@code k8snet.privileged}, and carries the JUnit tag {@code privileged}.
 *
 * <pre>{@code
 * @Privileged(tools = "ip")
 * class NamespaceLifecycleTest { ... }
 * }</pre>
 *
 * @since 0.1
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(PrivilegedExtension.class)
@Tag("privileged")
public @interface Privileged {
  /**
   * Executables the test needs, e.g. {@code "ip"}, {@code "nft"}.
   *
   * @return the executables; the test is skipped or fails when one is missing, as {@link
   *     Privileges#assume(String...)} decides
   */
  String[] tools() default {};
}
