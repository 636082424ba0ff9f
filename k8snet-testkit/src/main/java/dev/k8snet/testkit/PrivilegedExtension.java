package dev.k8snet.testkit;

import java.util.LinkedHashSet;
import java.util.Set;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Runs, skips or fails each test as {@link Privileges#assume(String...)} decides, with the tools
 * named by {@link Privileged} or {@link NetnsTest} on the test method and its classes.
 *
 * @since 0.1
 */
public class PrivilegedExtension implements BeforeEachCallback {
  /** Creates the extension (JUnit does this). */
  public PrivilegedExtension() {}

  @Override
  public void beforeEach(ExtensionContext context) {
    Privileges.assume(tools(context).toArray(String[]::new));
  }

  static Set<String> tools(ExtensionContext context) {
    Set<String> tools = new LinkedHashSet<>();
    for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
      c.getElement()
          .ifPresent(
              e -> {
                AnnotationSupport.findAnnotation(e, Privileged.class)
                    .ifPresent(a -> tools.addAll(Set.of(a.tools())));
                AnnotationSupport.findAnnotation(e, NetnsTest.class)
                    .ifPresent(a -> tools.addAll(Set.of(a.tools())));
              });
    }
    return tools;
  }
}
