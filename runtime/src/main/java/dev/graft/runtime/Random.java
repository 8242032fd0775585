package dev.graft.runtime;

/** Samplers driven by a {@link Key}: the same key and shape give the same tensor everywhere. */
public final class Random {
  private Random() {}

  /** Uniform on {@code [low, high)}. */
  public static Tensor uniform(Key key, float low, float high, int... shape) {
    throw new UnsupportedOperationException("TODO");
  }

  /** Standard normal. */
  public static Tensor normal(Key key, int... shape) {
    throw new UnsupportedOperationException("TODO");
  }

  /** Standard normal truncated to {@code [lower, upper]}. */
  public static Tensor truncatedNormal(Key key, float lower, float upper, int... shape) {
    throw new UnsupportedOperationException("TODO");
  }

  /** {@code 1} with probability {@code p}, else {@code 0}. */
  public static Tensor bernoulli(Key key, float p, int... shape) {
    throw new UnsupportedOperationException("TODO");
  }
}
