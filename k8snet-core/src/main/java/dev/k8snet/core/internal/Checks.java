package dev.k8snet.core.internal;

/** Argument checks whose messages follow the {@code name: value (expected: …)} form. */
public final class Checks {
  private Checks() {}

  /**
   * Throws {@link IllegalArgumentException} with the standard message unless {@code ok}.
   *
   * @param ok the condition
   * @param name the argument's name
   * @param value the offending value
   * @param expected what was expected
   */
  public static void check(boolean ok, String name, Object value, String expected) {
    if (!ok) {
      throw invalid(name, value, expected);
    }
  }

  /**
   * Returns an {@link IllegalArgumentException} with the standard message.
   *
   * @param name the argument's name
   * @param value the offending value
   * @param expected what was expected
   * @return the exception, to be thrown by the caller
   */
  public static IllegalArgumentException invalid(String name, Object value, String expected) {
    return new IllegalArgumentException(name + ": " + value + " (expected: " + expected + ")");
  }
}
