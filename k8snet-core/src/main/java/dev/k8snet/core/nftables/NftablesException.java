package dev.k8snet.core.nftables;

import dev.k8snet.core.K8snetException;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * nft rejected a script or a command. Nothing of the script was applied (a transaction is atomic in
 * the kernel). Carries nft's own error text, which names the offending line and marks the offending
 * part of it, and the script as {@link #subject()}.
 *
 * @since 0.1
 */
public class NftablesException extends K8snetException {
  private static final long serialVersionUID = 1L;
  private static final Pattern LOCATION = Pattern.compile(":(\\d+):\\d+(-\\d+)?: Error:");

  /** nft's error text. */
  private final String errorText;

  /**
   * Creates an exception.
   *
   * @param operation what was attempted, e.g. {@code "apply"}
   * @param script the script nft rejected
   * @param errorText nft's error output
   */
  public NftablesException(String operation, String script, String errorText) {
    super("nft " + operation + " failed: " + errorText.strip(), script, null);
    this.errorText = errorText;
  }

  /**
   * Returns nft's error text, e.g. {@code "<cmdline>:2:10-12: Error: …"} with the line.
   *
   * @return the error text
   */
  public String errorText() {
    return errorText;
  }

  /**
   * Returns the 1-based line of the script nft complained about first: from the location nft
   * printed ({@code /dev/stdin:3:1-20: Error: …}), or else by finding the source line nft echoed
   * after its error message in the script.
   *
   * @return the line, or empty when nft's output names none that can be found
   */
  public OptionalInt line() {
    Matcher m = LOCATION.matcher(errorText);
    if (m.find()) {
      return OptionalInt.of(Integer.parseInt(m.group(1)));
    }
    String[] lines = errorText.split("\n", -1);
    Object script = subject().orElse("");
    if (!(script instanceof String text)) {
      return OptionalInt.empty();
    }
    String[] scriptLines = text.split("\n", -1);
    for (int i = 0; i + 1 < lines.length; i++) {
      if (lines[i].contains("Error:")) {
        for (int j = 0; j < scriptLines.length; j++) {
          if (!lines[i + 1].isEmpty() && scriptLines[j].equals(lines[i + 1])) {
            return OptionalInt.of(j + 1);
          }
        }
        return OptionalInt.empty();
      }
    }
    return OptionalInt.empty();
  }
}
