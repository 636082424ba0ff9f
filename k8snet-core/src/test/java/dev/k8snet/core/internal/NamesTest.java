package dev.k8snet.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The messages are apimachinery's {@code k8s.io/apimachinery/pkg/util/validation}, verbatim. */
class NamesTest {
  private static final String NAME_REGEX_ERROR =
      "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an"
          + " alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for"
          + " validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
  private static final String SUBDOMAIN_REGEX_ERROR =
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or"
          + " '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex"
          + " used for validation is"
          + " '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  private static final String LABEL_VALUE_REGEX_ERROR =
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or"
          + " '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or"
          + " 'my_value',  or '12345', regex used for validation is"
          + " '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a",
        "app",
        "App.Name_1-x",
        "app.kubernetes.io/name",
        "kubernetes.io/metadata.name",
        "a/b",
        "0",
      })
  void acceptsQualifiedNames(String key) {
    assertEquals(List.of(), Names.qualifiedName(key));
  }

  @Test
  void acceptsNamesOf63AndPrefixesOf253Characters() {
    String prefix =
        "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(61);
    assertEquals(253, prefix.length());
    assertEquals(List.of(), Names.qualifiedName(prefix + "/" + "n".repeat(63)));
  }

  @Test
  void rejectsAnEmptyKeyWithBothMessages() {
    assertEquals(
        List.of("name part must be non-empty", "name part " + NAME_REGEX_ERROR),
        Names.qualifiedName(""));
  }

  @Test
  void rejectsAnEmptyPrefix() {
    assertEquals(List.of("prefix part must be non-empty"), Names.qualifiedName("/name"));
  }

  @Test
  void rejectsAnUppercasePrefix() {
    assertEquals(
        List.of("prefix part " + SUBDOMAIN_REGEX_ERROR), Names.qualifiedName("Example.com/name"));
  }

  @Test
  void rejectsANameLongerThan63Characters() {
    assertEquals(
        List.of("name part must be no more than 63 characters"),
        Names.qualifiedName("a".repeat(64)));
  }

  @Test
  void measuresLengthsInUtf8BytesAsApimachineryDoes() {
    String thirtyTwoAccents = "\u00e9".repeat(32); // 32 characters, 64 bytes
    assertEquals(
        List.of("name part must be no more than 63 characters", "name part " + NAME_REGEX_ERROR),
        Names.qualifiedName(thirtyTwoAccents));
    assertEquals(
        List.of("must be no more than 63 characters", LABEL_VALUE_REGEX_ERROR),
        Names.labelValue(thirtyTwoAccents));
  }

  @ParameterizedTest
  @ValueSource(strings = {"-a", "a-", "a b", "a_", ".a", "\u00e9"})
  void rejectsNamesThatDoNotStartAndEndAlphanumerically(String key) {
    assertEquals(List.of("name part " + NAME_REGEX_ERROR), Names.qualifiedName(key));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a/b/c", "/b/c", "Bad_Prefix/b/c"})
  void rejectsMoreThanOneSlashWithOneMessage(String key) {
    assertEquals(
        List.of(
            "a qualified name "
                + NAME_REGEX_ERROR
                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"),
        Names.qualifiedName(key));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a", "MyValue", "my_value", "12345", "a.b-c_d"})
  void acceptsLabelValuesIncludingEmpty(String value) {
    assertEquals(List.of(), Names.labelValue(value));
  }

  @Test
  void rejectsLabelValuesLongerThan63Characters() {
    assertEquals(List.of("must be no more than 63 characters"), Names.labelValue("v".repeat(64)));
    assertEquals(
        List.of("must be no more than 63 characters", LABEL_VALUE_REGEX_ERROR),
        Names.labelValue("v".repeat(63) + "-"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"-v", "v-", "a/b", "a b", "v="})
  void rejectsMalformedLabelValues(String value) {
    assertEquals(List.of(LABEL_VALUE_REGEX_ERROR), Names.labelValue(value));
  }

  @Test
  void validatesDnsLabels() {
    assertEquals(List.of(), Names.dns1123Label("my-name"));
    assertEquals(List.of(), Names.dns1123Label("123-abc"));
    assertEquals(
        List.of(
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-',"
                + " and must start and end with an alphanumeric character (e.g. 'my-name',  or"
                + " '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"),
        Names.dns1123Label("My-name"));
    assertEquals(List.of(), Names.dns1035Label("abc-123"));
    assertEquals(
        List.of(
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start"
                + " with an alphabetic character, and end with an alphanumeric character (e.g."
                + " 'my-name',  or 'abc-123', regex used for validation is"
                + " '[a-z]([-a-z0-9]*[a-z0-9])?')"),
        Names.dns1035Label("123-abc"));
    assertEquals(List.of(), Names.dns1123Subdomain("example.com"));
    assertEquals(List.of(SUBDOMAIN_REGEX_ERROR), Names.dns1123Subdomain("example..com"));
  }

  @Test
  void validatesPortNames() {
    assertEquals(List.of(), Names.portName("http"));
    assertEquals(List.of(), Names.portName("h2c-1"));
    assertEquals(
        List.of(
            "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
            "must contain at least one letter (a-z)"),
        Names.portName(""));
    assertEquals(List.of("must be no more than 15 characters"), Names.portName("a".repeat(16)));
    assertEquals(List.of("must contain at least one letter (a-z)"), Names.portName("8080"));
    assertEquals(List.of("must not contain consecutive hyphens"), Names.portName("a--b"));
    assertEquals(List.of("must not begin or end with a hyphen"), Names.portName("-ab"));
  }
}
