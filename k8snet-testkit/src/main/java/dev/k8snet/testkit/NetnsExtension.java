package dev.k8snet.testkit;

import dev.k8snet.core.netlink.Netlink;
import dev.k8snet.core.netns.NetworkNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that gives a test a fresh, named network namespace ({@code k8snet-t-…} under
 * {@code /var/run/netns}, so {@code ip -n NAME} works) and removes it with everything in it after
 * the test, also when the test fails.
 *
 * <p>Inject a {@link NetworkNamespace} and/or a {@link Netlink} handle bound to it as test method
 * parameters; all parameters of one test share the same namespace. Before each test the privilege
 * check of {@link Privileges} runs (skip or fail by {@code k8snet.privileged}); after each test the
 * extension fails the test if the test thread was left in another namespace.
 *
 * <pre>{@code
 * @ExtendWith(NetnsExtension.class)
 * class RoutesTest {
 *   @Test
 *   void addsRoute(Netlink nl) { ... }
 * }
 * }</pre>
 *
 * @since 0.1
 */
public class NetnsExtension extends PrivilegedExtension
    implements ParameterResolver, AfterEachCallback {
  private static final ExtensionContext.Namespace STORE =
      ExtensionContext.Namespace.create(NetnsExtension.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Creates the extension (JUnit does this). */
  public NetnsExtension() {}

  @Override
  public void beforeEach(ExtensionContext context) {
    super.beforeEach(context);
    context.getStore(STORE).put("thread-ns", threadNamespace());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    String before = context.getStore(STORE).remove("thread-ns", String.class);
    String after = threadNamespace();
    if (before != null && !before.equals(after)) {
      throw new AssertionError(
          "the test thread was left in network namespace " + after + " (was " + before + ")");
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext context) {
    Class<?> type = p.getParameter().getType();
    return type == NetworkNamespace.class || type == Netlink.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext context) {
    TestNamespace t =
        context
            .getStore(STORE)
            .getOrComputeIfAbsent("netns", k -> TestNamespace.create(), TestNamespace.class);
    return p.getParameter().getType() == Netlink.class ? t.netlink() : t.namespace;
  }

  private static String threadNamespace() {
    try {
      return Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  /**
   * The namespace of one test and the handles opened on it; JUnit closes it (an AutoCloseable store
   * value) when the test's store closes, also after a failure.
   */
  static final class TestNamespace implements AutoCloseable {
    final NetworkNamespace namespace;
    private final Deque<AutoCloseable> handles = new ArrayDeque<>();

    private TestNamespace(NetworkNamespace namespace) {
      this.namespace = namespace;
    }

    static TestNamespace create() {
      byte[] id = new byte[5];
      RANDOM.nextBytes(id);
      return new TestNamespace(NetworkNamespace.create("k8snet-t-" + HexFormat.of().formatHex(id)));
    }

    synchronized Netlink netlink() {
      Netlink nl = namespace.netlink();
      handles.push(nl);
      return nl;
    }

    @Override
    public synchronized void close() {
      RuntimeException failure = null;
      while (!handles.isEmpty()) {
        try {
          handles.pop().close();
        } catch (Exception e) {
          failure = failure != null ? failure : new IllegalStateException("cannot close handle", e);
        }
      }
      namespace.delete();
      if (failure != null) {
        throw failure;
      }
    }
  }
}
