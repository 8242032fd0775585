package dev.graft.testkit;

import org.quicktheories.QuickTheory;

/**
 * The one place every QuickTheories property in the build gets its {@code qt()}: seeded with
 * {@link #DEFAULT_SEED}, so each run draws the same examples and the suite gives the same result
 * every time, unless the system property {@value #SEED_PROPERTY} names another seed ({@code mvn
 * test -Dgraft.seed=12345}) to explore new examples. A property that fails reports the seed it
 * ran with ({@code Seed was ...} in QuickTheories' message), and rerunning with that seed
 * reproduces it.
 */
public final class Theories {
  /** The system property that overrides the seed. */
  public static final String SEED_PROPERTY = "graft.seed";

  /** The seed used when {@value #SEED_PROPERTY} is not set. */
  public static final long DEFAULT_SEED = 20261204L;

  private Theories() {}

  /** The seed of this run: {@value #SEED_PROPERTY} if set, else {@link #DEFAULT_SEED}. */
  public static long seed() {
    String s = System.getProperty(SEED_PROPERTY);
    if (s == null || s.isBlank()) {
      return DEFAULT_SEED;
    }
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("-D" + SEED_PROPERTY + " must be a long, got '" + s + "'",
          e);
    }
  }

  /** QuickTheories with this run's seed; chain {@code withExamples} etc. as usual. */
  public static QuickTheory qt() {
    return QuickTheory.qt().withFixedSeed(seed());
  }
}
