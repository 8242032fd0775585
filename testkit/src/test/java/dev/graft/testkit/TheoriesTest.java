package dev.graft.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The shared property runner: the same examples every run by default, other examples under
 * {@code -Dgraft.seed}, and the seed in the message of a failing property.
 */
class TheoriesTest {

  private static List<Long> drawn() {
    List<Long> seen = new ArrayList<>();
    Theories.qt().withExamples(20).forAll(longs().all()).checkAssert(seen::add);
    return seen;
  }

  private static <T> T withSeedProperty(String value, Supplier<T> body) {
    String before = System.getProperty(Theories.SEED_PROPERTY);
    System.setProperty(Theories.SEED_PROPERTY, value);
    try {
      return body.get();
    } finally {
      if (before == null) {
        System.clearProperty(Theories.SEED_PROPERTY);
      } else {
        System.setProperty(Theories.SEED_PROPERTY, before);
      }
    }
  }

  @Test
  void theDefaultSeedDrawsTheSameExamplesEveryRun() {
    List<Long> first = withSeedProperty("", TheoriesTest::drawn);
    assertEquals(first, withSeedProperty("", TheoriesTest::drawn));
    assertEquals(Theories.DEFAULT_SEED, (long) withSeedProperty(" ", Theories::seed));
  }

  @Test
  void theSystemPropertyGivesOtherExamplesRepeatably() {
    List<Long> base = withSeedProperty("", TheoriesTest::drawn);
    List<Long> other = withSeedProperty("12345", TheoriesTest::drawn);
    assertNotEquals(base, other);
    assertEquals(other, withSeedProperty("12345", TheoriesTest::drawn));
    assertEquals(12345L, (long) withSeedProperty("12345", Theories::seed));
    assertThrows(IllegalArgumentException.class, () -> withSeedProperty("x1", Theories::seed));
  }

  @Test
  void aFailingPropertyReportsItsSeed() {
    AssertionError e = assertThrows(AssertionError.class, () -> withSeedProperty("777", () -> {
      Theories.qt().withExamples(50).forAll(longs().between(0, 100))
          .checkAssert(v -> assertTrue(v < 50, "too big"));
      return null;
    }));
    assertTrue(e.getMessage().contains("Seed was 777"), e.getMessage());
  }
}
