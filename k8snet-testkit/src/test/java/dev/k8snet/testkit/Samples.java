package dev.k8snet.testkit;

import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.RandomGenerator;

/** Seeded samples of an arbitrary, so that statistical coverage checks never flake. */
final class Samples {
  private Samples() {}

  /**
   * Returns the values {@code arbitrary} generates from a random source seeded with {@code seed}.
   */
  static <T> Stream<T> of(Arbitrary<T> arbitrary, long seed) {
    RandomGenerator<T> generator = arbitrary.generator(1000);
    Random random = new Random(seed);
    return Stream.generate(() -> generator.next(random).value());
  }
}
