package dev.k8snet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.k8snet.core.model.LabelSelector;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Every parser either returns a value whose text form parses back to it, or throws {@link
 * IllegalArgumentException}: never another exception, whatever the input.
 */
class ParserRobustnessProperties {

  @Property(tries = 2000)
  void addressParsersFailOnlyWithIllegalArgument(@ForAll("addressLike") String text) {
    check(text, IpAddress::parse, IpAddress::toString);
    check(text, IpAddress::parseLegacy, IpAddress::toString);
    check(text, Cidr::parse, Cidr::toString);
    check(text, Cidr::parseLegacy, Cidr::toString);
    check(text, IpRange::parse, IpRange::toString);
  }

  @Property(tries = 2000)
  void portAndMacParsersFailOnlyWithIllegalArgument(@ForAll("portOrMacLike") String text) {
    check(text, PortRange::parse, PortRange::toString);
    check(text, MacAddress::parse, MacAddress::toString);
  }

  @Property(tries = 2000)
  void selectorParserFailsOnlyWithIllegalArgument(@ForAll("selectorLike") String text) {
    check(text, LabelSelector::parse, LabelSelector::toString);
  }

  private static <T> void check(String text, Function<String, T> parse, Function<T, String> print) {
    T value;
    try {
      value = parse.apply(text);
    } catch (IllegalArgumentException expected) {
      return;
    } catch (RuntimeException e) {
      fail("\"" + text + "\" threw " + e, e);
      return;
    }
    assertEquals(value, parse.apply(print.apply(value)), text);
  }

  @Provide
  Arbitrary<String> addressLike() {
    return Arbitraries.strings().withChars("0123456789abcdefABCDEF:./-%[] ").ofMaxLength(50);
  }

  @Provide
  Arbitrary<String> portOrMacLike() {
    return Arbitraries.strings().withChars("0123456789abcdefABCDEF:- +").ofMaxLength(20);
  }

  @Provide
  Arbitrary<String> selectorLike() {
    Arbitrary<String> chars = Arbitraries.strings().withChars("ab=!,() /.-_").ofMaxLength(30);
    Arbitrary<String> tokens =
        Arbitraries.of("a", "b", "=", "==", "!=", "!", ",", " in ", " notin ", "(", ")", " ", "x/")
            .list()
            .ofMaxSize(12)
            .map(l -> String.join("", l));
    return Arbitraries.oneOf(java.util.List.of(chars, tokens));
  }
}
