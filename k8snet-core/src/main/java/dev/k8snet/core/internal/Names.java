package dev.k8snet.core.internal;

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
  private static final String DNS1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
  private static final Pattern DNS1123_LABEL_PATTERN = Pattern.compile("^" + DNS1123_LABEL + "$");
  private static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile("^" + DNS1123_LABEL + "(\\." + DNS1123_LABEL + ")*$");
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
      String prefix = key.substring(0, slash);
      name = key.substring(slash + 1);
      if (prefix.isEmpty()) {
        errors.add("prefix part must be non-empty");
      } else {
        for (String e : dns1123Subdomain(prefix)) {
          errors.add("prefix part " + e);
        }
      }
      if (name.indexOf('/') >= 0) {
        errors.add(
            "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must"
                + " start and end with an alphanumeric character with an optional DNS subdomain"
                + " prefix and '/' (e.g. 'example.com/MyName')");
        return errors;
      }
    }
    if (name.isEmpty()) {
      errors.add("name part must be non-empty");
    } else if (name.length() > 63) {
      errors.add("name part must be no more than 63 characters");
    }
    if (!name.isEmpty() && !QUALIFIED_NAME.matcher(name).matches()) {
      errors.add(
          "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and"
              + " end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc')");
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
    if (value.length() > 63) {
      errors.add("must be no more than 63 characters");
    }
    if (!value.isEmpty() && !QUALIFIED_NAME.matcher(value).matches()) {
      errors.add(
          "a valid label must be an empty string or consist of alphanumeric characters, '-', '_'"
              + " or '.', and must start and end with an alphanumeric character (e.g. 'MyValue', "
              + " or 'my_value',  or '12345')");
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
    if (value.length() > 63) {
      errors.add("must be no more than 63 characters");
    }
    if (!DNS1123_LABEL_PATTERN.matcher(value).matches()) {
      errors.add(
          "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-',"
              + " and must start and end with an alphanumeric character (e.g. 'my-name',  or"
              + " '123-abc')");
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
    if (value.length() > 63) {
      errors.add("must be no more than 63 characters");
    }
    if (!DNS1123_LABEL_PATTERN.matcher(value).matches()
        || value.isEmpty()
        || !(value.charAt(0) >= 'a' && value.charAt(0) <= 'z')) {
      errors.add(
          "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with"
              + " an alphabetic character, and end with an alphanumeric character (e.g. 'my-name', "
              + " or 'abc-123')");
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
    if (value.length() > 253) {
      errors.add("must be no more than 253 characters");
    }
    if (!DNS1123_SUBDOMAIN.matcher(value).matches()) {
      errors.add(
          "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-'"
              + " or '.', and must start and end with an alphanumeric character (e.g."
              + " 'example.com')");
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
    if (name.length() < 1 || name.length() > 15) {
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
}
