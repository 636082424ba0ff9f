package dev.k8snet.core.manifest;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Robustness of lenient reading: whatever the text, errors are reported, never thrown. */
class ManifestReaderProperties {
  private static final List<String> FIXTURES = fixtures();

  private static List<String> fixtures() {
    try {
      Path dir = Path.of(ManifestReaderProperties.class.getResource("/manifests/cluster").toURI());
      List<String> texts = new ArrayList<>();
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
          texts.add(Files.readString(f, StandardCharsets.UTF_8));
        }
      }
      return texts;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A fixture with one span of characters deleted or replaced: near-valid manifests. */
  @Provide
  Arbitrary<String> mutatedManifests() {
    return Arbitraries.of(FIXTURES)
        .flatMap(
            text ->
                Arbitraries.integers()
                    .between(0, text.length() - 1)
                    .flatMap(
                        start ->
                            Arbitraries.integers()
                                .between(0, 12)
                                .flatMap(
                                    len ->
                                        Arbitraries.of("", "0", "-", ":", " ", "\n", "[", "{", "x")
                                            .map(
                                                insert ->
                                                    text.substring(0, start)
                                                        + insert
                                                        + text.substring(
                                                            Math.min(
                                                                text.length(), start + len))))));
  }

  @Property(tries = 300)
  void lenientReadingReportsEveryProblemAndNeverThrows(@ForAll("mutatedManifests") String text) {
    ManifestReader.Result r = ManifestReader.create().readString("f.yaml", text);
    long lines = text.lines().count() + 1;
    for (ManifestException e : r.errors()) {
      assertTrue(e.line() >= 0 && e.line() <= lines, e.getMessage());
      assertTrue(e.getMessage().startsWith("f.yaml"), e.getMessage());
    }
  }

  @Property(tries = 200)
  void arbitraryTextIsNeverFatal(@ForAll String text) {
    ManifestReader.Result r = ManifestReader.create().readString("f.yaml", text);
    for (ManifestException e : r.errors()) {
      assertTrue(e.getMessage().startsWith("f.yaml"), e.getMessage());
    }
    for (ManifestWarning w : r.warnings()) {
      assertTrue(w.source().equals("f.yaml"), w.toString());
    }
  }
}
