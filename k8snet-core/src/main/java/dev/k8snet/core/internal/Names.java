package dev.k8snet.core.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The API server's name and label validation (apimachinery {@code validation.IsQualifiedName},
 * {@code IsValidLabelValue}, {@code IsDNS1123Label}, {@code IsDNS1123Subdomain}, {@code
 * IsValidPortName}), returning the API server's messages; an empty list means valid.
 */
public final class Names {
  private static final String QUALIFIED_NAME_CHARS = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
  private static final Pattern QUALIFIED_NAME = Pattern.compile("^" + QUALIFIED_NAME_CHARS + "$");
  private static final String QUALIFIED_NAME_ERROR =
      regexError(
          "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with"
              + " an alphanumeric character",
          QUALIFIED_NAME_CHARS,
          "MyName",
          "my.name",
          "123-abc");
  private static final String LABEL_VALUE_ERROR =
      regexError(
          "a valid label must be an empty string or consist of alphanumeric characters, '-', '_'"
              + " or '.', and must start and end with an alphanumeric character",
          "(" + QUALIFIED_NAME_CHARS + ")?",
          "MyValue",
          "my_value",
          "12345");
  private static final String DNS1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
  private static final Pattern DNS1123_LABEL_PATTERN = Pattern.compile("^" + DNS1123_LABEL + "$");
  private static final String DNS1035_LABEL = "[a-z]([-a-z0-9]*[a-z0-9])?";
  private static final Pattern DNS1035_LABEL_PATTERN = Pattern.compile("^" + DNS1035_LABEL + "$");
  private static final String DNS1123_SUBDOMAIN_CHARS =
      DNS1123_LABEL + "(\\." + DNS1123_LABEL + ")*";
  private static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile("^" + DNS1123_SUBDOMAIN_CHARS + "$");
  private static final Pattern PORT_NAME_CHARS = Pattern.compile("^[-a-z0-9]+$");
  private static final Pattern HAS_LETTER = Pattern.compile("[a-z]");

  private Names() {}

  /**
   * Validates a label or annotation key: an optional DNS subdomain prefix and a name.
   *
   * @param key the key
   * @return the problems, empty when valid
   */
  public static List<String> qualifiedName(String key) {
    List<String> errors = new ArrayList<>();
    String name = key;
    int slash = key.indexOf('/');
    if (slash >= 0) {
      if (key.indexOf('/', slash + 1) >= 0) {
        errors.add(
            "a qualified name "
                + QUALIFIED_NAME_ERROR
                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
        return errors;
      }
      String prefix = key.substring(0, slash);
      name = key.substring(slash + 1);
      if (prefix.isEmpty()) {
        errors.add("prefix part must be non-empty");
      } else {
        for (String e : dns1123Subdomain(prefix)) {
          errors.add("prefix part " + e);
        }
      }
    }
    if (name.isEmpty()) {
      errors.add("name part must be non-empty");
    } else if (byteLength(name) > 63) {
      errors.add("name part must be no more than 63 characters");
    }
    if (!QUALIFIED_NAME.matcher(name).matches()) {
      errors.add("name part " + QUALIFIED_NAME_ERROR);
    }
    return errors;
  }

  /**
   * Validates a label value: empty, or at most 63 characters of the qualified-name alphabet.
   *
   * @param value the value
   * @return the problems, empty when valid
   */
  public static List<String> labelValue(String value) {
    List<String> errors = new ArrayList<>();
    if (byteLength(value) > 63) {
      errors.add("must be no more than 63 characters");
    }
    if (!value.isEmpty() && !QUALIFIED_NAME.matcher(value).matches()) {
      errors.add(LABEL_VALUE_ERROR);
    }
    return errors;
  }

  /**
   * Validates an RFC 1123 label (namespace names, service names use the 1035 variant).
   *
   * @param value the value
   * @return the problems, empty when valid
   */
  public static List<String> dns1123Label(String value) {
    List<String> errors = new ArrayList<>();
    if (byteLength(value) > 63) {
      errors.add("must be no more than 63 characters");
    }
    if (!DNS1123_LABEL_PATTERN.matcher(value).matches()) {
      errors.add(
          regexError(
              "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or"
                  + " '-', and must start and end with an alphanumeric character",
              DNS1123_LABEL,
              "my-name",
              "123-abc"));
    }
    return errors;
  }

  /**
   * Validates an RFC 1035 label (Service names): an RFC 1123 label that starts with a letter.
   *
   * @param value the value
   * @return the problems, empty when valid
   */
  public static List<String> dns1035Label(String value) {
    List<String> errors = new ArrayList<>();
    if (byteLength(value) > 63) {
      errors.add("must be no more than 63 characters");
    }
    if (!DNS1035_LABEL_PATTERN.matcher(value).matches()) {
      errors.add(
          regexError(
              "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start"
                  + " with an alphabetic character, and end with an alphanumeric character",
              DNS1035_LABEL,
              "my-name",
              "abc-123"));
    }
    return errors;
  }

  /**
   * Validates an RFC 1123 subdomain (most object names).
   *
   * @param value the value
   * @return the problems, empty when valid
   */
  public static List<String> dns1123Subdomain(String value) {
    List<String> errors = new ArrayList<>();
    if (byteLength(value) > 253) {
      errors.add("must be no more than 253 characters");
    }
    if (!DNS1123_SUBDOMAIN.matcher(value).matches()) {
      errors.add(
          regexError(
              "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters,"
                  + " '-' or '.', and must start and end with an alphanumeric character",
              DNS1123_SUBDOMAIN_CHARS,
              "example.com"));
    }
    return errors;
  }

  /**
   * Validates a port name (IANA service name: at most 15 characters, lower case letters, digits and
   * non-adjacent hyphens, at least one letter, no hyphen at either end).
   *
   * @param name the name
   * @return the problems, empty when valid
   */
  public static List<String> portName(String name) {
    List<String> errors = new ArrayList<>();
    if (byteLength(name) > 15) {
      errors.add("must be no more than 15 characters");
    }
    if (!PORT_NAME_CHARS.matcher(name).matches()) {
      errors.add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    }
    if (!HAS_LETTER.matcher(name).find()) {
      errors.add("must contain at least one letter (a-z)");
    }
    if (name.contains("--")) {
      errors.add("must not contain consecutive hyphens");
    }
    if (name.startsWith("-") || name.endsWith("-")) {
      errors.add("must not begin or end with a hyphen");
    }
    return errors;
  }

  /** apimachinery's {@code RegexError}: the message, examples and the regex, spaced as it does. */
  private static String regexError(String message, String regex, String... examples) {
    StringBuilder sb = new StringBuilder(message).append(" (e.g. ");
    for (int i = 0; i < examples.length; i++) {
      if (i > 0) {
        sb.append(" or ");
      }
      sb.append('\'').append(examples[i]).append("', ");
    }
    return sb.append("regex used for validation is '").append(regex).append("')").toString();
  }

  /** The length as apimachinery measures it: Go's {@code len}, the number of UTF-8 bytes. */
  private static int byteLength(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
