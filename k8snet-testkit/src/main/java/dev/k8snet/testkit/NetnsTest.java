package dev.k8snet.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives each test a fresh network namespace: parameters of type {@code NetworkNamespace} and {@code
 * Netlink} are injected (see {@link NetnsExtension}). The test is privileged (see {@link
 * Privileges}) and carries the JUnit tag {@code privileged}.
 *
 * <pre>{@code
 * @NetnsTest(tools = "ip")
 * class BridgeTest {
 *   @Test
 *   void createsBridge(NetworkNamespace ns, Netlink nl) {
 *     nl.addLink(LinkSpec.of("br0", LinkKind.bridge()));
 *     assertTrue(nl.link("br0").isPresent());
 *   }
 * }
 * }</pre>
 *
 * @since 0.1
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(NetnsExtension.class)
@Tag("privileged")
public @interface NetnsTest {
  /**
   * Executables the test needs, e.g. {@code "ip"}, {@code "nft"}.
   *
   * @return the executables; the test is skipped or fails when one is missing, as {@link
   *     Privileges#assume(String...)} decides
   */
  String[] tools() default {};
}
